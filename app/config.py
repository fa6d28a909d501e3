"""Settings from the environment: one object, read once."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.ratelimit import Rule

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var"
MIN_SECRET_KEY_LENGTH = 32
KNOWN_WEAK_KEYS = frozenset({"secret", "changeme", "change-me", "development", "palabra"})
DEFAULT_AGENDA = Path(__file__).resolve().parent / "agendas" / "cartagena40-brasilia-2024.toml"


class Settings(BaseSettings):
    """Everything Palabra reads from the environment (prefix ``PALABRA_``)."""

    model_config = SettingsConfigDict(env_prefix="PALABRA_", env_file=".env", extra="ignore")

    env: Literal["development", "production", "test"] = "development"
    database_url: str = f"sqlite:///{VAR_DIR / 'palabra.db'}"
    secret_key: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""
    speaking_time_seconds: int = Field(default=180, ge=10, le=3600)
    broadcast_url: str = "memory://"
    # Processes `python -m app run` serves from; more than one needs a redis:// broadcast_url.
    workers: int = Field(default=1, ge=1)
    # Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (comma-separated
    # addresses or networks, "*" for any): the client's address and https come from them.
    forwarded_allow_ips: str = "127.0.0.1,::1"
    default_agenda: Path = DEFAULT_AGENDA
    # Other sites whose pages may open Palabra's live sockets, besides Palabra's own address
    # (comma-separated, e.g. "https://palabra.example.org"). Normally empty.
    allowed_origins: str = ""
    # Rate limits ("30/minute", "5 per 10 seconds"), counted per address and per phone. A hall's
    # phones often reach a hosted Palabra through the venue's one public address (NAT), so each
    # per-address limit is sized for a whole hall, and still slows a script from one address.
    # Joins with the right code: a hall of 1,000 joins within one minute; a script making
    # participants is held to 20 a second.
    rate_join_per_address: str = "1200/minute"
    # Tries with a wrong code (the join form, or a join link or form opened with a code): most
    # phones scan the QR code and type nothing, so a hall's mistypes stay well under 60 a
    # minute; a script guessing gets 60 a minute against 31^8 (about 8.5e11) codes. While an
    # address is over it even the right code waits: told apart, the answer would tell a
    # guesser which code is right.
    rate_failed_join_per_address: str = "60/minute"
    # Requests for the floor per phone: a person asks, withdraws and asks again now and then.
    rate_floor_per_device: str = "20/minute"
    # Per address: 300 phones asking, withdrawing and asking again within a minute (900), with
    # room to spare; below the 50 a second one process takes (README, "Bigger rooms"), so one
    # address with many phones cannot take all of it.
    rate_floor_per_address: str = "1800/minute"
    # Sign-in tries from one address (any usernames), at one username from one address, and
    # at one username from everywhere; a wrong password counts like a right one. A hall holds
    # a handful of facilitators; a script guessing passwords is held to these.
    rate_login_per_address: str = "30/minute"
    rate_login_per_account: str = "10/minute"
    rate_login_per_account_everywhere: str = "100/minute"
    # How long a facilitator stays signed in.
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    # A bearer token that lets a scraper read /metrics from elsewhere; without one, only a
    # client on this machine may read it (app/metrics.py).
    metrics_token: str = ""
    # How the log is written: "text" for people, "json" (one object a line) for collectors.
    log_format: Literal["text", "json"] = "text"

    @model_validator(mode="after")
    def _secret_key_outside_development(self) -> Settings:
        if self.env != "development":
            key = self.secret_key
            if len(key) < MIN_SECRET_KEY_LENGTH or key.lower() in KNOWN_WEAK_KEYS:
                raise ValueError(
                    "PALABRA_SECRET_KEY must be a random value of at least "
                    f"{MIN_SECRET_KEY_LENGTH} characters unless PALABRA_ENV=development "
                    '(for example: python -c "import secrets; print(secrets.token_urlsafe(32))")'
                )
        elif not self.secret_key:
            self.secret_key = _development_secret()
        return self

    @field_validator(
        "rate_join_per_address",
        "rate_failed_join_per_address",
        "rate_floor_per_device",
        "rate_floor_per_address",
        "rate_login_per_address",
        "rate_login_per_account",
        "rate_login_per_account_everywhere",
    )
    @classmethod
    def _valid_rate(cls, value: str) -> str:
        Rule.parse(value)
        return value

    @property
    def extra_origins(self) -> frozenset[str]:
        return frozenset(
            o.strip().rstrip("/") for o in self.allowed_origins.split(",") if o.strip()
        )

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over HTTPS, except on a developer's own machine."""
        return self.base_url.startswith("https://") or self.env == "production"

    @property
    def base_url(self) -> str:
        """The address printed in links and QR codes."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


def _development_secret() -> str:
    """A random key kept in var/ so that cookies survive a restart of `make run`."""
    path = VAR_DIR / "secret.key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(exist_ok=True)
    key = secrets.token_urlsafe(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


@lru_cache
def get_settings() -> Settings:
    return Settings()

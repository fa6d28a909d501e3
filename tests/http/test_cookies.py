"""One rule for every cookie Palabra sets: over HTTPS, Secure and named ``__Host-…``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from typing import Any

import pytest
from fastapi.testclient import TestClient
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.config import Settings
from app.csrf import HEADER
from app.main import create_app
from tests.factories import PASSWORD
from tests.http.helpers import ensure_account, seeded_event
from tests.tokens import page_token


class Browser:
    """Keeps cookies as a browser on an HTTPS page would, whatever the test client's URL."""

    def __init__(self, client: TestClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers
        self.jar: dict[str, str] = {}
        self.token = ""
        self.set_cookies: list[str] = []

    def send(self, method: str, path: str, **data: str) -> str:
        cookie = "; ".join(f"{name}={value}" for name, value in self.jar.items())
        response = self.client.request(
            method,
            path,
            data=data or None,
            headers={**self.headers, "Cookie": cookie, HEADER: self.token},
            follow_redirects=False,
        )
        assert response.status_code in (200, 303), (path, response.text)
        for header in response.headers.get_list("set-cookie"):
            self.set_cookies.append(header)
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.jar.pop(name, None)
                else:
                    self.jar[name] = morsel.value
        if "X-CSRF-Token" in response.text:
            self.token = page_token(response.text)
        return response.text


def every_cookie(client: TestClient, headers: dict[str, str]) -> list[str]:
    """The Set-Cookie headers of a first page, choosing a language, joining, signing in, and
    signing out."""
    event = seeded_event(client)
    ensure_account(client)
    browser = Browser(client, headers)
    browser.send("GET", "/")
    browser.send("GET", "/?lang=pt")
    browser.send("POST", "/join", code=event.join_code, name="Ana")
    browser.send("POST", "/login", username="ana", password=PASSWORD)
    browser.send("GET", "/f")
    browser.send("POST", "/logout")
    names = {SimpleCookie(c).popitem()[0].removeprefix("__Host-") for c in browser.set_cookies}
    assert names == {
        "palabra_csrf",
        "palabra_session",
        "palabra_lang",
        f"palabra_participant_{event.id}",
    }
    return browser.set_cookies


@contextmanager
def public_https(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    served = settings.model_copy(update={"public_url": "https://palabra.example.org"})
    with TestClient(create_app(served), base_url="https://palabra.example.org") as client:
        yield client, {}


@contextmanager
def production(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with TestClient(create_app(settings.model_copy(update={"env": "production"}))) as client:
        yield client, {}


@contextmanager
def behind_a_trusted_proxy(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """Development, HTTPS ended by a proxy on this machine, as `python -m app run` serves."""
    served = settings.model_copy(update={"env": "development", "public_url": ""})
    app: Any = ProxyHeadersMiddleware(create_app(served), trusted_hosts="127.0.0.1")
    with TestClient(app, client=("127.0.0.1", 50000)) as client:
        client.app.state = app.app.state  # type: ignore[attr-defined]
        yield client, {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}


HTTPS = [public_https, production, behind_a_trusted_proxy]


@pytest.mark.parametrize("condition", HTTPS, ids=lambda c: c.__name__)
def test_over_https_every_cookie_is_secure_and_host_only(
    settings: Settings, condition: Callable[..., Any]
) -> None:
    with condition(settings) as (client, headers):
        cookies = every_cookie(client, headers)
    for cookie in cookies:
        assert cookie.startswith("__Host-"), cookie
        assert "; Secure" in cookie and "; Path=/" in cookie and "Domain" not in cookie, cookie
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax"), cookie


def test_over_plain_http_on_a_developers_machine_no_cookie_is_secure(
    settings: Settings,
) -> None:
    with TestClient(create_app(settings)) as client:
        cookies = every_cookie(client, {})
    assert all(not c.startswith("__Host-") and "Secure" not in c for c in cookies), cookies


def test_an_untrusted_proxys_word_makes_no_cookie_secure(settings: Settings) -> None:
    served = settings.model_copy(update={"env": "development", "public_url": ""})
    app: Any = ProxyHeadersMiddleware(create_app(served), trusted_hosts="127.0.0.1")
    with TestClient(app, client=("198.51.100.7", 50000)) as client:
        client.app.state = app.app.state  # type: ignore[attr-defined]
        cookies = every_cookie(client, {"X-Forwarded-Proto": "https"})
    assert all("Secure" not in c for c in cookies), cookies

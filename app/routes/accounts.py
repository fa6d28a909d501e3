"""Facilitators sign in and out; a signed-in facilitator chooses an event to run."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from app import access
from app.config import Settings
from app.csrf import require_token
from app.db import Database
from app.i18n import N_, translate
from app.models import Account
from app.routes.deps import (
    AppSettings,
    CurrentAccount,
    CurrentSession,
    Locale,
    ReadDb,
    get_database,
    limit_logins,
    limit_logins_by_address,
    session_secret_of,
    signed_in_session,
)
from app.routes.responses import html_router, page
from app.services import accounts, events, sessions

router = html_router(dependencies=[Depends(require_token)])

# Where a facilitator may be sent after signing in: a path of this site, never another site.
LOCAL_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9/_.-]{0,200}")
HOME = "/f"
# A one-time link's secret (secrets.token_urlsafe(32): 43 characters).
LinkSecret = Annotated[str, Path(min_length=20, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]


def local_path(value: str) -> str:
    return value if LOCAL_PATH.fullmatch(value) else HOME


@router.get("/login")
def login_form(
    request: Request,
    locale: Locale,
    database: Annotated[Database, Depends(get_database)],
    next: Annotated[str, Query(max_length=2000)] = HOME,
) -> Response:
    if signed_in_session(request, database) is not None:
        return RedirectResponse(local_path(next), status_code=303)
    return _login_page(request, locale, next=local_path(next))


@router.post("/login", dependencies=[Depends(limit_logins_by_address)])
def login(
    request: Request,
    database: Annotated[Database, Depends(get_database)],
    settings: AppSettings,
    locale: Locale,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=accounts.PASSWORD_MAX + 1)] = "",
    next: Annotated[str, Form(max_length=2000)] = HOME,
) -> Response:
    limit_logins(request, settings, username)
    with database.reading() as db:
        account = accounts.authenticate(db=db, username=username, password=password)
    if account is None:
        error = translate(
            locale, N_("That username and password do not match an active account."), {}
        )
        return _login_page(
            request, locale, next=local_path(next), username=username, error=error, status=401
        )
    return _signed_in(request, database, settings, account, local_path(next))


@router.post("/logout")
def logout(
    request: Request, database: Annotated[Database, Depends(get_database)], settings: AppSettings
) -> Response:
    """Sign out: this browser's session ends on the server, wherever its cookie is."""
    secret = session_secret_of(request)
    if secret is not None:
        with database.writing() as db:
            sessions.end(db=db, secret=secret)
    return _signed_out(request, settings)


@router.post("/logout/everywhere")
def logout_everywhere(
    request: Request,
    session: CurrentSession,
    database: Annotated[Database, Depends(get_database)],
    settings: AppSettings,
) -> Response:
    """Every session of this account ends, in every browser: for a facilitator who lost a
    laptop. Open consoles close at the event's next change."""
    with database.writing() as db:
        sessions.end_all(db=db, account_id=session.account_id)
        db.commit()
    return _signed_out(request, settings)


@router.get("/login/link/{secret}")
def link_form(request: Request, secret: LinkSecret, db: ReadDb, locale: Locale) -> Response:
    """A one-time sign-in link opened: a button uses it up (a link preview must not)."""
    account = sessions.link_account(db=db, secret=secret)
    return page(request, "accounts/link.html", locale=locale, account=account, secret=secret)


@router.post("/login/link/{secret}")
def use_link(
    request: Request,
    secret: LinkSecret,
    database: Annotated[Database, Depends(get_database)],
    settings: AppSettings,
) -> Response:
    """Sign in with a one-time link: no rate limit applies, the link itself is the proof."""
    with database.writing() as db:
        account = sessions.use_link(db=db, secret=secret)
    return _signed_in(request, database, settings, account, HOME)


@router.get(HOME)
def event_list(request: Request, account: CurrentAccount, db: ReadDb, locale: Locale) -> Response:
    return page(
        request,
        "accounts/events.html",
        locale=locale,
        account=account,
        events=events.list_all(db=db),
    )


def _signed_in(
    request: Request, database: Database, settings: Settings, account: Account, then: str
) -> Response:
    """A new session for ``account`` in this browser, and on to ``then``."""
    with database.writing() as db:
        _, secret = sessions.start(
            db=db,
            account=account,
            hours=settings.session_hours,
            user_agent=request.headers.get("user-agent", ""),
        )
    response = RedirectResponse(then, status_code=303)
    response.headers.append(
        "set-cookie",
        access.set_cookie_header(
            settings,
            request.scope,
            access.SESSION_COOKIE,
            access.session_token(settings.secret_key, secret),
            max_age=settings.session_hours * 3600,
        ),
    )
    return response


def _signed_out(request: Request, settings: Settings) -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.headers.append(
        "set-cookie",
        access.set_cookie_header(settings, request.scope, access.SESSION_COOKIE, "", max_age=0),
    )
    return response


def _login_page(
    request: Request,
    locale: str,
    *,
    next: str,
    username: str = "",
    error: str | None = None,
    status: int = 200,
) -> Response:
    return page(
        request,
        "accounts/login.html",
        locale=locale,
        status_code=status,
        next=next,
        username=username,
        error=error,
    )

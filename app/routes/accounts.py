"""Facilitators sign in and out; a signed-in facilitator chooses an event to run."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from app import access
from app.csrf import require_token
from app.db import Database
from app.i18n import N_, translate
from app.routes.deps import (
    AppSettings,
    CurrentAccount,
    Locale,
    ReadDb,
    get_database,
    limit_logins,
    limit_logins_by_address,
    signed_in_account,
)
from app.routes.responses import html_router, page
from app.services import accounts, events

router = html_router(dependencies=[Depends(require_token)])

# Where a facilitator may be sent after signing in: a path of this site, never another site.
LOCAL_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9/_.-]{0,200}")
HOME = "/f"


def local_path(value: str) -> str:
    return value if LOCAL_PATH.fullmatch(value) else HOME


@router.get("/login")
def login_form(
    request: Request,
    locale: Locale,
    database: Annotated[Database, Depends(get_database)],
    next: Annotated[str, Query(max_length=2000)] = HOME,
) -> Response:
    if signed_in_account(request, database) is not None:
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
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(
        access.session_cookie_name(secure=settings.secure_cookies),
        access.session_token(settings.secret_key, account),
        max_age=settings.session_hours * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )
    return response


@router.post("/logout")
def logout(settings: AppSettings) -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(
        access.session_cookie_name(secure=settings.secure_cookies),
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )
    return response


@router.get(HOME)
def event_list(request: Request, account: CurrentAccount, db: ReadDb, locale: Locale) -> Response:
    return page(
        request,
        "accounts/events.html",
        locale=locale,
        account=account,
        events=events.list_all(db=db),
    )


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

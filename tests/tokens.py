"""Clients that behave like a page of Palabra: they carry the browser's anti-forgery token.

A signed-in facilitator's token is bound to the session, so it changes at sign-in and
sign-out; these clients then take the new one, as the next page a browser opens would.
"""

from __future__ import annotations

import re
from typing import TypeVar

import httpx

from app.csrf import HEADER

Client = TypeVar("Client", bound=httpx.Client)
TOKEN_IN_PAGE = re.compile(r'"X-CSRF-Token": "([^"]+)"')
# What these browsers ask to read: the interface's own English, which the tests check against.
# Each language has tests of its own (test_languages, test_pseudo_locale, test_catalogues).
READS = "en"


def page_token(html: str) -> str:
    """The anti-forgery token a page of Palabra carries for its requests."""
    found = TOKEN_IN_PAGE.search(html)
    assert found is not None, "the page carries no anti-forgery token"
    return found.group(1)


def signs_in_or_out(response: httpx.Response) -> bool:
    return any("palabra_session=" in c for c in response.headers.get_list("set-cookie"))


def with_token(client: Client) -> Client:
    """Open a page first, as a browser does, and send its token with every request."""

    def renew(response: httpx.Response) -> None:
        if signs_in_or_out(response):
            client.headers[HEADER] = page_token(client.get("/").text)

    client.headers.setdefault("Accept-Language", READS)
    client.headers[HEADER] = page_token(client.get("/").text)
    client.event_hooks["response"].append(renew)
    return client


async def with_token_async(client: httpx.AsyncClient) -> httpx.AsyncClient:
    async def renew(response: httpx.Response) -> None:
        if signs_in_or_out(response):
            client.headers[HEADER] = page_token((await client.get("/")).text)

    client.headers.setdefault("Accept-Language", READS)
    client.headers[HEADER] = page_token((await client.get("/")).text)
    client.event_hooks["response"].append(renew)
    return client

"""Posting a facilitator's action as the console does: with what the action depends on.

Each console form carries hidden fields naming what its action depends on (the speaker, the
first one waiting, the open topic, a line's place). These helpers read the console as it is
now and send the fields of the form that posts to the given address, as a click would. A move
of the agenda that would end a turn or leave requests waiting answers with a question first:
they confirm it, as the facilitator would, unless told not to (``confirm=False``).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import httpx
from fastapi.testclient import TestClient

_FORM = re.compile(r'<form\b[^>]*\baction="(?P<action>[^"]+)"[^>]*>(?P<body>.*?)</form>', re.S)
_HIDDEN = re.compile(r'<input type="hidden" name="(?P<name>[^"]+)" value="(?P<value>[^"]*)">')
_CONSOLE = re.compile(r"^(/f/[^/]+)/")


def form_fields(html: str, action: str) -> dict[str, str]:
    """The hidden fields (but the anti-forgery token) of the form that posts to ``action``.

    Empty when the console shows no such form (the button is not there).
    """
    for form in _FORM.finditer(html):
        if form["action"] == action:
            fields = {m["name"]: m["value"] for m in _HIDDEN.finditer(form["body"])}
            fields.pop("csrf_token", None)
            return fields
    return {}


def console_of(url: str) -> str:
    """The console's address for an action's address: ``/f/<slug>/floor/next`` → ``/f/<slug>``."""
    match = _CONSOLE.match(urlsplit(url).path)
    assert match is not None, f"{url} is no facilitator action"
    return match[1]


QUESTION = 'id="fac-confirm-question"'


def is_question(response: httpx.Response) -> bool:
    """Whether the answer asks first what a move of the agenda would end."""
    return response.status_code == 200 and QUESTION in response.text


def as_console(
    client: TestClient | httpx.Client,
    url: str,
    *,
    data: dict[str, Any] | None = None,
    confirm: bool = True,
    **kwargs: Any,
) -> httpx.Response:
    """POST ``url`` with the fields the console's form for it carries now, plus ``data``;
    a question it answers with is confirmed (``confirm``)."""
    shown = client.get(console_of(url)).text
    fields = {**form_fields(shown, urlsplit(url).path), **(data or {})}
    response = client.post(url, data=fields, **kwargs)
    if confirm and is_question(response):
        return client.post(url, data=form_fields(response.text, urlsplit(url).path), **kwargs)
    return response


async def as_console_async(
    client: httpx.AsyncClient, url: str, *, data: dict[str, Any] | None = None, **kwargs: Any
) -> httpx.Response:
    """``as_console`` for an asynchronous client (a question is confirmed)."""
    shown = (await client.get(console_of(url))).text
    fields = {**form_fields(shown, urlsplit(url).path), **(data or {})}
    response = await client.post(url, data=fields, **kwargs)
    if is_question(response):
        answer = form_fields(response.text, urlsplit(url).path)
        return await client.post(url, data=answer, **kwargs)
    return response

"""Clients that behave like a page of Palabra: they carry the browser's anti-forgery token."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from app.csrf import COOKIE, HEADER


def with_token(client: TestClient) -> TestClient:
    """Open a page first, as a browser does, and send its token with every request."""
    client.get("/")
    client.headers[HEADER] = client.cookies[COOKIE]
    return client


async def with_token_async(client: httpx.AsyncClient) -> httpx.AsyncClient:
    await client.get("/")
    client.headers[HEADER] = client.cookies[COOKIE]
    return client

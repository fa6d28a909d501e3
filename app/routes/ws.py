"""The live sockets: one per open screen. A socket only receives; actions go over HTTP.

What a page sends on its socket is its heartbeat alone (``HEARTBEAT``), answered at once
without reading anything; anything else is ignored.

A page's socket carries the page's screen id (``?screen=``), which its requests carry too:
a malformed or missing one is no screen, and the socket is served all the same.
"""

from __future__ import annotations

import asyncio
import contextlib

import anyio.to_thread
from fastapi import APIRouter, WebSocket, WebSocketDisconnect, status

from app import access
from app.config import Settings
from app.db import Database
from app.live import frames
from app.live.connection import HEARTBEAT, Connection, screen_id
from app.live.hub import FACILITATOR, PARTICIPANT, PROJECTOR, Hub
from app.models import Event
from app.routes.deps import locale_for, signed_in_session
from app.services import events, participants, sessions
from app.services.errors import DomainError

router = APIRouter(prefix="/ws")

# A projector reads in the languages the console set for every projector, not its own.
PROJECTOR_LANGUAGES = ""


@router.websocket("/projector/{slug}")
async def projector_socket(
    websocket: WebSocket, slug: str, key: str = "", screen: str = ""
) -> None:
    event = await _event(websocket, slug)
    if event is None or not access.projector_key_matches(event, key):
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    connection = Connection(
        websocket,
        event.id,
        PROJECTOR,
        PROJECTOR_LANGUAGES,
        credential=event.projector_token,
        screen=screen_id(screen),
    )
    await _serve(websocket, connection)


@router.websocket("/facilitator/{slug}")
async def facilitator_socket(websocket: WebSocket, slug: str, screen: str = "") -> None:
    database: Database = websocket.app.state.database
    event = await _event(websocket, slug)
    session = await anyio.to_thread.run_sync(signed_in_session, websocket, database)
    # A rapporteur's account keeps the record; the console's updates are a facilitator's.
    if event is None or session is None or not session.account.role.facilitates:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    connection = Connection(
        websocket,
        event.id,
        FACILITATOR,
        locale_for(websocket),
        credential=sessions.credential(session),
        screen=screen_id(screen),
    )
    await _serve(websocket, connection)


@router.websocket("/participant/{slug}")
async def participant_socket(websocket: WebSocket, slug: str, screen: str = "") -> None:
    settings: Settings = websocket.app.state.settings
    event = await _event(websocket, slug)
    name = access.cookie_name(access.PARTICIPANT, event) if event else None
    token = access.read_cookie(settings, websocket, name) if name else None
    participant_id = access.participant_from(settings.secret_key, event, token) if event else None
    if (
        event is None
        or participant_id is None
        or not await _known(websocket, event, participant_id)
    ):
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    connection = Connection(
        websocket,
        event.id,
        PARTICIPANT,
        locale_for(websocket),
        participant_id=participant_id,
        credential=str(event.join_generation),
        screen=screen_id(screen),
    )
    await _serve(websocket, connection)


async def _serve(websocket: WebSocket, connection: Connection) -> None:
    """Send the snapshot, then frames as they come, until the client goes away."""
    hub: Hub = websocket.app.state.hub
    settings: Settings = websocket.app.state.settings
    if not access.own_origin(settings, websocket, websocket.headers.get("origin")):
        # A page of another site must not ride on this browser's cookies (refused with 403).
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    await websocket.accept()
    pump = asyncio.create_task(connection.pump(frames.clock))
    try:
        hub.connect(connection)
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            if message.get("text") == HEARTBEAT:
                connection.heartbeat()
    except WebSocketDisconnect:
        pass
    finally:
        hub.disconnect(connection)
        pump.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await pump


async def _event(websocket: WebSocket, slug: str) -> Event | None:
    database: Database = websocket.app.state.database

    def find() -> Event | None:
        with database.reading() as db:
            try:
                return events.get_by_slug(db=db, slug=slug)
            except DomainError:
                return None

    return await anyio.to_thread.run_sync(find)


async def _known(websocket: WebSocket, event: Event, participant_id: int) -> bool:
    database: Database = websocket.app.state.database

    def check() -> bool:
        with database.reading() as db:
            try:
                participants.get(db=db, event=event, participant_id=participant_id)
            except DomainError:
                return False
            return True

    return await anyio.to_thread.run_sync(check)

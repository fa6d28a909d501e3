"""The projector: read-only, opened with its key, updated over the websocket only."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from app import access
from app.i18n import N_
from app.live import frames
from app.routes.deps import AppSettings, ReadDb
from app.routes.responses import html_router, page
from app.services import events, screens
from app.services.clock import epoch_ms
from app.services.errors import DomainError

router = html_router()


class ProjectorKeyWrong(DomainError):
    status_code = 403
    message = N_("This projector link is not valid. Copy it again from the facilitator's console.")


@router.get("/projector/{slug}")
def projector(
    request: Request,
    slug: str,
    db: ReadDb,
    settings: AppSettings,
    key: Annotated[str, Query(max_length=128)] = "",
) -> Response:
    event = events.get_by_slug(db=db, slug=slug)
    if not access.projector_key_matches(event, key):
        raise ProjectorKeyWrong()
    room = screens.room(db=db, event_id=event.id)
    # The projector reads in the languages the console set for every projector.
    return page(
        request,
        "projector/page.html",
        socket_path=f"/ws/projector/{event.slug}?key={key}",
        server_now_ms=epoch_ms(room.now),
        **frames.projector_context(room, base_url=settings.base_url),
    )

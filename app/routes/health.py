"""Liveness and readiness for whoever runs Palabra."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.live.hub import Hub
from app.routes.deps import ReadDb

router = APIRouter()


@router.get(
    "/healthz",
    responses={503: {"description": "This worker's live screens cannot follow the room now"}},
)
def health(request: Request, db: ReadDb) -> JSONResponse:
    """The database answers, and how changes reach this worker's live screens.

    ``broadcast`` is ``memory`` (one process), or the Redis subscription's ``connecting``,
    ``connected`` or ``disconnected``. Without it this worker's screens silently stop
    following the room (its own changes travel through Redis too), so the answer is 503
    ("degraded"): a load balancer sends screens to another worker and monitoring sees it.
    The worker keeps serving and reconnects by itself: probe readiness with this, and do
    not restart the worker on it.
    """
    db.execute(text("SELECT 1"))
    hub: Hub = request.app.state.hub
    state = hub.broadcast.state
    ok = state in ("memory", "connected")
    return JSONResponse(
        {"status": "ok" if ok else "degraded", "broadcast": state, "sockets": hub.count()},
        status_code=200 if ok else 503,
    )

"""Liveness and readiness for whoever runs Palabra."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.routes.deps import ReadDb

router = APIRouter()


@router.get("/healthz")
def health(request: Request, db: ReadDb) -> JSONResponse:
    db.execute(text("SELECT 1"))
    return JSONResponse({"status": "ok", "sockets": request.app.state.hub.count()})

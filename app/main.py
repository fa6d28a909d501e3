"""The application factory and its lifespan: database, broadcast and live hub."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.config import ROOT, Settings, get_settings
from app.csrf import TokenCookie
from app.db import Database
from app.language import LanguageChoice
from app.live.broadcast import from_url, redis_target
from app.live.hub import Hub
from app.metrics import HttpMetrics, process_stopped
from app.ratelimit import Limiter, RateLimiter, RedisRateLimiter
from app.routes import (
    accounts,
    audit,
    errors,
    facilitator,
    health,
    metrics,
    participant,
    projector,
    record,
    report,
    summary,
    ws,
)
from app.security import SecurityHeaders
from app.services.changes import Stale


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    database = Database(settings.database_url)
    hub = Hub(
        database=database, broadcast=from_url(settings.broadcast_url), base_url=settings.base_url
    )
    database.on_change = hub.publish_threadsafe
    limiter = limiter_for(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await hub.start()
        try:
            yield
        finally:
            await hub.stop()
            limiter.close()
            database.dispose()
            process_stopped()

    app = FastAPI(title="Palabra", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.database = database
    app.state.hub = hub
    app.state.limiter = limiter
    app.state.event_languages = {}
    errors.install(app)
    app.add_exception_handler(Stale, facilitator.answer_stale)
    app.add_middleware(TokenCookie, settings=settings)
    app.add_middleware(LanguageChoice, settings=settings)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HttpMetrics)
    app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")
    for module in (
        participant,
        accounts,
        facilitator,
        audit,
        record,
        report,
        summary,
        projector,
        ws,
        health,
        metrics,
    ):
        app.include_router(module.router)
    return app


def limiter_for(settings: Settings) -> Limiter:
    """Counts in this process, or in the broadcast's Redis, shared by every worker."""
    target = redis_target(settings.broadcast_url)
    if target is None:
        return RateLimiter()
    url, channel = target
    return RedisRateLimiter(url, prefix=f"{channel}:rate")

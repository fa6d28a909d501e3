"""``/metrics`` for the room's operator's Prometheus (see app/metrics.py for who may read it)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app import metrics
from app.config import Settings

router = APIRouter()


@router.get(
    "/metrics",
    include_in_schema=False,
    responses={403: {"description": "Neither from this machine nor with the metrics token"}},
)
def read_metrics(request: Request) -> Response:
    """The Prometheus text format: every worker's figures, summed."""
    settings: Settings = request.app.state.settings
    if not metrics.may_read(request, settings.metrics_token):
        return metrics.refusal()
    return metrics.exposition()

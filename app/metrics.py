"""What the room's operator watches live: ``/metrics`` in the Prometheus text format.

The figures of benchmarks/RESULTS.md, as the server sees them: sockets open per view, the
fan-out's delay from a commit to the last socket sent its state, templates rendered per
change, floor requests by outcome, refused actions, HTTP answers, broadcast reconnects.

With several workers (``python -m app run --workers N``) each process writes its figures to
files in ``PROMETHEUS_MULTIPROC_DIR`` (the run command makes one) and a scrape served by any
worker sums them all. prometheus-client reads that variable when it is imported, so the
run command sets it before any worker starts. The sockets gauge counts live processes only:
a worker that stops takes its sockets out (``process_stopped``).

Who may read it: with ``PALABRA_METRICS_TOKEN`` set, a scraper that sends it as a bearer
token; without one, only a client on this machine (loopback), as a reverse proxy's own
address is believed for ``X-Forwarded-For`` (``PALABRA_FORWARDED_ALLOW_IPS``) and a visitor
behind it is not loopback.
"""

from __future__ import annotations

import hmac
import os
import time
from dataclasses import dataclass

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.registry import REGISTRY
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
LOOPBACK = frozenset({"127.0.0.1", "::1"})
REFUSED = frozenset({403, 409, 422})
FLOOR_ROUTES = {
    "/e/{slug}/floor": "request",
    "/e/{slug}/floor/{request_id}/withdraw": "withdraw",
}

sockets = Gauge(
    "palabra_sockets",
    "Live sockets open, per view (projector, facilitator, participant)",
    ["view"],
    multiprocess_mode="livesum",
)
fanout_seconds = Histogram(
    "palabra_fanout_seconds",
    "From a change's commit to the last socket sent the state it made",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
renders_per_change = Histogram(
    "palabra_renders_per_change",
    "Regions and personal fragments rendered for one read of the room",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024),
)
floor_requests = Counter(
    "palabra_floor_requests",
    "Phones asking for the floor or withdrawing, by outcome",
    ["action", "outcome"],
)
refused_actions = Counter(
    "palabra_refused_actions",
    "Actions (not GET) answered 403, 409 or 422, by route",
    ["route", "status"],
)
http_responses = Counter(
    "palabra_http_responses",
    "HTTP answers by method, route (its pattern) and status",
    ["method", "route", "status"],
)
broadcast_reconnects = Counter(
    "palabra_broadcast_reconnects",
    "Times the broadcast's subscription to Redis was made again after a drop",
)


def floor_outcome(status: int) -> str:
    """How a floor request ended, from its answer's status."""
    if status < 400:
        return "done"
    if status == 429:
        return "rate_limited"
    if status < 500:
        return "refused"
    return "failed"


@dataclass
class Fanout:
    """One change's delivery: observed once the last socket it reached has sent its batch."""

    committed_at: float  # time.time() of the commit, as the broadcast carried it
    remaining: int = 0

    def reached(self) -> None:
        self.remaining += 1

    def sent(self) -> None:
        self.remaining -= 1
        if self.remaining == 0:
            fanout_seconds.observe(max(0.0, time.time() - self.committed_at))


class HttpMetrics:
    """Counts each HTTP answer by its route's pattern (``/e/{slug}/floor``), not its path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def send_counted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_counted)
        finally:
            self._count(scope, status)

    @staticmethod
    def _count(scope: Scope, status: int) -> None:
        route = getattr(scope.get("route"), "path", None) or "unmatched"
        method = scope["method"]
        http_responses.labels(method, route, str(status)).inc()
        if method != "GET" and status in REFUSED:
            refused_actions.labels(route, str(status)).inc()
        if method == "POST" and route in FLOOR_ROUTES:
            floor_requests.labels(FLOOR_ROUTES[route], floor_outcome(status)).inc()


def may_read(request: Request, token: str) -> bool:
    """With a token set, whoever sends it as a bearer token; without, loopback only."""
    if token:
        sent = request.headers.get("authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    return request.client is not None and request.client.host in LOOPBACK


def exposition() -> Response:
    """This process's figures, or with several workers those of all of them summed."""
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    return PlainTextResponse(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def refusal() -> Response:
    return PlainTextResponse(
        "The metrics are read from this machine, or with PALABRA_METRICS_TOKEN as a bearer"
        " token.\n",
        status_code=403,
    )


def process_stopped() -> None:
    """This worker's sockets are gone: no longer counted in the scrape of the others."""
    if os.environ.get(MULTIPROCESS_DIR):
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]

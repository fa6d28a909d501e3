"""Fan-out: one action reaching every open socket, Palabra beside the two references.

Each scenario: a server on core 0; N raw sockets opened by the generator on core 1; the
server's resident memory before and after they connect (per idle socket); then actions a
second apart, each timed from the moment its request is sent to each socket's arrival of
the state it made (the last frame stamped with its version). Reported per delivery: p50,
p95, p99, max, the share delivered, the action's own HTTP time, and the CPU the server and
the generator used meanwhile (which of them limited the figure).

Palabra's scenarios: projectors; phones watching the room (joined, not on the list); and
300 phones on the list with the rest watching, the facilitator pressing "call next". The
projectors' and watchers' action is "+30 s" with a speaker on the floor, so every view
changes. The references broadcast one message of the same size to every socket.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from benchmarks.generator import Generator, Target
from benchmarks.servers import FACILITATOR, PASSWORD, Running

HTMX = {"HX-Request": "true"}
SETTLE_SECONDS = 2.0  # after sockets open (snapshots), and after the last action
GENERATOR_PROCESSES = 4
STAMP = re.compile(r'data-version="(\d+)"')


@dataclass
class Figures:
    """One scenario's measurements; times in milliseconds."""

    name: str
    sockets: int
    actions: int
    p50: float
    p95: float
    p99: float
    max: float
    delivered: float  # share of (socket, action) pairs that received the action's state
    http_ms: float  # median time of the action's own request
    rss_kib_per_socket: float
    server_cpu: float  # share of one core over the actions
    generator_cpu: float  # share of one core, all generator processes together

    @property
    def limited_by(self) -> str:
        if self.server_cpu >= 0.85:
            return "server CPU"
        if self.generator_cpu >= 0.85:
            return "generator CPU"
        return "neither saturated: waits (for a CPU shared with other work, or in the path)"


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def measure(
    name: str,
    server: Running,
    targets: list[Target],
    act: Callable[[int], tuple[int, float]],
    actions: int,
    settle: float = SETTLE_SECONDS,
) -> Figures:
    """Open ``targets``, then ``act(i)`` (the version it made, its HTTP seconds) once a second;
    ``settle`` seconds are given to the snapshots, and to the last action's deliveries."""
    before = server.rss_bytes()
    generator = Generator(targets, processes=GENERATOR_PROCESSES, core=1)
    generator.wait_open()
    time.sleep(settle)
    idle = (server.rss_bytes() - before) / len(targets) / 1024
    server_cpu, generator_cpu, wall = (
        server.cpu_seconds(),
        generator.cpu_seconds(),
        time.monotonic(),
    )
    sent: list[tuple[int, float]] = []
    http: list[float] = []
    for i in range(actions):
        started = time.monotonic()
        version, seconds = act(i)
        sent.append((version, started))
        http.append(seconds)
        time.sleep(max(0.0, started + 1.0 - time.monotonic()))
    time.sleep(settle)
    wall = time.monotonic() - wall
    server_cpu = (server.cpu_seconds() - server_cpu) / wall
    generator_cpu = (generator.cpu_seconds() - generator_cpu) / wall
    report = generator.report()
    delays = [
        (last[version] - started) * 1000
        for version, started in sent
        for last, _, _ in report
        if version in last
    ]
    ordered = sorted(delays) or [float("nan")]
    return Figures(
        name,
        len(targets),
        actions,
        round(percentile(ordered, 0.50), 1),
        round(percentile(ordered, 0.95), 1),
        round(percentile(ordered, 0.99), 1),
        round(ordered[-1], 1),
        len(delays) / (len(targets) * actions),
        round(statistics.median(http) * 1000, 1),
        round(idle, 1),
        round(server_cpu, 2),
        round(generator_cpu, 2),
    )


def reference_act(server: Running, method: str) -> Callable[[int], tuple[int, float]]:
    client = httpx.Client(base_url=server.base, timeout=120)

    def act(i: int) -> tuple[int, float]:
        version = 1_000 + i
        started = time.monotonic()
        client.request(method, f"/act?version={version}").raise_for_status()
        return version, time.monotonic() - started

    return act


def reference_targets(server: Running, path: str, count: int, deflate: bool) -> list[Target]:
    return [Target("127.0.0.1", server.port, path, deflate=deflate) for _ in range(count)]


# Palabra: the facilitator's browser and the phones, through HTTP as the screens do.


def with_token(client: httpx.Client) -> httpx.Client:
    """Open a page first, as a browser does, and send its anti-forgery token from then on."""
    client.get("/")
    client.headers["X-CSRF-Token"] = client.cookies["palabra_csrf"]
    return client


def facilitator(server: Running) -> httpx.Client:
    client = with_token(httpx.Client(base_url=server.base, headers=HTMX, timeout=120))
    response = client.post("/login", data={"username": FACILITATOR, "password": PASSWORD})
    assert response.status_code == 303, response.text
    # A facilitator's token is bound to the session: take the new one from a page.
    page = client.get("/f").text
    client.headers["X-CSRF-Token"] = page.split('"X-CSRF-Token": "', 1)[1].split('"', 1)[0]
    return client


def console_form(client: httpx.Client, slug: str, action: str) -> dict[str, str]:
    """What the console's form for ``action`` says the action depends on."""
    html = client.get(f"/f/{slug}").text
    form = re.search(rf'action="{re.escape(action)}">(.*?)</form>', html, re.S)
    hidden = r'<input type="hidden" name="([^"]+)" value="([^"]*)">'
    return dict(re.findall(hidden, form[1])) if form else {}


def console_post(client: httpx.Client, slug: str, action: str) -> httpx.Response:
    return client.post(action, data=console_form(client, slug, action))


def timed_console_post(client: httpx.Client, slug: str, action: str) -> tuple[int, float]:
    """The version the action made (the newest stamp of its answer), and its HTTP seconds;
    the console is read for the form first, outside the time."""
    data = console_form(client, slug, action)
    started = time.monotonic()
    response = client.post(action, data=data)
    seconds = time.monotonic() - started
    response.raise_for_status()
    return max(int(v) for v in STAMP.findall(response.text)), seconds


def join_phones(server: Running, count: int) -> list[dict[str, str]]:
    """``count`` joined phones: for each, its cookies and anti-forgery token."""

    async def join_all() -> list[dict[str, str]]:
        gate = asyncio.Semaphore(8)

        async def join(i: int) -> dict[str, str]:
            async with gate, httpx.AsyncClient(base_url=server.base, timeout=120) as client:
                await client.get("/")
                token = client.cookies["palabra_csrf"]
                data = {"code": server.links["code"], "name": f"Phone {i}"}
                response = await client.post("/join", data=data, headers={"X-CSRF-Token": token})
                assert response.status_code == 303, response.text
                cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
                return {"Cookie": cookie, "X-CSRF-Token": token}

        return await asyncio.gather(*(join(i) for i in range(count)))

    return asyncio.run(join_all())


def ask_for_the_floor(server: Running, phones: list[dict[str, str]]) -> None:
    slug = server.links["slug"]
    with httpx.Client(base_url=server.base, headers=HTMX, timeout=120) as client:
        for phone in phones:
            response = client.post(f"/e/{slug}/floor", data={"kind": "intervention"}, headers=phone)
            response.raise_for_status()


def projector_targets(server: Running, count: int) -> list[Target]:
    path = server.links["projector"].replace("/projector/", "/ws/projector/")
    return [Target("127.0.0.1", server.port, path) for _ in range(count)]


def phone_targets(server: Running, phones: list[dict[str, str]]) -> list[Target]:
    path = f"/ws/participant/{server.links['slug']}"
    return [Target("127.0.0.1", server.port, path, (("Cookie", p["Cookie"]),)) for p in phones]


def speaker_on_the_floor(server: Running, console: httpx.Client) -> None:
    """A topic open and a speaker called: "+30 s" then changes every view."""
    slug = server.links["slug"]
    console_post(console, slug, f"/f/{slug}/topics/next").raise_for_status()
    [speaker] = join_phones(server, 1)
    ask_for_the_floor(server, [speaker])
    console_post(console, slug, f"/f/{slug}/floor/next").raise_for_status()


def add_time(server: Running, console: httpx.Client) -> Callable[[int], tuple[int, float]]:
    slug = server.links["slug"]
    return lambda _: timed_console_post(console, slug, f"/f/{slug}/timer/add")


def call_next(server: Running, console: httpx.Client) -> Callable[[int], tuple[int, float]]:
    slug = server.links["slug"]
    return lambda _: timed_console_post(console, slug, f"/f/{slug}/floor/next")

"""Every benchmark, Palabra beside the references in the same run, written to RESULTS.md.

    .venv/bin/python -m benchmarks            # make bench: 100, 1,000 and 2,000 sockets
    .venv/bin/python -m benchmarks --quick    # make bench-quick: small sizes, under 2 minutes
    .venv/bin/python -m benchmarks --sizes 5000 --postgres postgresql+psycopg://…

RESULTS.md is rewritten from its top to the line ``KEPT``: what follows (the profile's
reading, written by hand) stays.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import burst, fanout, servers
from benchmarks.references import SIZE

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
KEPT = "<!-- Below this line RESULTS.md is kept across runs: the profile, read by hand. -->"
ON_THE_LIST = 300


@dataclass
class Run:
    """What the run measured so far; RESULTS.md is written again after each scenario, so that
    a run stopped midway (a loaded machine) still leaves what it measured."""

    output: Path
    command: str
    settle: float = fanout.SETTLE_SECONDS
    fanouts: list[fanout.Figures] = field(default_factory=list)
    bursts: list[burst.BurstFigures] = field(default_factory=list)
    load_at_start: str = ""
    started: float = field(default_factory=time.monotonic)

    def add(self, figures: fanout.Figures | burst.BurstFigures) -> None:
        print(figures, flush=True)
        if isinstance(figures, fanout.Figures):
            self.fanouts.append(figures)
        else:
            self.bursts.append(figures)
        write(self.output, self, finished=False)


def references(size: int, actions: int, run: Run) -> None:
    for name, module, method, deflate in (
        ("bare broadcaster", "benchmarks.bare_server", "GET", False),
        ("typical loop", "benchmarks.typical_server", "POST", True),
    ):
        server = servers.reference(module)
        try:
            targets = fanout.reference_targets(server, "/ws", size, deflate)
            act = fanout.reference_act(server, method)
            figures = fanout.measure(name, server, targets, act, actions, run.settle)
        finally:
            server.stop()
        run.add(figures)


def palabra(size: int, actions: int, run: Run) -> None:
    with tempfile.TemporaryDirectory() as workdir, servers.database(None, workdir) as url:
        server = servers.palabra(url)
        try:
            console = fanout.facilitator(server)
            fanout.speaker_on_the_floor(server, console)
            add_time = fanout.add_time(server, console)
            targets = fanout.projector_targets(server, size)
            run.add(
                fanout.measure("Palabra projectors", server, targets, add_time, actions, run.settle)
            )
            phones = fanout.join_phones(server, size)
            targets = fanout.phone_targets(server, phones)
            run.add(
                fanout.measure(
                    "Palabra phones watching", server, targets, add_time, actions, run.settle
                )
            )
            listed = min(ON_THE_LIST, size)
            fanout.ask_for_the_floor(server, phones[:listed])
            call_next = fanout.call_next(server, console)
            name = f"Palabra {listed} on the list + {size - listed} watching, call next"
            calls = min(actions, listed)
            run.add(fanout.measure(name, server, targets, call_next, calls, run.settle))
        finally:
            server.stop()


def bursts(postgres: str | None, phones: int, sockets: int, run: Run) -> None:
    for database, server_url in (("SQLite", None), ("PostgreSQL", postgres)):
        if database == "PostgreSQL" and server_url is None:
            continue
        with tempfile.TemporaryDirectory() as workdir, servers.database(server_url, workdir) as url:
            server = servers.palabra(url)
            try:
                figures = burst.measure(server, database, url, phones, sockets)
            finally:
                server.stop()
        run.add(figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, under two minutes")
    parser.add_argument("--sizes", help="sockets per scenario, comma-separated")
    parser.add_argument("--actions", type=int, help="actions per scenario, a second apart")
    parser.add_argument("--burst-phones", type=int)
    parser.add_argument("--burst-sockets", type=int)
    parser.add_argument("--postgres", help="also the burst on this PostgreSQL server")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    sizes = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else ([100] if args.quick else [100, 1000, 2000])
    )
    actions = args.actions or (3 if args.quick else 20)
    burst_phones = args.burst_phones or (50 if args.quick else 1000)
    burst_sockets = args.burst_sockets or (100 if args.quick else 2000)
    servers.pin_to_client_core()
    command = "python -m benchmarks " + shlex.join(sys.argv[1:])
    run = Run(args.output, command.strip(), settle=1.0 if args.quick else fanout.SETTLE_SECONDS)
    run.load_at_start = _load()
    for size in sizes:
        references(size, actions, run)
        palabra(size, actions, run)
    bursts(args.postgres, burst_phones, burst_sockets, run)
    write(args.output, run, finished=True)


def _load() -> str:
    return ", ".join(Path("/proc/loadavg").read_text().split()[:3])


def _machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    return f"{os.cpu_count()} x {cpu}, {memory:.0f} GiB, {platform.system()} {platform.release()}"


def _commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], capture_output=True, text=True, cwd=servers.ROOT
        ).stdout.strip()

    return git("rev-parse", "--short", "HEAD") + (
        " (with uncommitted changes)" if git("status", "--porcelain") else ""
    )


def write(path: Path, run: Run, *, finished: bool) -> None:
    minutes, now = (time.monotonic() - run.started) / 60, _load()
    kept = ""
    if path.exists() and KEPT in (text := path.read_text()):
        kept = text.split(KEPT, 1)[1].lstrip("\n")
    lines = [
        "# Benchmark results",
        "",
        f"Written by `{run.command}` ({minutes:.1f} minutes{'' if finished else ', unfinished'}) on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC,"
        f" commit {_commit()}.",
        "",
        f"- Machine: {_machine()}. Each server pinned to core 0; the generator (4 processes of raw"
        " sockets) and the benchmark's HTTP client on core 1.",
        f"- Load average (1, 5, 15 min) at the start {run.load_at_start}, at the end {now}:"
        " a machine shared with other work, so compare each figure with the references of the"
        " same run (the ratios), not with figures of another day.",
        f"- The references broadcast one message of {SIZE} bytes; Palabra sends a projector the"
        " clock and the regions that changed.",
        "- Which side limited a figure: the server's and the generator's CPU over the actions, as"
        " a share of one core (`server`, `generator`); at 0.85 or more that side was saturated.",
        "",
        *fanout_table(run.fanouts),
        "",
        *burst_table(run.bursts),
        "",
        "## Page weight and first paint",
        "",
        "Not measured by this run yet.",
        "",
        KEPT,
        "",
        kept,
    ]
    path.write_text("\n".join(lines).rstrip("\n") + "\n")


def fanout_table(figures: list[fanout.Figures]) -> list[str]:
    lines = [
        "## Fan-out",
        "",
        "Per delivery, from sending the action's request to the socket's arrival of the state"
        " it made, in ms; `HTTP` is the action's own request. Ratios are Palabra's p99 to the"
        " references' p99 at the same size.",
        "",
        "| sockets | server | p50 | p95 | p99 | max | delivered | HTTP | KiB per idle socket"
        " | server | generator | limited by | p99 ÷ bare | p99 ÷ typical |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    refs: dict[tuple[int, str], float] = {}
    for f in figures:
        if not f.name.startswith("Palabra"):
            refs[(f.sockets, f.name)] = f.p99
    for f in figures:
        bare, typical = (
            refs.get((f.sockets, "bare broadcaster")),
            refs.get((f.sockets, "typical loop")),
        )
        ratio_bare = f"{f.p99 / bare:.1f}x" if bare and f.name.startswith("Palabra") else ""
        ratio_typical = (
            f"{f.p99 / typical:.1f}x" if typical and f.name.startswith("Palabra") else ""
        )
        lines.append(
            f"| {f.sockets:,} | {f.name} | {f.p50:g} | {f.p95:g} | {f.p99:g} | {f.max:g} |"
            f" {f.delivered:.1%} | {f.http_ms:g} | {f.rss_kib_per_socket:g} | {f.server_cpu:.2f} |"
            f" {f.generator_cpu:.2f} | {f.limited_by} | {ratio_bare} | {ratio_typical} |"
        )
    return lines


def burst_table(figures: list[burst.BurstFigures]) -> list[str]:
    lines = [
        "## Burst",
        "",
        f"Each phone taps twice ({burst.TAPS} requests), the phones' first taps spread over one"
        " second, with projector sockets open. `frames` is what each socket received during"
        " the burst (median / max). `sustained` is one core divided by the server's CPU per"
        " request.",
        "",
        "| database | phones | sockets | p50 ms | p99 ms | statuses | entries | dense, once each"
        " | frames | CPU ms per request | sustained per s | burst s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for b in figures:
        statuses = ", ".join(f"{count} x {status}" for status, count in sorted(b.statuses.items()))
        lines.append(
            f"| {b.database} | {b.phones:,} | {b.sockets:,} | {b.p50:g} | {b.p99:g} | {statuses} |"
            f" {b.entries:,} | {'yes' if b.dense else 'NO'} | {b.frames_per_socket[0]} /"
            f" {b.frames_per_socket[1]} | {b.cpu_ms_per_request:g} | {b.sustained_per_second:,}"
            f" | {b.burst_seconds:g} |"
        )
    return lines


if __name__ == "__main__":
    main()

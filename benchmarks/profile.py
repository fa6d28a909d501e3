"""Profile Palabra's fan-out of "+30 s" to many projectors with pyinstrument.

Starts Palabra (one worker, core 0) under pyinstrument, opens the projectors' sockets from
the generator, presses "+30 s" a second apart with a speaker on the floor, stops the server
and prints the profile. The hub's reads and renders run on the event loop's thread here
(not in the thread pool, as in production), so that one profile shows all of the fan-out.

    .venv/bin/python -m benchmarks.profile --projectors 1000 --actions 20 > profile.txt
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from benchmarks import fanout, servers

OUTPUT = "PALABRA_PROFILE_OUTPUT"


def serve(argv: list[str]) -> None:
    """``python -m app run`` under pyinstrument, the hub's thread hops made inline."""
    import os

    from pyinstrument import Profiler

    import app.live.hub
    from app.__main__ import main

    async def inline(function: Callable[..., Any], *args: Any) -> Any:
        return function(*args)

    app.live.hub.anyio = SimpleNamespace(to_thread=SimpleNamespace(run_sync=inline))  # type: ignore[assignment]
    # Uvicorn raises the stopping signal again once it has shut down: end as an exit instead,
    # so that the profile is written.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    profiler = Profiler(interval=0.001, async_mode="disabled")
    try:
        with profiler:
            main(argv)
    finally:
        Path(os.environ[OUTPUT]).write_text(profiler.output_text(unicode=True, color=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projectors", type=int, default=1000)
    parser.add_argument("--actions", type=int, default=20)
    parser.add_argument("--core", type=int, default=servers.SERVER_CORE, help="the server's core")
    args = parser.parse_args()
    servers.pin_to_client_core()
    with tempfile.TemporaryDirectory() as workdir, servers.database(None, workdir) as url:
        output = Path(workdir) / "profile.txt"
        server = servers.palabra(
            url, module="benchmarks.profile", extra={OUTPUT: str(output)}, core=args.core
        )
        try:
            console = fanout.facilitator(server)
            fanout.speaker_on_the_floor(server, console)
            targets = fanout.projector_targets(server, args.projectors)
            figures = fanout.measure(
                "Palabra projectors (profiled)",
                server,
                targets,
                fanout.add_time(server, console),
                args.actions,
            )
        finally:
            server.stop(timeout=300)
        print(figures)
        print(output.read_text())


if __name__ == "__main__":
    if sys.argv[1:2] == ["run"]:
        serve(sys.argv[1:])
    else:
        main()

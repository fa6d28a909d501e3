"""Command line: ``python -m app run | migrate | links | agenda load FILE | agenda check FILE``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.config import Settings, get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app", description="Palabra")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="migrate, load the bundled agenda if empty, serve")
    commands.add_parser("migrate", help="apply the database migrations")
    commands.add_parser("links", help="print each event's facilitator, projector and join links")
    agenda = commands.add_parser("agenda", help="agenda files")
    agenda_commands = agenda.add_subparsers(dest="agenda_command", required=True)
    load = agenda_commands.add_parser("load", help="validate an agenda file and add its event")
    load.add_argument("file", type=Path)
    check = agenda_commands.add_parser("check", help="validate an agenda file, change nothing")
    check.add_argument("file", type=Path)

    args = parser.parse_args(argv)
    settings = get_settings()
    if args.command == "migrate":
        _migrate(settings)
    elif args.command == "links":
        _print_links(settings)
    elif args.command == "agenda":
        return _agenda(settings, args.agenda_command, args.file)
    elif args.command == "run":
        _run(settings)
    return 0


def _migrate(settings: Settings) -> None:
    from app.migrate import upgrade

    upgrade(settings.database_url)


def _agenda(settings: Settings, command: str, path: Path) -> int:
    from app.db import Database
    from app.services import agenda
    from app.services.agenda_file import AgendaFileError, read_agenda
    from app.services.errors import DomainError

    try:
        spec = read_agenda(path)
    except AgendaFileError as error:
        print(f"{error.source}: this agenda file cannot be loaded:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    topics = sum(len(s.topics) for s in spec.segments)
    questions = sum(len(t.questions) for s in spec.segments for t in s.topics)
    summary = f"{len(spec.segments)} segments, {topics} topics, {questions} guiding questions"
    if command == "check":
        print(f"{path}: valid ({summary})")
        return 0
    _migrate(settings)
    database = Database(settings.database_url)
    try:
        with database.writing() as db:
            event = agenda.load(
                db=db, spec=spec, default_speaking_seconds=settings.speaking_time_seconds
            )
    except DomainError as error:
        print(f"{path}: {error}", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    print(f"Loaded {event.title} ({summary}).")
    _print_links(settings)
    return 0


def _print_links(settings: Settings) -> None:
    from app import access
    from app.db import Database
    from app.live.frames import join_url
    from app.services import events

    database = Database(settings.database_url)
    try:
        with database.reading() as db:
            for event in events.list_all(db=db):
                facilitator = access.event_key(settings.secret_key, event, access.FACILITATOR)
                projector = event.projector_token
                base = settings.base_url
                print(f"\n{event.title}")
                print(f"  Facilitator console: {base}/f/{event.slug}?key={facilitator}")
                print(f"  Projector:           {base}/projector/{event.slug}?key={projector}")
                print(f"  Participants join:   {join_url(base, event.join_code)}")
                print(f"  Join code:           {event.join_code}")
    finally:
        database.dispose()
    print(flush=True)


def _run(settings: Settings) -> None:
    import uvicorn

    from app.db import Database
    from app.services import agenda, events
    from app.services.agenda_file import read_agenda

    _migrate(settings)
    database = Database(settings.database_url)
    try:
        with database.writing() as db:
            if not events.list_all(db=db):
                event = agenda.load(
                    db=db,
                    spec=read_agenda(settings.default_agenda),
                    default_speaking_seconds=settings.speaking_time_seconds,
                )
                print(f"Loaded the bundled agenda: {event.title}")
    finally:
        database.dispose()
    _print_links(settings)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        ws_per_message_deflate=False,
        proxy_headers=True,
    )


if __name__ == "__main__":
    sys.exit(main())

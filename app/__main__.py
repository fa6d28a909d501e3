"""Command line: ``python -m app run | migrate | links | agenda … | facilitator … | event …``."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import logging.config
import os
import secrets
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from app import logs
from app.config import Settings, get_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.models import Event


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app", description="Palabra")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="migrate, load the bundled agenda if empty, serve")
    run.add_argument(
        "--workers",
        type=_worker_count,
        metavar="N",
        help="serve from N processes (default: PALABRA_WORKERS, or 1); "
        "more than one needs a redis:// PALABRA_BROADCAST_URL",
    )
    commands.add_parser("migrate", help="apply the database migrations")
    commands.add_parser("links", help="print each event's facilitator, projector and join links")
    agenda = commands.add_parser("agenda", help="agenda files")
    agenda_commands = agenda.add_subparsers(dest="agenda_command", required=True)
    load = agenda_commands.add_parser("load", help="validate an agenda file and add its event")
    load.add_argument("file", type=Path)
    check = agenda_commands.add_parser("check", help="validate an agenda file, change nothing")
    check.add_argument("file", type=Path)
    _facilitator_commands(commands)
    event = commands.add_parser("event", help="an event after it is over")
    event_commands = event.add_subparsers(dest="event_command", required=True)
    anonymise = event_commands.add_parser(
        "anonymise",
        help="remove the participants' names and sign their phones out; keep the record",
    )
    anonymise.add_argument("slug")
    anonymise.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    args = parser.parse_args(argv)
    settings = get_settings()
    if args.command in ("run", "migrate"):
        logging.config.dictConfig(logs.configuration(settings.log_format))
    if args.command == "migrate":
        _migrate(settings)
    elif args.command == "links":
        _print_links(settings)
    elif args.command == "agenda":
        return _agenda(settings, args.agenda_command, args.file)
    elif args.command == "facilitator":
        return _facilitator(settings, args)
    elif args.command == "event":
        return _anonymise(settings, args.slug, confirmed=args.yes)
    elif args.command == "run":
        return _run(settings, args.workers or settings.workers)
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
        shown, more = error.first_problems()
        for problem in shown:
            print(f"  - {problem}", file=sys.stderr)
        if more:
            print(f"  {more}", file=sys.stderr)
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
    _print_event_links(settings, event)
    print(flush=True)
    return 0


def _print_links(settings: Settings) -> None:
    from app.db import Database
    from app.services import events

    database = Database(settings.database_url)
    try:
        with database.reading() as db:
            for event in events.list_all(db=db):
                _print_event_links(settings, event)
    finally:
        database.dispose()
    print(flush=True)


def _print_event_links(settings: Settings, event: Event) -> None:
    from app.live.frames import join_url

    base = settings.base_url
    print(f"\n{event.title}")
    print(f"  Facilitator console: {base}/f/{event.slug}")
    print(f"  Projector:           {base}/projector/{event.slug}?key={event.projector_token}")
    print(f"  Participants join:   {join_url(base, event.join_code)}")
    print(f"  Join code:           {event.join_code}")


def _worker_count(text: str) -> int:
    if not text.isdecimal() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"a number of processes, 1 or more, not {text!r}")
    return int(text)


def _run(settings: Settings, workers: int) -> int:
    """Migrate and load the agenda once, then serve from ``workers`` processes."""
    from app.db import Database
    from app.services import accounts, agenda, events
    from app.services.agenda_file import read_agenda

    if settings.env == "production" and not settings.base_url.startswith("https://"):
        print(
            f"Warning: PALABRA_ENV=production serves {settings.base_url}, not https://: browsers"
            " keep Palabra's cookies (all Secure in production) only over HTTPS, so nobody"
            " could stay signed in or joined. Serve it behind HTTPS and set PALABRA_PUBLIC_URL"
            " to the https:// address.",
            file=sys.stderr,
        )
    if workers > 1 and urlsplit(settings.broadcast_url).scheme == "memory":
        print(
            f"python -m app run: {workers} workers need PALABRA_BROADCAST_URL=redis://HOST:6379/0:"
            " with memory:// a screen follows only the changes made in its own worker."
            " Set a Redis URL, or serve from one worker.",
            file=sys.stderr,
        )
        return 2
    # Before anything is created: a first password shown for a server that cannot start
    # would be shown once and never used.
    refusal = _cannot_serve(settings)
    if refusal:
        print(f"python -m app run: {refusal}\nNothing was changed.", file=sys.stderr)
        return 1
    _migrate(settings)
    database = Database(settings.database_url)
    created = None
    try:
        with database.writing() as db:
            if not events.list_all(db=db):
                event = agenda.load(
                    db=db,
                    spec=read_agenda(settings.default_agenda),
                    default_speaking_seconds=settings.speaking_time_seconds,
                )
                print(f"Loaded the bundled agenda: {event.title}")
            if not accounts.list_all(db=db):
                created = _first_account(settings, db)
    finally:
        database.dispose()
    _print_links(settings)
    with _metrics_shared(workers):
        return _serve(settings, workers, created)


@contextlib.contextmanager
def _metrics_shared(workers: int) -> Iterator[None]:
    """With several workers, each writes its /metrics figures where every other reads them.

    Into ``PROMETHEUS_MULTIPROC_DIR`` if set (emptied of an earlier run's files first), or a
    directory made for this run and removed after it. Set before any worker starts, as
    prometheus-client reads it when a worker imports it.
    """
    from app.metrics import MULTIPROCESS_DIR

    if workers == 1 and not os.environ.get(MULTIPROCESS_DIR):
        yield
        return
    with contextlib.ExitStack() as stack:
        directory = os.environ.get(MULTIPROCESS_DIR) or stack.enter_context(
            tempfile.TemporaryDirectory(prefix="palabra-metrics-")
        )
        for earlier in Path(directory).glob("*.db"):
            earlier.unlink()
        os.environ[MULTIPROCESS_DIR] = directory
        yield


def _serve(settings: Settings, workers: int, created: str | None) -> int:
    import uvicorn

    try:
        # Each worker imports the app and calls the factory itself: the app goes by name.
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=workers,
            ws_per_message_deflate=False,
            log_config=logs.configuration(settings.log_format),
            proxy_headers=True,
            forwarded_allow_ips=settings.forwarded_allow_ips,
        )
    except SystemExit as failure:
        # Uvicorn exits when it cannot start, for example if the port was taken since the
        # check: the password printed above may be all the newcomer has.
        if created and failure.code:
            print(
                f"Palabra did not start. To sign in as {created} later, use the password"
                f" printed above, or set a new one: python -m app facilitator reset {created}",
                file=sys.stderr,
            )
        raise
    return 0


def _cannot_serve(settings: Settings) -> str | None:
    """Why ``PALABRA_HOST``:``PALABRA_PORT`` cannot be served on, or None if it can.

    Binds and listens on every address the host resolves to, as the server will (with
    SO_REUSEADDR, and IPv6 only on IPv6 sockets, as asyncio does), then lets them go.
    """
    import errno
    import socket

    address = f"{settings.host}:{settings.port}"
    try:
        for family, kind, protocol, _, sockaddr in socket.getaddrinfo(
            settings.host, settings.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        ):
            with socket.socket(family, kind, protocol) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if family == socket.AF_INET6:
                    probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                probe.bind(sockaddr)
                probe.listen()
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            other = 8001 if settings.port == 8000 else 8000
            return (
                f"cannot serve on {address}: another program is using port {settings.port}."
                f" Stop it, or choose another port, for example: PALABRA_PORT={other} make run"
            )
        return (
            f"cannot serve on {address}: {error.strerror or error}."
            " Set PALABRA_HOST to an address of this machine and PALABRA_PORT to a free port."
        )
    return None


def _first_account(settings: Settings, db: Session) -> str | None:
    """Without any account nobody can run the room: say how to make one, or make one here.

    Returns the username of the account made, or None if none was.
    """
    from app.services import accounts

    if settings.env != "development":
        print(f"No facilitator can sign in yet. Create one: {CREATE_HINT}")
        return None
    password = secrets.token_urlsafe(12)
    accounts.create(db=db, username="facilitator", name="Facilitator", password=password)
    print(
        "Created a first facilitator account for this machine.\n"
        f"  Sign in at:            {settings.base_url}/login\n"
        "  Username:              facilitator\n"
        f"  Password (shown once): {password}\n"
        "  Change it with: python -m app facilitator reset facilitator"
    )
    return "facilitator"


CREATE_HINT = "python -m app facilitator create USERNAME --name 'Full Name'"


def _facilitator_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from app.models.account import Role

    facilitator = commands.add_parser("facilitator", help="facilitators' accounts")
    actions = facilitator.add_subparsers(dest="facilitator_command", required=True)
    create = actions.add_parser("create", help="add an account (asks for its password)")
    create.add_argument("username")
    create.add_argument("--name", required=True, help="the name shown to other facilitators")
    roles = [role.value for role in Role]
    role_help = "facilitator drives the floor, rapporteur keeps the record, both does both"
    create.add_argument("--role", choices=roles, default=Role.FACILITATOR.value, help=role_help)
    actions.add_parser("list", help="every account, its role, and whether it may sign in")
    change_role = actions.add_parser("role", help="change an account's role")
    change_role.add_argument("username")
    change_role.add_argument("role", choices=roles, help=role_help)
    for name, help_text in (
        ("disable", "stop an account from signing in; its sessions end"),
        ("enable", "let a disabled account sign in again"),
        ("reset", "set a new password (asks for it); the account's sessions end"),
        ("link", "print a one-time sign-in link (15 minutes; no sign-in limit blocks it)"),
    ):
        actions.add_parser(name, help=help_text).add_argument("username")
    for parser in (create, actions.choices["reset"]):
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input (for scripts)",
        )


def _facilitator(settings: Settings, args: argparse.Namespace) -> int:
    from app.db import Database
    from app.models.account import Role
    from app.services import accounts, sessions
    from app.services.errors import DomainError

    _migrate(settings)
    database = Database(settings.database_url)
    try:
        with database.writing() as db:
            command = args.facilitator_command
            if command == "list":
                for account in accounts.list_all(db=db):
                    state = "active" if account.active else "disabled"
                    print(f"{account.username}\t{account.name}\t{account.role.value}\t{state}")
            elif command == "create":
                password = _new_password(args.password_stdin)
                accounts.create(
                    db=db,
                    username=args.username,
                    name=args.name,
                    password=password,
                    role=Role(args.role),
                )
                print(
                    f"Created {args.username.strip().lower()} ({args.role});"
                    f" sign in at {settings.base_url}/login"
                )
            elif command == "role":
                account = accounts.set_role(db=db, username=args.username, role=Role(args.role))
                print(f"{account.username} is now {account.role.value}.")
            elif command == "reset":
                password = _new_password(args.password_stdin)
                accounts.reset_password(db=db, username=args.username, password=password)
                print(f"New password set for {args.username}; its sessions have ended.")
            elif command == "link":
                account = accounts.get(db=db, username=args.username)
                secret = sessions.new_link(db=db, account=account)
                print(
                    f"Sign in as {account.username} once, within {sessions.LINK_MINUTES} minutes:"
                    f"\n  {settings.base_url}/login/link/{secret}"
                )
            else:
                active = command == "enable"
                accounts.set_active(db=db, username=args.username, active=active)
                print(f"{args.username} is now {'active' if active else 'disabled'}.")
    except (DomainError, PasswordsDiffer) as error:
        print(f"python -m app facilitator {args.facilitator_command}: {error}", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    return 0


def _anonymise(settings: Settings, slug: str, *, confirmed: bool) -> int:
    from app.db import Database
    from app.services import anonymise, events
    from app.services.errors import NotFound

    name = "python -m app event anonymise"
    _migrate(settings)
    database = Database(settings.database_url)
    try:
        with database.writing() as db:
            try:
                event = events.get_by_slug(db=db, slug=slug)
            except NotFound:
                known = ", ".join(e.slug for e in events.list_all(db=db)) or "none"
                print(f"{name}: no event is called {slug!r} (events: {known}).", file=sys.stderr)
                return 2
            if not confirmed and not _confirm(
                f"Anonymise {event.title} ({event.slug})? Every participant's name becomes"
                " 'Participant N' and every phone is signed out; this cannot be undone."
            ):
                print(f"{name}: nothing was changed.", file=sys.stderr)
                return 1
            done = anonymise.anonymise(db=db, event=event)
    finally:
        database.dispose()
    if not done.signed_out:
        print(f"{slug} was anonymised already and nobody joined since: nothing to remove.")
    else:
        print(
            f"Anonymised {slug}: {done.renamed} of {done.participants} participants renamed,"
            " every phone signed out; turns and summaries kept."
        )
    return 0


def _confirm(question: str) -> bool:
    """Whether the person typed "yes" (no answer at all, as from a script, is a no)."""
    try:
        answer = input(f"{question}\nType yes to go on: ")
    except EOFError:
        answer = ""
    return answer.strip().lower() == "yes"


class PasswordsDiffer(Exception):
    pass


def _new_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("Password (at least 12 characters): ")
    if getpass.getpass("The same password again: ") != password:
        raise PasswordsDiffer("the two passwords differ; nothing was changed")
    return password


if __name__ == "__main__":
    sys.exit(main())

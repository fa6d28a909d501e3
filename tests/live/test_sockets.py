"""Screens are told about changes over their websocket, without reloading."""

from __future__ import annotations

import re

import anyio
import httpx
import pytest
from sqlalchemy import select
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from app.live.hub import FACILITATOR, PARTICIPANT, PROJECTOR
from app.models import Account, Event
from app.services import accounts
from tests.console import as_console_async
from tests.factories import PASSWORD, make_account
from tests.http.helpers import HTMX
from tests.live.conftest import LiveServer
from tests.tokens import READS, with_token_async

pytestmark = pytest.mark.anyio

WAIT = 5


def seed(server: LiveServer) -> Event:
    from tests.factories import make_event

    with server.app.state.database.writing() as db:
        event = make_event(db)
        event.segments[0].topics[0].questions  # noqa: B018 (load before the session closes)
        return event


async def facilitator_client(
    server: LiveServer, event: Event, username: str = "ana"
) -> httpx.AsyncClient:
    """A facilitator's browser, signed in to an account of its own."""
    client = await with_token_async(httpx.AsyncClient(base_url=server.http, headers=HTMX))
    with server.app.state.database.writing() as db:
        if not db.scalar(select(Account).where(Account.username == username)):
            make_account(db, username=username)
    response = await client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 303
    return client


async def phone(server: LiveServer, event: Event, name: str) -> httpx.AsyncClient:
    client = await with_token_async(httpx.AsyncClient(base_url=server.http, headers=HTMX))
    response = await client.post("/join", data={"code": event.join_code, "name": name})
    assert response.status_code == 303
    return client


def cookie_header(client: httpx.AsyncClient) -> str:
    """A browser's cookies as a socket's handshake carries them, with the language its pages
    are read in (what these tests check is English, as their pages' requests ask: READS)."""
    cookies = {"palabra_lang": READS, **dict(client.cookies.items())}
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def projector_socket(server: LiveServer, event: Event) -> connect:
    key = event.projector_token
    return connect(f"{server.ws}/ws/projector/{event.slug}?key={key}", compression=None)


async def regions(socket: ClientConnection, *ids: str) -> dict[str, str]:
    """Read messages until each region has arrived (a batch carries several in one message)."""
    found: dict[str, str] = {}
    with anyio.fail_after(WAIT):
        while not all(i in found for i in ids):
            message = str(await socket.recv())
            for region_id in ids:
                if f'id="{region_id}"' in message:
                    found[region_id] = message
    return found


async def next_message(socket: ClientConnection, containing: str) -> str:
    """The first message that contains ``containing``; earlier ones are older states."""
    with anyio.fail_after(WAIT):
        while True:
            message = str(await socket.recv())
            if containing in message:
                return message


async def test_a_new_socket_first_receives_the_full_state(live_server: LiveServer) -> None:
    event = seed(live_server)
    facilitator = await facilitator_client(live_server, event)
    await as_console_async(facilitator, f"/f/{event.slug}/topics/next")
    async with projector_socket(live_server, event) as socket:
        with anyio.fail_after(WAIT):
            snapshot = str(await socket.recv())
    assert snapshot.startswith('<div id="server-clock"') and "data-server-now=" in snapshot
    for region in ("projector-stage", "projector-speaker", "projector-next", "projector-join"):
        assert f'id="{region}"' in snapshot, region
    assert "¿Cómo asegurar el acceso?" in snapshot


async def test_projector_sees_a_new_request_and_the_next_speaker(live_server: LiveServer) -> None:
    event = seed(live_server)
    facilitator = await facilitator_client(live_server, event)
    await as_console_async(facilitator, f"/f/{event.slug}/topics/next")
    async with projector_socket(live_server, event) as socket:
        await next_message(socket, "projector-stage")
        maria = await phone(live_server, event, "María Pérez")
        await maria.post(f"/e/{event.slug}/floor", data={"kind": "intervention"})
        queued = await next_message(socket, "María Pérez")
        assert re.search(r'id="projector-next".*María Pérez', queued, re.S)

        await as_console_async(facilitator, f"/f/{event.slug}/floor/next")
        called = await next_message(socket, 'data-running="true"')
        speaker = called.split('id="projector-speaker"', 1)[1].split("</section>", 1)[0]
        assert "María Pérez" in speaker
        assert "data-deadline-ms=" in speaker


async def test_every_projector_gets_the_same_text(live_server: LiveServer) -> None:
    event = seed(live_server)
    facilitator = await facilitator_client(live_server, event)
    async with projector_socket(live_server, event) as a, projector_socket(live_server, event) as b:
        await next_message(a, "projector-stage")
        await next_message(b, "projector-stage")
        await as_console_async(facilitator, f"/f/{event.slug}/topics/next")
        first, second = await next_message(a, "Salud"), await next_message(b, "Salud")
    assert without_clock(first) == without_clock(second)


def without_clock(message: str) -> str:
    """A batch without the server's clock: the one piece made per send (its time differs by a
    millisecond from socket to socket)."""
    return re.sub(r'<div id="server-clock"[^>]*></div>', "", message)


async def test_a_participant_sees_their_place_change_live(live_server: LiveServer) -> None:
    event = seed(live_server)
    facilitator = await facilitator_client(live_server, event)
    await as_console_async(facilitator, f"/f/{event.slug}/topics/next")
    ana, bruno = await phone(live_server, event, "Ana"), await phone(live_server, event, "Bruno")
    await ana.post(f"/e/{event.slug}/floor", data={"kind": "intervention"})
    await bruno.post(f"/e/{event.slug}/floor", data={"kind": "intervention"})
    cookies = cookie_header(bruno)
    url = f"{live_server.ws}/ws/participant/{event.slug}"
    async with connect(url, additional_headers={"Cookie": cookies}) as socket:
        await next_message(socket, "You are number 2 on the list")
        await as_console_async(facilitator, f"/f/{event.slug}/floor/next")
        await next_message(socket, "You are number 1 on the list")
        await as_console_async(facilitator, f"/f/{event.slug}/floor/next")
        await next_message(socket, "You have the floor")


async def test_every_message_on_every_socket_carries_the_state_version(
    live_server: LiveServer,
) -> None:
    event = seed(live_server)
    facilitator = await facilitator_client(live_server, event)
    ana = await phone(live_server, event, "Ana")
    own = cookie_header(facilitator)
    mine = cookie_header(ana)
    async with (
        projector_socket(live_server, event) as screen,
        connect(f"{live_server.ws}/ws/facilitator/{event.slug}", additional_headers={"Cookie": own}) as console,
        connect(f"{live_server.ws}/ws/participant/{event.slug}", additional_headers={"Cookie": mine}) as phone_socket,
    ):  # fmt: skip
        await regions(screen, "projector-stage", "projector-join")
        await regions(console, "fac-agenda", "fac-floor")
        await regions(phone_socket, "p-topic", "p-my-turn")
        await as_console_async(facilitator, f"/f/{event.slug}/topics/next")
        await ana.post(f"/e/{event.slug}/floor", data={"kind": "intervention"})
        for socket, last in ((screen, "Ana"), (console, "Ana"), (phone_socket, "You are next")):
            seen: list[str] = []
            with anyio.fail_after(WAIT):
                while not seen or last not in seen[-1]:
                    seen.append(str(await socket.recv()))
            versions = [re.search(r'data-version="([0-9]+)"', m) for m in seen]
            assert all(versions), [m[:80] for m, v in zip(seen, versions, strict=True) if not v]


async def test_a_phone_is_not_sent_its_form_again_while_nothing_of_it_changed(
    live_server: LiveServer,
) -> None:
    event = seed(live_server)
    facilitator = await facilitator_client(live_server, event)
    await as_console_async(facilitator, f"/f/{event.slug}/topics/next")
    ana = await phone(live_server, event, "Ana")
    cookies = cookie_header(ana)
    url = f"{live_server.ws}/ws/participant/{event.slug}"
    async with connect(url, additional_headers={"Cookie": cookies}) as socket:
        await next_message(socket, "Request the floor")
        bruno = await phone(live_server, event, "Bruno")
        await bruno.post(f"/e/{event.slug}/floor", data={"kind": "reply"})
        update = await next_message(socket, "1 person waiting")
        assert 'id="p-my-turn"' not in update
        with anyio.move_on_after(0.5):
            late = str(await socket.recv())
            assert 'id="p-my-turn"' not in late


async def test_the_facilitator_console_follows_a_co_facilitator(live_server: LiveServer) -> None:
    event = seed(live_server)
    one = await facilitator_client(live_server, event, "ana")
    other = await facilitator_client(live_server, event, "bruno")
    cookies = cookie_header(one)
    url = f"{live_server.ws}/ws/facilitator/{event.slug}"
    async with connect(url, additional_headers={"Cookie": cookies}) as socket:
        await regions(socket, "fac-agenda", "fac-floor")
        await as_console_async(other, f"/f/{event.slug}/topics/next")
        update = await regions(socket, "fac-agenda", "fac-floor")
        assert "Close topic" in update["fac-agenda"]
        assert "Salud" in update["fac-floor"]


@pytest.mark.parametrize(
    "path",
    [
        "/ws/projector/{slug}?key=wrong",
        "/ws/facilitator/{slug}",
        "/ws/participant/{slug}",
        "/ws/projector/no-such-event",
    ],
)
async def test_a_socket_without_the_right_key_or_cookie_is_refused(
    live_server: LiveServer, path: str
) -> None:
    event = seed(live_server)
    with pytest.raises(InvalidStatus) as refused:
        async with connect(live_server.ws + path.format(slug=event.slug)):
            pass
    assert refused.value.response.status_code == 403


async def test_the_agenda_is_not_sent_again_when_only_the_list_changed(
    live_server: LiveServer,
) -> None:
    event = seed(live_server)
    facilitator = await facilitator_client(live_server, event)
    await as_console_async(facilitator, f"/f/{event.slug}/topics/next")
    cookies = cookie_header(facilitator)
    url = f"{live_server.ws}/ws/facilitator/{event.slug}"
    async with connect(url, additional_headers={"Cookie": cookies}) as socket:
        await regions(socket, "fac-agenda", "fac-floor")
        ana = await phone(live_server, event, "Ana")
        await ana.post(f"/e/{event.slug}/floor", data={"kind": "reply"})
        await next_message(socket, "Ana")
        with anyio.move_on_after(0.5):
            while True:
                assert 'id="fac-agenda"' not in str(await socket.recv())


async def facilitator_socket_from(
    server: LiveServer, event: Event, facilitator: httpx.AsyncClient, origin: str
) -> str:
    """What a page at ``origin`` gets, riding on the facilitator's cookie, from the socket."""
    cookies = cookie_header(facilitator)
    url = f"{server.ws}/ws/facilitator/{event.slug}"
    async with connect(url, origin=origin, additional_headers={"Cookie": cookies}) as socket:  # type: ignore[arg-type]
        found = await regions(socket, "fac-floor")
    return found["fac-floor"]


async def test_a_page_of_another_site_cannot_open_the_facilitators_socket(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = seed(live_server)
    facilitator = await facilitator_client(live_server, event)
    await as_console_async(facilitator, f"/f/{event.slug}/topics/next")
    own = await facilitator_socket_from(live_server, event, facilitator, live_server.http)
    assert "Salud" in own
    with pytest.raises(InvalidStatus) as refused:
        await facilitator_socket_from(live_server, event, facilitator, "https://evil.example")
    assert refused.value.response.status_code == 403

    monkeypatch.setattr("app.access.origin_allowed", lambda *_: True)  # the defence off
    stolen = await facilitator_socket_from(live_server, event, facilitator, "https://evil.example")
    assert "Salud" in stolen


async def test_a_disabled_facilitators_console_closes_at_the_next_change(
    live_server: LiveServer,
) -> None:
    event = seed(live_server)
    ana = await facilitator_client(live_server, event, "ana")
    bruno = await facilitator_client(live_server, event, "bruno")
    cookies = cookie_header(ana)
    url = f"{live_server.ws}/ws/facilitator/{event.slug}"
    async with connect(url, additional_headers={"Cookie": cookies}) as console:
        await regions(console, "fac-agenda", "fac-floor")
        with live_server.app.state.database.writing() as db:
            accounts.set_active(db=db, username="ana", active=False)
        await as_console_async(bruno, f"/f/{event.slug}/topics/next")
        with anyio.fail_after(WAIT), pytest.raises(ConnectionClosed) as closed:
            while True:
                assert "Salud" not in str(await console.recv()), "a disabled account saw it"
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


async def test_an_open_projector_closes_when_its_link_is_renewed(live_server: LiveServer) -> None:
    event = seed(live_server)
    facilitator = await facilitator_client(live_server, event)
    async with projector_socket(live_server, event) as socket:
        await regions(socket, "projector-stage")
        await as_console_async(facilitator, f"/f/{event.slug}/projector-link")
        with anyio.fail_after(WAIT), pytest.raises(ConnectionClosed) as closed:
            while True:
                await socket.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


async def every_socket(server: LiveServer) -> list[tuple[str, str]]:
    """(url, cookies) of each of the three sockets, each with the right key or cookie."""
    event = seed(server)
    facilitator = await facilitator_client(server, event)
    ana = await phone(server, event, "Ana")
    return [
        (f"{server.ws}/ws/projector/{event.slug}?key={event.projector_token}", ""),
        (f"{server.ws}/ws/facilitator/{event.slug}", cookie_header(facilitator)),
        (f"{server.ws}/ws/participant/{event.slug}", cookie_header(ana)),
    ]


async def test_a_page_of_the_same_host_and_port_over_another_scheme_opens_no_socket(
    live_server: LiveServer,
) -> None:
    sockets = await every_socket(live_server)
    assert {url.split("?")[0].rsplit("/", 2)[1] for url, _ in sockets} == {
        PROJECTOR,
        FACILITATOR,
        PARTICIPANT,
    }
    https_page = f"https://127.0.0.1:{live_server.port}"
    for url, cookies in sockets:
        async with connect(url, origin=live_server.http, additional_headers={"Cookie": cookies}):  # type: ignore[arg-type]
            pass
        with pytest.raises(InvalidStatus) as refused:
            async with connect(url, origin=https_page, additional_headers={"Cookie": cookies}):  # type: ignore[arg-type]
                pass
        assert refused.value.response.status_code == 403, url


async def ended_by_signing_out(
    server: LiveServer, event: Event, console: httpx.AsyncClient
) -> None:
    assert (await console.post("/logout")).status_code == 303


async def ended_by_signing_out_everywhere(
    server: LiveServer, event: Event, console: httpx.AsyncClient
) -> None:
    """From another browser of the same account, as after losing the laptop."""
    laptop = await facilitator_client(server, event, "ana")
    assert (await laptop.post("/logout/everywhere")).status_code == 303


@pytest.mark.parametrize("end", [ended_by_signing_out, ended_by_signing_out_everywhere])
async def test_a_signed_out_console_closes_at_the_next_change_and_cannot_reopen(
    live_server: LiveServer, end: object
) -> None:
    event = seed(live_server)
    ana = await facilitator_client(live_server, event, "ana")
    bruno = await facilitator_client(live_server, event, "bruno")
    cookies = cookie_header(ana)
    url = f"{live_server.ws}/ws/facilitator/{event.slug}"
    async with connect(url, additional_headers={"Cookie": cookies}) as console:
        await regions(console, "fac-agenda", "fac-floor")
        await end(live_server, event, ana)  # type: ignore[operator]
        await bruno.post(f"/f/{event.slug}/topics/next")
        with anyio.fail_after(WAIT), pytest.raises(ConnectionClosed) as closed:
            while True:
                assert "Salud" not in str(await console.recv()), "a signed-out session saw it"
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    with pytest.raises(InvalidStatus) as refused:
        async with connect(url, additional_headers={"Cookie": cookies}):
            pass
    assert refused.value.response.status_code == 403


async def test_a_new_join_code_reaches_every_open_console(live_server: LiveServer) -> None:
    event = seed(live_server)
    one = await facilitator_client(live_server, event, "ana")
    other = await facilitator_client(live_server, event, "bruno")
    url = f"{live_server.ws}/ws/facilitator/{event.slug}"
    async with connect(url, additional_headers={"Cookie": cookie_header(one)}) as socket:
        await regions(socket, "fac-links")
        await as_console_async(other, f"/f/{event.slug}/join-code")
        with live_server.app.state.database.reading() as db:
            code = db.get(Event, event.id).join_code
        update = await next_message(socket, 'id="fac-links"')
        assert f"<strong>{code}</strong>" in update
        assert f'name="code" value="{code}"' in update

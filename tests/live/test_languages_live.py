"""One live change reaches each screen in its own language, drawn once per language."""

from __future__ import annotations

from collections import Counter
from typing import Any

import anyio
import pytest
from websockets.asyncio.client import ClientConnection, connect

from app.i18n import translate, translations
from app.live import frames
from app.models import Event
from tests.console import as_console_async
from tests.live.conftest import LiveServer
from tests.live.test_sockets import (
    WAIT,
    cookie_header,
    facilitator_client,
    phone,
    projector_socket,
    seed,
    without_clock,
)

pytestmark = pytest.mark.anyio


async def every_screen_shows(
    server: LiveServer,
    event: Event,
    phones: dict[str, ClientConnection],
    projector: tuple[ClientConnection, str],
) -> dict[str, str]:
    """What each screen shows once it has caught up with the room: each phone's topic region
    and the projector's region named, by the screen's language."""
    with server.app.state.database.reading() as db:
        version = db.get(Event, event.id).version
    stamp = f'data-version="{version}"'
    shown = {name: await region_at(s, "p-topic", stamp) for name, s in phones.items()}
    return {**shown, "es": await region_at(*projector, stamp)}


async def region_at(socket: ClientConnection, region: str, stamp: str) -> str:
    """The first message carrying ``region`` at ``stamp``, without the server's clock."""
    with anyio.fail_after(WAIT):
        while True:
            message = str(await socket.recv())
            if f'id="{region}"' in message and stamp in message:
                return without_clock(message)


HAS_THE_FLOOR = "Has the floor"


async def test_phones_in_portuguese_and_french_and_a_spanish_projector_see_one_change(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = seed(live_server)  # an agenda in Spanish: the projector's language
    console = await facilitator_client(live_server, event)
    ana = await phone(live_server, event, "Ana")
    ana.cookies.set("palabra_lang", "pt")
    bruno = await phone(live_server, event, "Bruno")
    carla = await phone(live_server, event, "Carla")
    for person in (bruno, carla):
        person.cookies.set("palabra_lang", "fr")

    drawn: Counter[tuple[str, str]] = Counter()
    real = frames._regions

    def counted(regions: dict[str, str], locale: str, **context: Any) -> frames.Frame:
        drawn[(next(iter(regions)), locale)] += 1
        return real(regions, locale, **context)

    monkeypatch.setattr(frames, "_regions", counted)
    url = f"{live_server.ws}/ws/participant/{event.slug}"
    async with (
        connect(url, additional_headers={"Cookie": cookie_header(ana)}) as portuguese,
        connect(url, additional_headers={"Cookie": cookie_header(bruno)}) as french,
        connect(url, additional_headers={"Cookie": cookie_header(carla)}) as also_french,
        projector_socket(live_server, event) as projector,
    ):
        phones = {"pt": portuguese, "fr": french, "also fr": also_french}
        await as_console_async(console, f"/f/{event.slug}/topics/next")
        await ana.post(f"/e/{event.slug}/floor", data={"kind": "intervention"})
        await every_screen_shows(live_server, event, phones, (projector, "projector-next"))
        drawn.clear()

        await as_console_async(console, f"/f/{event.slug}/floor/next")  # Ana has the floor
        seen = await every_screen_shows(
            live_server, event, phones, (projector, "projector-speaker")
        )

    for language in ("pt", "fr"):
        assert translate(language, HAS_THE_FLOOR, {}) in seen[language]
        assert "Ana" in seen[language]
    assert translate("pt", HAS_THE_FLOOR, {}) != translate("fr", HAS_THE_FLOOR, {})
    assert seen["fr"] == seen["also fr"]
    assert "Ana" in seen["es"]
    # One drawing of each view per language in use, however many sockets read it (the
    # console's own answer to its request aside).
    del drawn["fac-links", "en"]
    assert drawn == {("p-topic", "pt"): 1, ("p-topic", "fr"): 1, ("projector-event", "es"): 1}


async def test_a_socket_speaks_the_language_of_its_page_not_of_the_last_tab(
    live_server: LiveServer,
) -> None:
    event = seed(live_server)
    console = await facilitator_client(live_server, event)
    ana = await phone(live_server, event, "Ana")
    ana.cookies.set("palabra_lang", "en")  # another tab chose English since this page opened
    url = f"{live_server.ws}/ws/participant/{event.slug}?lang=fr"
    async with connect(url, additional_headers={"Cookie": cookie_header(ana)}) as socket:
        await region_at(socket, "p-topic", "data-version")
        await as_console_async(console, f"/f/{event.slug}/topics/next")
        topic = await region_at(socket, "p-topic", "Salud")
    waiting = translations("fr").ngettext("{count} person waiting", "{count} people waiting", 0)
    assert waiting.format(count=0) in topic


async def test_every_region_of_an_open_projector_follows_its_language(
    live_server: LiveServer,
) -> None:
    event = seed(live_server)
    console = await facilitator_client(live_server, event)
    async with projector_socket(live_server, event) as projector:
        await region_at(projector, "projector-event", 'lang="es"')
        languages = {"language": "pt"}
        await console.post(f"/f/{event.slug}/projector-languages", data=languages)
        header = await region_at(projector, "projector-event", 'lang="pt"')
    assert "Test consultation" in header

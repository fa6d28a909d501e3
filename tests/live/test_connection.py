"""A socket's mailbox: latest state wins, nothing the screen already shows is sent again."""

from __future__ import annotations

import anyio
import pytest

from app.live.connection import Connection, Fragment, new_screen_id, screen_id

pytestmark = pytest.mark.anyio


class SlowSocket:
    """Records what was sent; each send waits until the test lets it go."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.go = anyio.Event()

    async def send_text(self, text: str) -> None:
        await self.go.wait()
        self.sent.append(text)


def clock(version: int) -> str:
    return f"clock v{version}"


def region(text: str, version: int) -> Fragment:
    return Fragment.of(f'<p data-version="{version}">{text}</p>')


async def test_only_the_latest_state_of_a_region_is_sent() -> None:
    socket = SlowSocket()
    connection = Connection(socket, 1, "projector", "en")  # type: ignore[arg-type]
    for version in (1, 2, 3):
        connection.offer("stage", version, region(f"stage v{version}", version))
    connection.offer("stage", 2, region("stage v2 late", 2))  # older than what is due: dropped
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(connection.pump, clock)
        socket.go.set()
        await anyio.sleep(0.05)
        tasks.cancel_scope.cancel()
    assert socket.sent == ['clock v3<p data-version="3">stage v3</p>']


async def test_a_state_offered_again_while_another_is_on_its_way_is_still_sent() -> None:
    socket = SlowSocket()
    connection = Connection(socket, 1, "participant", "en")  # type: ignore[arg-type]
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(connection.pump, clock)
        connection.offer("mine", 1, region("list open", 1))
        socket.go.set()
        await anyio.sleep(0.05)
        socket.go = anyio.Event()  # the next sends hang, as on a slow phone
        connection.offer("mine", 2, region("list closed", 2))
        await anyio.sleep(0.05)
        connection.offer("mine", 3, region("list open", 3))  # back to what was shown before
        socket.go.set()
        await anyio.sleep(0.05)
        tasks.cancel_scope.cancel()
    assert socket.sent == [
        'clock v1<p data-version="1">list open</p>',
        'clock v2<p data-version="2">list closed</p>',
        'clock v3<p data-version="3">list open</p>',
    ]


async def test_a_region_that_changed_only_in_its_version_is_not_sent_again() -> None:
    socket = SlowSocket()
    socket.go.set()
    connection = Connection(socket, 1, "participant", "en")  # type: ignore[arg-type]
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(connection.pump, clock)
        connection.offer("mine", 1, region("the form", 1))
        connection.offer("topic", 1, region("topic 1", 1))
        await anyio.sleep(0.05)
        connection.offer("mine", 2, region("the form", 2))  # typing in it goes on
        connection.offer("topic", 2, region("topic 2", 2))
        await anyio.sleep(0.05)
        tasks.cancel_scope.cancel()
    assert socket.sent == [
        'clock v1<p data-version="1">the form</p><p data-version="1">topic 1</p>',
        'clock v2<p data-version="2">topic 2</p>',
    ]


PUMP = ("pump", "", "", 0)  # the batch so far goes out


class Screen:
    """A connection whose socket sends at once, and what it sent, batch by batch."""

    def __init__(self) -> None:
        self.socket = SlowSocket()
        self.socket.go.set()
        self.connection = Connection(self.socket, 1, "facilitator", "en", screen="a" * 32)  # type: ignore[arg-type]

    async def sent_after(self, *changes: tuple[str, str, str, int]) -> list[str]:
        """Apply ``(how, slot, text, version)`` changes in turn, letting the pump run after
        each; what the socket sent for them (the snapshot before is left out)."""
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(self.connection.pump, clock)
            await anyio.sleep(0.02)
            self.socket.sent.clear()
            for how, slot, text, version in changes:
                if how == "pump":
                    await anyio.sleep(0.02)
                    continue
                change = self.connection.offer if how == "offer" else self.connection.answered
                change(slot, version, region(text, version))
            await anyio.sleep(0.02)
            tasks.cancel_scope.cancel()
        return self.socket.sent

    def shows(self, slot: str, text: str, version: int) -> Screen:
        """The snapshot: the socket sent ``text`` for ``slot`` at ``version``."""
        self.connection.offer(slot, version, region(text, version))
        return self


async def test_a_region_an_answer_changed_is_sent_again_when_the_room_changes_back() -> None:
    # The list is open (v5). This page closes it (v6) and its answer shows it closed; a
    # co-facilitator reopens it (v7) before the socket's batch for v6 went out: the two are
    # drawn once, at v7, open again, as the socket last sent it. The page shows "closed".
    screen = Screen().shows("fac-floor", "open", 5).shows("fac-agenda", "5", 5)
    sent = await screen.sent_after(
        ("answered", "fac-floor", "closed", 6),
        ("answered", "fac-agenda", "6", 6),
        ("offer", "fac-floor", "open", 7),
        ("offer", "fac-agenda", "7", 7),
    )
    assert sent == ['clock v7<p data-version="7">open</p><p data-version="7">7</p>']


async def test_a_region_is_sent_again_when_the_answer_comes_after_the_room_changed_back() -> None:
    # The same, but the socket heard of v6 and v7 before the answer for v6 was told to it.
    screen = Screen().shows("fac-floor", "open", 5)
    sent = await screen.sent_after(
        ("offer", "fac-floor", "closed", 6),
        ("offer", "fac-floor", "open", 7),  # replaces "closed": shows what was sent at v5
        ("answered", "fac-floor", "closed", 6),
    )
    assert sent == ['clock v7<p data-version="7">open</p>']


async def test_an_answer_older_than_a_batch_sent_meanwhile_leaves_the_page_in_doubt() -> None:
    # A batch at v7 went out without the region (unchanged since v5) before the answer at v6
    # was told: the page refused the answer if the batch came first, or shows it if not.
    # What is due is sent again, at a version the page takes either way.
    screen = Screen().shows("fac-floor", "open", 5).shows("fac-agenda", "5", 5)
    sent = await screen.sent_after(
        ("offer", "fac-agenda", "7", 7),
        ("offer", "fac-floor", "open", 7),
        PUMP,
        ("answered", "fac-floor", "closed", 6),
    )
    assert sent == ['clock v7<p data-version="7">7</p>', 'clock v7<p data-version="7">open</p>']


async def test_what_an_answer_showed_is_not_sent_again() -> None:
    # A phone saves its summary: its answer shows the form with it. The room's version
    # moves on, the form's content does not: typing in it again is not clobbered.
    screen = Screen().shows("p-my-turn", "the form", 5).shows("p-topic", "3 waiting", 5)
    sent = await screen.sent_after(
        ("answered", "p-my-turn", "the form, saved", 6),
        ("offer", "p-my-turn", "the form, saved", 6),
        ("offer", "p-topic", "3 waiting", 6),
        ("offer", "p-my-turn", "the form, saved", 7),
        ("offer", "p-topic", "4 waiting", 7),
    )
    assert sent == ['clock v7<p data-version="7">4 waiting</p>']


async def test_an_answer_drops_an_older_state_still_waiting_to_be_sent() -> None:
    screen = Screen().shows("p-my-turn", "the form", 5)
    sent = await screen.sent_after(
        ("offer", "p-my-turn", "someone else's change", 6),
        ("answered", "p-my-turn", "number 1", 7),  # the page refuses v6 once it has v7
    )
    assert sent == []
    assert screen.connection.backlog == 0


async def test_an_answer_older_than_what_was_sent_since_changes_nothing() -> None:
    screen = Screen().shows("p-my-turn", "number 1", 8)
    sent = await screen.sent_after(
        ("answered", "p-my-turn", "the form", 6),  # v8 on its way replaces it on the page
        ("offer", "p-my-turn", "number 1", 9),
    )
    assert sent == []


async def test_answers_before_the_first_batch_are_left_to_the_snapshot() -> None:
    socket = SlowSocket()
    socket.go.set()
    connection = Connection(socket, 1, "participant", "en", screen="b" * 32)  # type: ignore[arg-type]
    connection.offer("p-my-turn", 5, region("the form", 5))
    connection.answered("p-my-turn", 6, region("number 1", 6))  # a page of an older socket
    connection.offer("p-my-turn", 6, region("number 1", 6))
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(connection.pump, clock)
        await anyio.sleep(0.02)
        tasks.cancel_scope.cancel()
    assert socket.sent == ['clock v6<p data-version="6">number 1</p>']


@pytest.mark.parametrize(
    ("value", "screen"),
    [
        ("0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"),
        ("0123456789ABCDEF0123456789ABCDEF", None),
        ("0123456789abcdef0123456789abcde", None),
        ("0123456789abcdef0123456789abcdef0", None),
        ("0123456789abcdef0123456789abcdeg", None),
        ("0123456789abcdef0123456789abcdef\n", None),
        ("", None),
        (None, None),
    ],
)
def test_a_screen_id_is_32_lowercase_hex_digits_or_none(
    value: str | None, screen: str | None
) -> None:
    assert screen_id(value) == screen


def test_every_page_gets_a_screen_id_of_its_own() -> None:
    ids = {new_screen_id() for _ in range(100)}
    assert len(ids) == 100 and all(screen_id(i) == i for i in ids)

"""A whole topic in the room: one console, three phones in three languages, two projectors.

Every step is driven from the screen a person would use, and every other screen must follow
it live: no screen is reloaded, none logs a browser error, and each passes axe-core in every
state it reaches (the violations of all screens and states are reported together at the end).
Screenshots of each screen in each state go to var/screenshots/whole-room/.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Locator, Page, expect

from tests.browser.screens import (
    PROJECTOR_FULL_HD,
    PROJECTOR_HD,
    AccessibilityAudit,
    Devices,
    Participant,
    countdown_seconds,
    not_reloaded,
    screenshot,
    topic_titles,
    words,
)

SUMMARY = "Propuse planes de vivienda con las comunidades de acogida."
PAUSED_FOR_MS = 1_500
# The console reads English; the projector the agenda's own Spanish, as the console left it.
CONSOLE_LANGUAGE = "en"
PROJECTOR_LANGUAGE = "es"


@dataclass
class Phone:
    page: Page
    participant: Participant
    language: str

    @property
    def my_turn(self) -> Locator:
        return self.page.locator("#p-my-turn")

    @property
    def topic(self) -> Locator:
        return self.page.locator("#p-topic")

    def says(self, message_id: str, **params: object) -> str:
        return words(self.language, message_id, **params)

    def press(self, message_id: str) -> None:
        self.page.get_by_role("button", name=self.says(message_id)).click()

    def expect_place(self, place: int, *, next_up: bool = False) -> None:
        """``next_up``: first, with nobody speaking (or the speaker about to finish)."""
        expect(self.my_turn).to_contain_text(
            self.says("You are next")
            if next_up
            else self.says("You are number {place} on the list", place=place)
        )


@dataclass
class Room:
    console: Page
    projectors: list[Page]
    phones: list[Phone]
    audit: AccessibilityAudit

    @property
    def projector(self) -> Page:
        """The projector at 1280x720, the smaller of the two."""
        return self.projectors[0]

    def screens(self) -> dict[str, Page]:
        named = {"console": self.console}
        for projector in self.projectors:
            size = projector.viewport_size or {"width": 0, "height": 0}
            named[f"projector-{size['height']}p"] = projector
        named.update({f"phone-{p.language}": p.page for p in self.phones})
        return named

    def record(self, state: str) -> None:
        """Every screen: not reloaded, checked by axe-core, photographed as ``state``."""
        for name, page in self.screens().items():
            assert not_reloaded(page), f"{name} reloaded before {state!r}"
            check(self.audit, page, name, state)

    def console_press(self, name: str) -> None:
        """Press the console's button named ``name``, and agree if the console asks first (a
        move of the agenda that ends a turn or leaves requests waiting)."""
        with self.console.expect_response(lambda answer: answer.request.method == "POST"):
            self.console.get_by_role("button", name=name).click()
        question = self.console.locator("#fac-confirm dialog")
        self.console.wait_for_load_state("networkidle")
        if question.count():
            question.locator("button.primary").click()
            expect(question).to_have_count(0)


def check(audit: AccessibilityAudit, page: Page, name: str, state: str) -> None:
    """``page`` checked by axe-core and photographed as screen ``name`` in ``state``."""
    audit.check(page, f"{name}/{state}")
    screenshot(page, f"whole-room/{name}-{state}", full_page=name.startswith("phone"))


PARTICIPANTS = [
    (Participant("Ana Gómez", "Municipio de Quito", "Ecuador", "local_authority"), "es"),
    (Participant("Bruno Santos", "Cáritas Brasileira", "Brasil", "civil_society"), "pt"),
    (
        Participant(
            "Claire Dubois", "Organisation de Haïti", "Haïti", "international_organisation"
        ),
        "fr",
    ),
]


def open_room(devices: Devices) -> Room:
    audit = AccessibilityAudit()
    console = devices.facilitator(
        before_sending=lambda page: check(audit, page, "console", "sign-in")
    )
    # A destructive step may ask first in a dialog of the browser's own: the facilitator agrees.
    console.on("dialog", lambda dialog: dialog.accept())
    projectors = [devices.projector(viewport=size) for size in (PROJECTOR_HD, PROJECTOR_FULL_HD)]
    phones = [
        Phone(
            devices.phone(
                participant,
                language=language,
                before_sending=lambda page, language=language: check(
                    audit, page, f"phone-{language}", "join-form"
                ),
            ),
            participant,
            language,
        )
        for participant, language in PARTICIPANTS
    ]
    return Room(console, projectors, phones, audit)


def expect_topic_everywhere(room: Room, index: int) -> None:
    expect(room.console.locator("#fac-floor")).to_contain_text(
        topic_titles(CONSOLE_LANGUAGE)[index]
    )
    for projector in room.projectors:
        expect(projector.locator("#projector-stage")).to_contain_text(
            topic_titles(PROJECTOR_LANGUAGE)[index]
        )
    for phone in room.phones:
        expect(phone.topic).to_contain_text(topic_titles(phone.language)[index])


def expect_countdown(room: Room, *, running: bool) -> None:
    value = "true" if running else "false"
    regions = [
        room.console.locator("#fac-floor"),
        *(projector.locator("#projector-speaker") for projector in room.projectors),
        *(phone.topic for phone in room.phones),
    ]
    for region in regions:
        expect(region.locator("[data-countdown]").first).to_have_attribute("data-running", value)


def test_a_topic_from_first_request_to_next_topic_on_every_screen(devices: Devices) -> None:
    room = open_room(devices)
    ana, bruno, claire = room.phones

    for phone in room.phones:
        expect(phone.topic).to_contain_text(
            phone.says("No topic is open yet. This page updates by itself.")
        )
    room.record("no-topic")

    room.console_press("Next topic")
    expect_topic_everywhere(room, 0)
    for phone in room.phones:
        expect(
            phone.page.get_by_role("button", name=phone.says("Request the floor"))
        ).to_be_visible()
    room.record("topic-open")

    for phone in room.phones:  # one after the other: the list is in the order they arrive
        phone.press("Request the floor")
        expect(
            phone.page.get_by_role("button", name=phone.says("Withdraw my request"))
        ).to_be_visible()
    for place, phone in enumerate(room.phones, start=1):
        phone.expect_place(place, next_up=place == 1)
        expect(room.console.locator("#fac-floor")).to_contain_text(phone.participant.name)
        for projector in room.projectors:
            expect(projector.locator("#projector-next")).to_contain_text(phone.participant.name)
    room.record("three-waiting")

    bruno.press("Withdraw my request")
    expect(bruno.page.get_by_role("button", name=bruno.says("Request the floor"))).to_be_visible()
    claire.expect_place(2)
    expect(room.console.locator("#fac-floor")).not_to_contain_text(bruno.participant.name)
    expect(room.projector.locator("#projector-next")).not_to_contain_text(bruno.participant.name)
    room.record("withdrawn")

    room.console_press("Call next speaker")
    expect(ana.my_turn).to_contain_text(ana.says("You have the floor"))
    expect(room.projector.locator("#projector-speaker")).to_contain_text(ana.participant.name)
    claire.expect_place(1)
    for phone in (bruno, claire):
        expect(phone.topic).to_contain_text(ana.participant.name)
    expect_countdown(room, running=True)
    room.record("speaking")

    room.console_press("Pause")
    expect_countdown(room, running=False)
    speaker = room.projector.locator("#projector-speaker")
    paused_at = countdown_seconds(speaker)
    room.projector.wait_for_timeout(PAUSED_FOR_MS)
    assert countdown_seconds(speaker) == paused_at, "a paused countdown kept counting"
    room.record("paused")

    room.console_press("+30 s")
    for page in (room.projector, room.console, claire.page):
        expect(page.locator("[data-countdown]").first).to_contain_text(
            f"{(paused_at + 30) // 60}:{(paused_at + 30) % 60:02d}"
        )
    room.record("thirty-seconds-more")

    room.console_press("Resume")
    expect_countdown(room, running=True)
    room.record("resumed")

    room.console_press("Finished")
    expect(ana.my_turn).to_contain_text(ana.says("Thank you for your intervention"))
    expect(speaker).to_contain_text(words(PROJECTOR_LANGUAGE, "Waiting for the next speaker"))
    room.record("finished")

    ana.my_turn.locator("textarea").fill(SUMMARY)
    ana.press("Save my summary")
    expect(room.console.locator("#fac-floor")).to_contain_text(SUMMARY)
    expect(ana.my_turn.locator("textarea")).to_have_value(SUMMARY)
    room.record("summary-saved")

    room.console_press("Close the list")
    expect(room.console.locator("#fac-floor")).to_contain_text(
        words(CONSOLE_LANGUAGE, "List closed")
    )
    expect(room.projector.locator("#projector-next")).to_contain_text(
        words(PROJECTOR_LANGUAGE, "List of speakers closed")
    )
    expect(room.projector.locator("#projector-join")).not_to_contain_text(
        words(PROJECTOR_LANGUAGE, "Ask for the floor from your phone")
    )
    expect(bruno.my_turn).to_contain_text(bruno.says("The list of speakers is closed."))
    claire.expect_place(1, next_up=True)
    room.record("list-closed")

    room.console_press("Next topic")
    expect_topic_everywhere(room, 1)
    expect(room.console.locator("#fac-floor")).not_to_contain_text(claire.participant.name)
    for projector in room.projectors:
        expect(projector.locator("#projector-next")).not_to_contain_text(claire.participant.name)
    room.record("next-topic")

    room.audit.assert_clean()

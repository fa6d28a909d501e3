"""No push takes from a person what they entered or where they are: on the phone and the console,
for every kind of change made by another screen, text, ticks, choices, open sections, the focus
and the caret survive the region being drawn anew."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlparse

from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.pushes import (
    console_context,
    focus_and_caret,
    join,
    open_first_topic,
    phone_context,
    pushed,
    sign_in,
    tick_question,
)
from tests.browser.screens import BrowserLog

if TYPE_CHECKING:
    from tests.browser.server import Server

DRAFT = "I proposed development plans drawn up with the host communities."
DRAFT_CARET = [3, 11]  # a selection, not only a caret: both ends must come back
SEGMENT_TIME = "2:30"
SPEAKER_NAME = "Carla Gómez"

# What a region's form controls hold, as the person left them.
READ_CONTROLS = """region => {
    const controls = {};
    region.querySelectorAll('input, textarea, select').forEach(control => {
        if (control.type === 'hidden') return;
        const form = control.form ? control.form.getAttribute('action') : '';
        const key = form + ' ' + (control.name || control.getAttribute('aria-label'));
        if (control.type === 'checkbox' || control.type === 'radio') {
            if (control.checked) (controls[key] = controls[key] || []).push(control.value);
        } else {
            controls[key] = control.value;
        }
    });
    region.querySelectorAll('details').forEach((details, index) => {
        controls['details ' + (details.id || index)] = details.open;
    });
    return controls;
}"""


def controls(page: Page, region_id: str) -> dict[str, object]:
    result: dict[str, object] = page.locator(f"#{region_id}").evaluate(READ_CONTROLS)
    return result


def request_form(phone: Page) -> str:
    """The selector of the phone's floor-request form (first or again)."""
    assert phone.locator("#p-my-turn form:has(input[name=kind])").count() == 1
    return "#p-my-turn form:has(input[name=kind])"


def choose(phone: Page, kind: str, question: int) -> None:
    """Choose a kind of turn and tick one guiding question, with the finger."""
    form = request_form(phone)
    phone.locator(f"{form} input[name=kind][value={kind}]").tap()
    tick_question(phone, question, within=form)


def test_a_phone_keeps_its_draft_ticks_choices_focus_and_caret_through_every_push(
    server: Server, browser: Browser, contexts: list[BrowserContext]
) -> None:
    contexts += [console_context(browser), phone_context(browser), phone_context(browser)]
    console = sign_in(contexts[0], server)
    open_first_topic(console)
    ana = join(contexts[1], server, "Ana")
    bruno = join(contexts[2], server, "Bruno")

    # Ana speaks, finishes, and starts writing her summary; she has also begun a new request.
    tick_question(ana, 0)
    ana.get_by_role("button", name="Request the floor").tap()
    expect(ana.locator("#p-my-turn")).to_contain_text("You are next")
    console.get_by_role("button", name="Call next speaker").click()
    expect(ana.locator("#p-my-turn")).to_contain_text("You have the floor")
    console.get_by_role("button", name="Finished").click()
    expect(ana.locator("#p-my-turn")).to_contain_text("Thank you for your intervention")
    ana.locator("#p-original summary").tap()  # the original of the translated topic
    choose(ana, "intervention", 1)
    draft = ana.locator("#p-my-turn textarea[name=summary]")
    draft.tap()
    draft.press_sequentially(DRAFT)
    draft.evaluate("(box, [start, end]) => box.setSelectionRange(start, end)", DRAFT_CARET)
    # Bruno has not asked yet: he chooses a point of order on the second question.
    choose(bruno, "point_of_order", 1)

    ana_entered = {
        "p-topic": controls(ana, "p-topic"),
        "p-my-turn": controls(ana, "p-my-turn"),
        "focus": focus_and_caret(ana),
    }
    bruno_entered = controls(bruno, "p-my-turn")
    assert ana_entered["focus"] == {
        "region": "p-my-turn",
        "tag": "textarea",
        "name": "summary",
        "value": DRAFT,
        "caret": DRAFT_CARET,
    }
    assert ana_entered["p-topic"] == {"details p-original": True, "details p-context": False}

    def ana_kept(*, list_open: bool) -> None:
        # The request form is gone while the list is closed; the draft stays all the same.
        expected = (
            ana_entered["p-my-turn"]
            if list_open
            else without_request_form(ana_entered["p-my-turn"])
        )
        assert controls(ana, "p-my-turn") == expected
        assert controls(ana, "p-topic") == ana_entered["p-topic"]
        assert focus_and_caret(ana) == ana_entered["focus"]

    # The named case: the facilitator closes the list while Ana writes.
    pushed(ana, "p-my-turn", lambda: console.get_by_role("button", name="Close the list").click())
    ana_kept(list_open=False)
    expect(bruno.locator("#p-my-turn")).to_contain_text("The list of speakers is closed.")

    pushed(ana, "p-my-turn", lambda: console.get_by_role("button", name="Reopen the list").click())
    ana_kept(list_open=True)
    expect(bruno.locator(request_form(bruno))).to_be_visible()
    assert controls(bruno, "p-my-turn") == bruno_entered, "Bruno's choices did not come back"

    # Another phone asks: the waiting count on Ana's topic changes.
    pushed(ana, "p-topic", lambda: bruno.get_by_role("button", name="Request the floor").tap())
    ana_kept(list_open=True)
    expect(bruno.locator("#p-my-turn")).to_contain_text("You are next")
    expect(bruno.locator("#p-my-turn")).to_contain_text("Point of order")
    expect(bruno.locator("#p-my-turn")).to_contain_text("Question 2")

    pushed(ana, "p-topic", lambda: console.get_by_role("button", name="Call next speaker").click())
    ana_kept(list_open=True)
    pushed(ana, "p-topic", lambda: console.get_by_role("button", name="Pause").click())
    ana_kept(list_open=True)
    pushed(ana, "p-topic", lambda: console.get_by_role("button", name="Resume").click())
    ana_kept(list_open=True)


def shut_sections_left_out(regions: dict[str, dict[str, object]]) -> dict[str, object]:
    """The controls of each region but its shut <details>, which the server may draw or not."""
    return {
        region: {k: v for k, v in values.items() if not (k.startswith("details ") and v is False)}
        for region, values in regions.items()
    }


def without_request_form(entered: object) -> dict[str, object]:
    assert isinstance(entered, dict)
    request_form = ("/floor kind", "/floor question_ids", "details p-questions-again")
    return {k: v for k, v in entered.items() if not k.endswith(request_form)}


def test_a_console_keeps_its_forms_open_sections_focus_and_caret_through_every_push(
    server: Server, browser: Browser, contexts: list[BrowserContext], browser_log: BrowserLog
) -> None:
    # Adding a speaker with no topic open is refused (409), which Chromium logs: on purpose.
    browser_log.allow(r"status of 409 \(Conflict\)$")
    contexts += [console_context(browser), console_context(browser), phone_context(browser)]
    console = sign_in(contexts[0], server)
    other = sign_in(contexts[1], server)  # a co-facilitator on another laptop
    open_first_topic(other)
    expect(console.locator("#fac-floor")).to_contain_text("Nobody is waiting.")
    ana = join(contexts[2], server, "Ana")

    console.locator("#fac-links-admin summary").click()
    console.get_by_label("Also sign out every phone that joined").check()
    console.get_by_label("Name", exact=True).fill(SPEAKER_NAME)
    console.locator("#fac-add-speaker select[name=actor_type_id]").select_option(index=2)
    console.locator("#fac-add-speaker select[name=kind]").select_option("reply")
    segment_time = console.get_by_label("Speaking time in this segment").nth(1)
    segment_time.click()
    segment_time.press_sequentially(SEGMENT_TIME)
    segment_time.evaluate("box => box.setSelectionRange(1, 1)")

    regions = ("fac-links", "fac-agenda", "fac-floor", "fac-add-speaker")
    entered = {region: controls(console, region) for region in regions}
    focus = focus_and_caret(console)
    assert focus == {
        "region": "fac-agenda",
        "tag": "input",
        "name": "speaking_time",
        "value": SEGMENT_TIME,
        "caret": [1, 1],
    }

    # What the person did not touch shows the server's state, changed by the other console.
    base = urlparse(server.facilitator_url).path  # the forms' actions start with it
    # The segment's order rule, untouched, is there only while a segment is open.
    server_state = {
        f"{base}/speaking-time speaking_time": "3:00",
        f"{base}/floor/order-rule rule": "arrival",
    }

    def kept(*, focused: bool = True) -> None:
        now = {region: controls(console, region) for region in regions}
        for values in now.values():
            for key, value in server_state.items():
                if key in values:
                    assert values.pop(key) == value, key
        expected = {
            region: {k: v for k, v in values.items() if k not in server_state}
            for region, values in entered.items()
        }
        assert shut_sections_left_out(now) == shut_sections_left_out(expected)
        if focused:
            assert focus_and_caret(console) == focus

    changes = [
        ("fac-floor", lambda: ana.get_by_role("button", name="Request the floor").tap()),
        ("fac-floor", lambda: other.get_by_role("button", name="Close the list").click()),
        ("fac-floor", lambda: other.get_by_role("button", name="Reopen the list").click()),
        ("fac-floor", lambda: other.get_by_role("button", name="Call next speaker").click()),
        ("fac-floor", lambda: other.get_by_role("button", name="Pause").click()),
        ("fac-floor", lambda: other.get_by_role("button", name="Resume").click()),
    ]
    for region, change in changes:
        pushed(console, region, change)
        kept()

    def set_event_time() -> None:
        other.get_by_label("Speaking time", exact=True).fill("4:00")
        other.get_by_role("button", name="Set", exact=True).click()

    pushed(console, "fac-agenda", set_event_time)
    server_state[f"{base}/speaking-time speaking_time"] = "4:00"
    kept()

    def projector_language() -> None:
        other.locator("#fac-links-admin summary").click()
        other.get_by_label("Projector language").select_option("en")
        other.get_by_role("button", name="Show on the projectors").click()

    pushed(console, "fac-links", projector_language)
    server_state[f"{base}/projector-languages language"] = "en"
    kept()

    pushed(console, "fac-floor", lambda: other.get_by_role("button", name="Finished").click())
    kept()
    pushed(console, "fac-agenda", lambda: other.get_by_role("button", name="Next topic").click())
    kept()

    # A request the server refuses keeps what was sent, ready to send again.
    pushed(console, "fac-floor", lambda: other.get_by_role("button", name="Close topic").click())
    kept()
    console.get_by_role("button", name="Add to the list").click()
    expect(console.locator("#flash.flash-error")).to_be_visible()
    kept(focused=False)  # the person moved on to the button
    pushed(console, "fac-agenda", lambda: other.get_by_role("button", name="Next topic").click())
    kept(focused=False)

    # Once the person sends the form, the server's state wins: it comes back empty.
    console.get_by_role("button", name="Add to the list").click()
    expect(console.locator("#fac-floor")).to_contain_text(SPEAKER_NAME)
    expect(console.get_by_label("Name", exact=True)).to_have_value("")

"""Consent and the public summary in a real browser: a phone says yes to its name from its
page, the facilitator publishes, and a reader without any cookie sees the name."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.screens import PHONE_VIEWPORT, Devices, assert_accessible
from tests.browser.test_room_in_chromium import SPEAKER, open_next_topic, request_the_floor


def test_a_phone_agrees_to_its_name_and_the_published_summary_shows_it(
    devices: Devices,
) -> None:
    console = devices.facilitator()
    open_next_topic(console)
    phone = devices.phone(SPEAKER)
    consent = phone.locator("#p-name-consent")
    expect(consent.get_by_role("checkbox")).not_to_be_checked()
    consent.get_by_role("checkbox").check()
    consent.get_by_role("button", name="Save my choice").click()
    expect(phone.locator("#flash")).to_contain_text("Your choice is saved.")
    expect(phone.locator("#p-name-consent").get_by_role("checkbox")).to_be_checked()
    assert_accessible(phone, where="phone, consent saved")
    request_the_floor(phone)
    console.get_by_role("button", name="Call next speaker").click()
    console.get_by_role("button", name="Finished").click()
    expect(phone.locator("#p-my-turn")).to_contain_text("Thank you for your intervention")

    console.goto(f"{devices.server.facilitator_url}/record")
    assert_accessible(console, where="record, summary not published")
    console.get_by_role("button", name="Publish the public summary").click()
    expect(console.get_by_role("button", name="Withdraw the public summary")).to_be_visible()

    reader = devices.context("reader", viewport=PHONE_VIEWPORT, mobile=True).new_page()
    reader.goto(devices.server.facilitator_url.replace("/f/", "/e/") + "/summary")
    expect(reader.locator(".record-turns li").first).to_contain_text(SPEAKER.name)
    assert_accessible(reader, where="public summary")

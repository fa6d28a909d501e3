"""The outcome report's page and PDF, as a facilitator asks for them."""

from __future__ import annotations

import sys

import pytest
from fastapi.testclient import TestClient

from tests.http.helpers import facilitator, join
from tests.http.test_pseudo_locale import Screens, pseudo  # noqa: F401 (a fixture)
from tests.http.test_record_exports import a_morning

REPORT_ADDRESSES = ("report", "report?segment=1", "report.pdf", "report.pdf?segment=2")


def test_the_report_needs_a_signed_in_facilitator(client: TestClient) -> None:
    day = a_morning(client)
    for address in REPORT_ADDRESSES:
        response = client.get(f"/f/{day.event.slug}/{address}", follow_redirects=False)
        assert response.status_code == 303, address
        assert response.headers["location"].startswith("/login?next=")
    join(client, day.event, name="Zoe")
    for address in REPORT_ADDRESSES:
        answer = client.get(f"/f/{day.event.slug}/{address}")
        assert answer.url.path == "/login" and "Ana" not in answer.text, address


def test_the_record_page_links_to_the_report_and_the_report_to_each_segment(
    client: TestClient,
) -> None:
    day = a_morning(client)
    facilitator(client, day.event)
    base = f"/f/{day.event.slug}"
    assert f'href="{base}/report"' in client.get(f"{base}/record").text
    page = client.get(f"{base}/report", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Propuse un plan de salud." in page.text and "Carla" in page.text
    for link in (f"{base}/report?segment=1", f"{base}/report?segment=2", f"{base}/report.pdf"):
        assert f'href="{link}"' in page.text
    segment = client.get(f"{base}/report?segment=2", headers={"Accept-Language": "en"})
    assert "Carla" not in segment.text and f'href="{base}/report.pdf?segment=2"' in segment.text


@pytest.mark.parametrize("address", ["report?segment=9", "report.pdf?segment=9"])
def test_an_unknown_segment_is_not_found(client: TestClient, address: str) -> None:
    day = a_morning(client)
    facilitator(client, day.event)
    response = client.get(f"/f/{day.event.slug}/{address}", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "This event has no segment 9." in response.text


@pytest.mark.parametrize("segment", ["x", "0", "-1", "99999999999"])
def test_a_segment_that_is_no_number_is_refused_clearly(client: TestClient, segment: str) -> None:
    day = a_morning(client)
    facilitator(client, day.event)
    response = client.get(f"/f/{day.event.slug}/report?segment={segment}")
    assert response.status_code == 422 and "not valid" in response.text


def test_the_pdf_is_a_download_named_after_the_event_and_segment(client: TestClient) -> None:
    day = a_morning(client)
    facilitator(client, day.event)
    whole = client.get(f"/f/{day.event.slug}/report.pdf")
    assert whole.status_code == 200
    assert whole.headers["content-type"] == "application/pdf"
    assert whole.headers["content-disposition"] == (
        'attachment; filename="test-consultation-report.pdf"'
    )
    assert whole.content.startswith(b"%PDF-")
    one = client.get(f"/f/{day.event.slug}/report.pdf?segment=1")
    assert one.headers["content-disposition"] == (
        'attachment; filename="test-consultation-report-segment-1.pdf"'
    )


def test_the_report_is_translated_in_every_part(client: TestClient, pseudo: None) -> None:  # noqa: F811
    screens = Screens(client)
    day = a_morning(client)
    facilitator(client, day.event)
    screens.get("report of the whole event", client, f"/f/{day.event.slug}/report")
    screens.get("report of a segment", client, f"/f/{day.event.slug}/report?segment=1")
    screens.get("report, no segment 9", client, f"/f/{day.event.slug}/report?segment=9")
    assert screens.escaped == {}, screens.report()


def test_without_the_pdf_packages_the_pdf_is_refused_clearly(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = a_morning(client)
    facilitator(client, day.event)
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as when Pango is missing
    response = client.get(f"/f/{day.event.slug}/report.pdf", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert "make system-packages" in response.text

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.http.helpers import open_first_topic, projector_key, seeded_event


def test_the_projector_needs_its_key(client: TestClient) -> None:
    event = seeded_event(client)
    assert client.get(f"/projector/{event.slug}").status_code == 403
    assert client.get(f"/projector/{event.slug}", params={"key": "nope"}).status_code == 403


def test_the_projector_shows_the_topic_its_questions_and_how_to_join(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    page = client.get(f"/projector/{event.slug}", params={"key": projector_key(event)})
    assert page.status_code == 200
    assert "Salud" in page.text
    assert "¿Cómo asegurar el acceso?" in page.text and "¿Qué barreras?" in page.text
    assert event.join_code in page.text
    assert "<svg" in page.text  # the QR code
    assert f'ws-connect="/ws/projector/{event.slug}?key=' in page.text


def test_health(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"


def test_unknown_pages_are_a_friendly_404(client: TestClient) -> None:
    response = client.get("/nothing/here")
    assert response.status_code == 404
    assert "There is nothing at this address." in response.text

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.http.helpers import HTMX, another_phone, join, open_first_topic, seeded_event


def test_join_link_shows_the_event_and_its_actor_types(client: TestClient) -> None:
    event = seeded_event(client)
    page = client.get(f"/j/{event.join_code}")
    assert page.status_code == 200
    assert "Test consultation" in page.text
    assert "Academia" in page.text


def test_joining_remembers_the_phone_so_a_reload_does_not_ask_again(client: TestClient) -> None:
    event = seeded_event(client)
    join(client, event, name="María Pérez")
    page = client.get(f"/e/{event.slug}")
    assert page.status_code == 200
    assert "María Pérez" in page.text


def test_a_code_is_accepted_however_it_is_typed(client: TestClient) -> None:
    event = seeded_event(client)
    code = event.join_code.lower()
    typed = f" {code[:4]}-{code[4:]} "
    response = client.post("/join", data={"code": typed, "name": "Ana"}, follow_redirects=False)
    assert response.status_code == 303


def test_a_wrong_code_gets_a_clear_message(client: TestClient) -> None:
    seeded_event(client)
    response = client.post("/join", data={"code": "NOPE", "name": "Ana"})
    assert response.status_code == 404
    assert "No event has that code" in response.text


def test_an_empty_or_overlong_name_is_refused_and_the_form_is_kept(client: TestClient) -> None:
    event = seeded_event(client)
    empty = client.post("/join", data={"code": event.join_code, "name": "   ", "country": "Perú"})
    assert empty.status_code == 422
    assert "Name is required." in empty.text
    assert 'value="Perú"' in empty.text
    long = client.post("/join", data={"code": event.join_code, "name": "x" * 121})
    assert long.status_code == 422
    assert "Name has at most 120 characters." in long.text


def test_an_actor_type_of_another_kind_is_refused(client: TestClient) -> None:
    event = seeded_event(client)
    join = {"code": event.join_code, "name": "Ana"}
    unknown = client.post("/join", data={**join, "actor_type_id": "99999"})
    assert unknown.status_code == 404
    assert "Choose one of the listed kinds" in unknown.text and 'value="Ana"' in unknown.text
    for malformed in ("²", "1e3", "99999999999999999999"):
        response = client.post("/join", data={**join, "actor_type_id": malformed})
        assert response.status_code == 422, malformed
        assert "not valid" in response.text


def test_the_page_without_joining_sends_to_the_join_form(client: TestClient) -> None:
    event = seeded_event(client)
    response = client.get(f"/e/{event.slug}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/join"


def test_request_the_floor_and_see_the_place(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    join(client, event)
    question = event.segments[0].topics[0].questions[1]
    response = client.post(
        f"/e/{event.slug}/floor",
        data={"kind": "good_practice", "question_ids": [str(question.id)]},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "You are next" in response.text
    assert 'id="p-my-turn"' in response.text and 'hx-swap-oob="true"' in response.text


def test_second_tap_does_not_queue_twice(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    join(client, event)
    for _ in range(3):
        client.post(f"/e/{event.slug}/floor", data={"kind": "intervention"}, headers=HTMX)
    other = join(another_phone(client), event, name="Bruno")
    response = other.post(f"/e/{event.slug}/floor", data={"kind": "reply"}, headers=HTMX)
    assert "You are number 2 on the list" in response.text


def test_request_without_an_open_topic_gets_a_clear_message(client: TestClient) -> None:
    event = seeded_event(client)
    join(client, event)
    response = client.post(f"/e/{event.slug}/floor", data={"kind": "reply"}, headers=HTMX)
    assert response.status_code == 409
    assert "No topic is open right now." in response.text
    assert 'id="flash"' in response.text


def test_an_unknown_kind_of_turn_is_a_clear_422(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    join(client, event)
    response = client.post(f"/e/{event.slug}/floor", data={"kind": "filibuster"}, headers=HTMX)
    assert response.status_code == 422
    assert "not valid" in response.text


def test_without_joining_no_request_is_possible(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    response = client.post(f"/e/{event.slug}/floor", data={"kind": "reply"})
    assert response.status_code == 401
    assert "Join the event with its code first." in response.text


def test_a_forged_cookie_is_not_a_participant(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    client.cookies.set(f"palabra_participant_{event.id}", "1.forged")
    response = client.post(f"/e/{event.slug}/floor", data={"kind": "reply"})
    assert response.status_code == 401


def test_nobody_withdraws_someone_elses_request(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    join(client, event)
    client.post(f"/e/{event.slug}/floor", data={"kind": "intervention"}, headers=HTMX)
    intruder = join(another_phone(client), event, name="Intruso")
    own_id = 1
    response = intruder.post(f"/e/{event.slug}/floor/{own_id}/withdraw", headers=HTMX)
    assert response.status_code == 403
    mine = client.post(f"/e/{event.slug}/floor/{own_id}/withdraw", headers=HTMX)
    assert mine.status_code == 200
    assert "Request the floor" in mine.text


def test_unknown_ids_get_404_not_500(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    join(client, event)
    assert client.post(f"/e/{event.slug}/floor/424242/withdraw").status_code == 404
    for bad in ("-1", "abc", "99999999999999999999"):
        assert client.post(f"/e/{event.slug}/floor/{bad}/withdraw").status_code == 422
    assert client.post("/e/no-such-event/floor", data={"kind": "reply"}).status_code == 404


def test_a_plain_form_post_without_javascript_goes_back_to_the_page(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    join(client, event)
    response = client.post(
        f"/e/{event.slug}/floor", data={"kind": "intervention"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/e/{event.slug}"
    assert "You are next" in client.get(f"/e/{event.slug}").text


def test_user_text_is_escaped_on_the_phone(client: TestClient) -> None:
    event = seeded_event(client)
    join(client, event, name="<script>alert(1)</script>", organisation='<b hx-get="/x">')
    page = client.get(f"/e/{event.slug}").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<b hx-get="/x">' not in page

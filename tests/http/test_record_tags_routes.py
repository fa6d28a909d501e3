"""The rapporteur at work through HTTP: reads and tags the record, never drives the floor."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.csrf import SAFE_METHODS
from app.db import Database
from app.models import Event, Role
from app.routes.deps import facilitated_event, recorded_event
from app.services import agenda, audit, record, turns
from app.services.agenda_file import AgendaSpec
from app.services.record_export import COMMITMENT_COLUMNS, GOOD_PRACTICE_COLUMNS
from tests.factories import T0, agenda_data, make_account, make_participant, make_request, seen
from tests.http.helpers import app_routes, depends_on, fill, sign_in
from tests.http.test_record_exports import rows_of, words


def database_of(client: TestClient) -> Database:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    return database


def a_turn(client: TestClient) -> tuple[Event, int]:
    """An event with groups in focus, where Ana spoke and finished."""
    spec = {**agenda_data(), "focus_groups": [{"key": "children", "name": "Niñez"}]}
    with database_of(client).writing() as db:
        event = agenda.load(db=db, spec=AgendaSpec.model_validate(spec), now=T0)
        topic = event.segments[0].topics[0]
        agenda.open_topic(db=db, event=event, topic_id=topic.id, seen_topic=None)
        make_request(db, event, make_participant(db, event, "Ana"))
        turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"))
        turns.finish(db=db, event=event, **seen(db, event, "speaker"))
        [turn] = record.turns(db=db, event_id=event.id)
        # Read now, for what the test reads of them later.
        assert event.focus_groups[0].id and event.segments[0].topics[0].questions
        return event, turn.id


def as_role(client: TestClient, username: str, role: Role) -> TestClient:
    with database_of(client).writing() as db:
        make_account(db, username=username, name=username.title(), role=role)
    sign_in(client, username)
    return client


def routes_on(client: TestClient, dependency: object) -> list[tuple[str, str]]:
    return sorted(
        (method, path)
        for path, route in app_routes(client.app)
        if depends_on(route.dependant, dependency)  # type: ignore[arg-type]
        for method in route.methods
    )


def test_a_rapporteur_is_refused_every_control_of_the_floor_with_a_page_saying_why(
    client: TestClient,
) -> None:
    event, _ = a_turn(client)
    as_role(client, "rui", Role.RAPPORTEUR)
    floor_routes = routes_on(client, facilitated_event)
    changing = [(m, p) for m, p in floor_routes if m not in SAFE_METHODS]
    assert ("POST", "/f/{slug}/floor/next") in changing and len(changing) >= 15
    for method, path in floor_routes:
        response = client.request(method, fill(path, event), follow_redirects=False)
        assert response.status_code == 403, (method, path, response.status_code)
        if method == "GET" and path.endswith(("/f/{slug}", "/audit")):
            assert "only a facilitator runs the floor" in words(response.text)
    # Nothing moved: the open topic and its (empty) list are as they were.
    with database_of(client).reading() as db:
        entries = audit.entries(db=db, event_id=event.id)
    assert all(e.actor != "rui" for e in entries)


def test_a_rapporteurs_event_list_leads_to_the_record_and_the_record_reads(
    client: TestClient,
) -> None:
    event, turn_id = a_turn(client)
    as_role(client, "rui", Role.RAPPORTEUR)
    events_page = client.get("/f").text
    assert f'href="/f/{event.slug}/record"' in events_page
    assert "rapporteur" in events_page
    for method, path in routes_on(client, recorded_event):
        if method == "GET":
            assert client.get(fill(path, event)).status_code == 200, path
    page = client.get(f"/f/{event.slug}/record").text
    assert f'id="turn-{turn_id}"' in page
    assert f'href="/f/{event.slug}"' not in page  # no way onto the console


class Targets(HTMLParser):
    """The links (GET) and form actions (their method) a page offers, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "a" and (href := named.get("href")) and href.startswith("/"):
            self.found.append(("GET", href.split("#")[0]))
        if tag == "form" and (action := named.get("action")):
            self.found.append(((named.get("method") or "get").upper(), action))


def test_everything_the_record_s_pages_offer_a_rapporteur_is_hers_to_follow(
    client: TestClient,
) -> None:
    event, turn_id = a_turn(client)
    as_role(client, "rui", Role.RAPPORTEUR)
    base = f"/f/{event.slug}/record/turns/{turn_id}"
    client.post(f"{base}/commitments", data={"what": "Abrir cupos", "by_whom": "Chile"})
    targets = Targets()
    for screen in ("record", "participants", "report"):
        targets.feed(client.get(f"/f/{event.slug}/{screen}").text)
    assert ("GET", f"/f/{event.slug}/report") in targets.found
    assert any(path.endswith("/remove") for _, path in targets.found)
    for method, path in targets.found:
        answer = client.request(method, path, follow_redirects=False)
        assert answer.status_code != 403, (method, path)
    # Publishing the public summary is a facilitator's decision, refused to her at its address.
    assert "summary/publish" not in client.get(f"/f/{event.slug}/record").text
    assert client.post(f"/f/{event.slug}/summary/publish").status_code == 403


def test_a_facilitator_and_rapporteur_reaches_both(client: TestClient) -> None:
    event, _ = a_turn(client)
    as_role(client, "bea", Role.BOTH)
    assert client.get(f"/f/{event.slug}").status_code == 200
    assert client.get(f"/f/{event.slug}/record").status_code == 200
    assert f'href="/f/{event.slug}"' in client.get("/f").text


def test_tagging_from_the_record_page_without_javascript_and_the_exports_say_so(
    client: TestClient,
) -> None:
    event, turn_id = a_turn(client)
    as_role(client, "rui", Role.RAPPORTEUR)
    base = f"/f/{event.slug}/record/turns/{turn_id}"
    page = client.get(f"/f/{event.slug}/record").text
    for action in ("good-practices", "commitments", "focus-groups"):
        assert f'action="{base}/{action}"' in page
    answers = [
        client.post(
            f"{base}/good-practices",
            data={"title": "Operação Acolhida", "country": "Brasil", "description": "=1+1"},
            follow_redirects=False,
        ),
        client.post(
            f"{base}/commitments",
            data={"what": "Abrir 500 cupos", "by_whom": "Chile", "pledge": "GRF-01234"},
            follow_redirects=False,
        ),
        client.post(
            f"{base}/focus-groups",
            data={"focus_group": str(event.focus_groups[0].id)},
            follow_redirects=False,
        ),
        client.post(f"{base}/summary", data={"summary": "Ana propone."}, follow_redirects=False),
    ]
    for answer in answers:
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/f/{event.slug}/record#turn-{turn_id}"
    page = words(client.get(f"/f/{event.slug}/record").text)
    assert "Good practice: Operação Acolhida (Brasil)" in page
    assert "Commitment: Abrir 500 cupos · by Chile · GRF pledge GRF-01234" in page
    assert "Group in focus: Niñez" in page and "noted by rui" in page

    [row] = rows_of(client.get(f"/f/{event.slug}/record.csv").text)
    assert (row["good_practices"], row["commitments"], row["focus_groups"]) == (
        "Operação Acolhida",
        "Abrir 500 cupos",
        "children",
    )
    assert (row["record_summary"], row["record_summary_by"]) == ("Ana propone.", "rui")
    [turn] = client.get(f"/f/{event.slug}/record.json").json()["turns"]
    assert turn["focus_groups"] == [{"key": "children", "name": "Niñez"}]
    assert turn["commitments"][0]["pledge"] == "GRF-01234"
    assert turn["good_practices"][0]["tagged_by"] == "rui"

    practices = client.get(f"/f/{event.slug}/good-practices.csv")
    assert (
        'filename="test-consultation-good-practices.csv"'
        in (practices.headers["content-disposition"])
    )
    assert practices.text.splitlines()[0] == ",".join(GOOD_PRACTICE_COLUMNS)
    [practice] = rows_of(practices.text)
    assert (practice["turn"], practice["speaker"], practice["topic_title"]) == (
        str(turn_id),
        "Ana",
        "Salud",
    )
    assert practice["description"] == "'=1+1"  # a spreadsheet shows it, never runs it
    commitments = client.get(f"/f/{event.slug}/commitments.csv").text
    assert commitments.splitlines()[0] == ",".join(COMMITMENT_COLUMNS)
    [commitment] = rows_of(commitments)
    assert (commitment["what"], commitment["by_whom"], commitment["pledge"]) == (
        "Abrir 500 cupos",
        "Chile",
        "GRF-01234",
    )
    data = json.loads(client.get(f"/f/{event.slug}/commitments.json").text)
    assert (data["event"], [c["what"] for c in data["commitments"]]) == (
        "test-consultation",
        ["Abrir 500 cupos"],
    )
    practices_json = client.get(f"/f/{event.slug}/good-practices.json").json()
    assert practices_json["good_practices"][0]["country"] == "Brasil"

    with database_of(client).reading() as db:
        actions = [(e.actor, e.action) for e in audit.entries(db=db, event_id=event.id)][:4]
    assert actions == [
        ("rui", "record.summary"),
        ("rui", "record.tag"),
        ("rui", "record.tag"),
        ("rui", "record.tag"),
    ]


@pytest.mark.parametrize(
    ("form", "data", "says"),
    [
        (
            "commitments",
            {"what": "Abrir cupos", "by_whom": "Chile", "pledge": "<script>"},
            "A pledge reference is one line",
        ),
        ("commitments", {"what": "Abrir cupos", "by_whom": " "}, "By whom"),
        ("good-practices", {"title": "", "description": "Mi texto"}, "Title"),
    ],
)
def test_a_tag_that_cannot_be_taken_comes_back_as_typed_with_why(
    client: TestClient, form: str, data: dict[str, str], says: str
) -> None:
    event, turn_id = a_turn(client)
    as_role(client, "rui", Role.RAPPORTEUR)
    response = client.post(f"/f/{event.slug}/record/turns/{turn_id}/{form}", data=data)
    assert response.status_code == 422
    assert says in words(response.text)
    assert 'aria-invalid="true"' in response.text
    for value in data.values():
        if value.strip():
            assert (value.replace("<", "&lt;").replace(">", "&gt;")) in response.text
    assert '<details class="tag-forms" open>' in response.text
    with database_of(client).reading() as db:
        assert all(e.action != "record.tag" for e in audit.entries(db=db, event_id=event.id))


GOOD_PRACTICE = {"title": "Operação Acolhida", "country": "Brasil", "description": "Abrigo"}
COMMITMENT = {"what": "Abrir cupos", "by_whom": "Chile", "pledge": "GRF-01234"}


@pytest.mark.parametrize(
    ("form", "data", "field", "says"),
    [
        ("good-practices", GOOD_PRACTICE, "title", "Title has at most 200 characters"),
        ("good-practices", GOOD_PRACTICE, "country", "Country has at most 100 characters"),
        ("good-practices", GOOD_PRACTICE, "description", "at most 2000 characters"),
        ("commitments", COMMITMENT, "what", "Commitment has at most 2000 characters"),
        ("commitments", COMMITMENT, "by_whom", "By whom has at most 200 characters"),
        ("commitments", COMMITMENT, "pledge", "Pledge reference has at most 40 characters"),
        ("summary", {"summary": "Ana propone."}, "summary", "Summary has at most 2000 characters"),
    ],
)
def test_a_field_typed_far_past_any_bound_comes_back_in_its_form_with_its_limit(
    client: TestClient, form: str, data: dict[str, str], field: str, says: str
) -> None:
    event, turn_id = a_turn(client)
    as_role(client, "rui", Role.RAPPORTEUR)
    typed = "palabra " * 4000  # 32,000 characters, past what any field is read to
    response = client.post(
        f"/f/{event.slug}/record/turns/{turn_id}/{form}", data={**data, field: typed}
    )
    assert response.status_code == 422
    assert says in words(response.text)
    # What was typed is back in the field, up to the bound it is read to (a line's 1000).
    assert typed[:1000].strip() in response.text


def test_a_tag_comes_off_audited_and_a_second_removal_says_it_is_gone(
    client: TestClient,
) -> None:
    event, turn_id = a_turn(client)
    as_role(client, "rui", Role.RAPPORTEUR)
    base = f"/f/{event.slug}/record/turns/{turn_id}"
    client.post(f"{base}/commitments", data={"what": "Abrir cupos", "by_whom": "Chile"})
    page = client.get(f"/f/{event.slug}/record").text
    [tag_id] = [int(x) for x in re.findall(r'id="tag-(\d+)"', page)]
    removed = client.post(f"{base}/tags/{tag_id}/remove", follow_redirects=False)
    assert removed.status_code == 303
    assert f'id="tag-{tag_id}"' not in client.get(f"/f/{event.slug}/record").text
    again = client.post(f"{base}/tags/{tag_id}/remove", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"].endswith(f"#turn-{turn_id}")
    assert "That tag was already removed." in words(client.get(again.headers["location"]).text)
    with database_of(client).reading() as db:
        [entry] = [e for e in audit.entries(db=db, event_id=event.id) if e.action == "record.untag"]
    assert (
        entry.actor == "rui" and entry.before is not None and entry.before["what"] == "Abrir cupos"
    )


def test_the_record_says_nobody_waits_when_nobody_does(client: TestClient) -> None:
    event, _ = a_turn(client)
    as_role(client, "rui", Role.RAPPORTEUR)
    empty = words(client.get(f"/f/{event.slug}/record").text)
    assert "Nobody is waiting on the open topic." in empty
    assert "has spoken before" not in empty
    with database_of(client).writing() as db:
        [ana] = [r.participant for r in record.turns(db=db, event_id=event.id)]
        make_request(db, event, ana)
    again = words(client.get(f"/f/{event.slug}/record").text)
    assert "Everyone waiting on the open topic has spoken before." in again


def test_a_tag_names_a_turn_and_a_group_of_this_event(client: TestClient) -> None:
    event, turn_id = a_turn(client)
    as_role(client, "rui", Role.RAPPORTEUR)
    base = f"/f/{event.slug}/record/turns"
    missing = client.post(
        f"{base}/{turn_id + 1000}/commitments", data={"what": "x", "by_whom": "y"}
    )
    assert missing.status_code == 404
    wrong_group = client.post(f"{base}/{turn_id}/focus-groups", data={"focus_group": "999999"})
    assert wrong_group.status_code == 404
    not_a_number = client.post(f"{base}/{turn_id}/focus-groups", data={"focus_group": "x"})
    assert not_a_number.status_code == 422


def test_the_consoles_live_socket_is_a_facilitators(client: TestClient) -> None:
    event, _ = a_turn(client)
    as_role(client, "bea", Role.BOTH)
    with client.websocket_connect(f"/ws/facilitator/{event.slug}") as socket:
        assert "server-clock" in socket.receive_text()
    as_role(client, "rui", Role.RAPPORTEUR)
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        client.websocket_connect(f"/ws/facilitator/{event.slug}") as socket,
    ):
        socket.receive_text()
    assert closed.value.code == 1008

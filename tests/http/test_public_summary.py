"""The public summary: published or withdrawn by a facilitator (audited), read by anyone,
and showing a speaker's name only when they agreed to it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import AuditEntry, Event, Participant, TurnKind
from app.services import agenda, floor, participants, turns
from tests.factories import at, make_event, make_request, seen
from tests.http.helpers import another_phone, ensure_account, facilitator, sign_in
from tests.tokens import with_token


@dataclass(frozen=True)
class Speaker:
    name: str
    organisation: str
    actor_type: str | None
    consents: bool


# Every combination of consent, organisation and actor type (the agenda's names).
SPEAKERS = [
    Speaker("Beatriz Nascimento", "Gobierno de Brasil", "Estados", True),
    Speaker("Ximena Quispe", "Gobierno del Perú", "Estados", False),
    Speaker("Olu Adebayo", "Universidad de Lagos", "Academia", False),
    Speaker("Karim Haddad", "", "Academia", False),
    Speaker("Sofía Herrera", "Red de Mujeres", None, False),
    Speaker("Tomás Rivas", "", None, False),
    Speaker("Lucía Méndez", "", None, True),
]
# Who is shown, for those who did not agree to their name (the English interface).
SHOWN_AS = {
    "Ximena Quispe": "A participant from Gobierno del Perú (Estados)",
    "Olu Adebayo": "A participant from Universidad de Lagos (Academia)",
    "Karim Haddad": "A participant (Academia)",
    "Sofía Herrera": "A participant from Red de Mujeres",
    "Tomás Rivas": "A participant",
}


def a_run_event(client: TestClient) -> Event:
    """Every speaker asks for the floor on the first topic, speaks and writes a summary; one
    more is added from the room, who was never asked and so is not named."""
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.writing() as db:
        event = make_event(db)
        kinds = {k.name: k.id for k in event.actor_types}
        health = event.segments[0].topics[0]
        agenda.open_topic(db=db, event=event, topic_id=health.id, seen_topic=None, now=at(0))
        for n, speaker in enumerate(SPEAKERS):
            person = participants.join(
                db=db,
                event=event,
                name=speaker.name,
                organisation=speaker.organisation,
                actor_type_id=kinds[speaker.actor_type] if speaker.actor_type else None,
                country="Ruritania",
                publish_name=speaker.consents,
                now=at(n),
            )
            speaks(db, event, person, summary=f"Resumen de {speaker.name}.")
        from_the_room_speaks(db, event, "Carla Desde la Sala", country="Syldavia")
        return event


def speaks(db: Session, event: Event, person: Participant, *, summary: str) -> None:
    """``person`` asks for the floor on the open topic's first question, is given it, ends
    and writes ``summary``."""
    question = event.segments[0].topics[0].questions[0].id
    request = make_request(db, event, person, question_ids=[question])
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"))
    turns.finish(db=db, event=event, **seen(db, event, "speaker"))
    floor.save_summary(
        db=db, event=event, participant=person, request_id=request.id, summary=summary
    )


def from_the_room_speaks(db: Session, event: Event, name: str, *, country: str) -> None:
    """A facilitator adds ``name`` (of the Municipio, no actor type) from the room and gives
    them the floor; they end without a summary."""
    floor.add_from_room(
        db=db,
        event=event,
        name=name,
        organisation="Municipio",
        actor_type_id=None,
        country=country,
        kind=TurnKind.REPLY,
    )
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"))
    turns.finish(db=db, event=event, **seen(db, event, "speaker"))


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def publish(client: TestClient, event: Event) -> None:
    response = client.post(f"/f/{event.slug}/summary/publish", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/f/{event.slug}/record#publish"


def test_a_summary_not_yet_published_answers_404_saying_so(client: TestClient) -> None:
    event = a_run_event(client)
    page = client.get(f"/e/{event.slug}/summary")
    assert page.status_code == 404
    assert "The summary of this consultation has not been published." in page.text
    assert "Beatriz Nascimento" not in page.text and "Resumen" not in page.text
    assert client.get("/e/no-such-event/summary").status_code == 404


def test_the_published_summary_names_only_those_who_agreed(client: TestClient) -> None:
    event = a_run_event(client)
    publish(facilitator(client, event), event)
    reader = with_token(TestClient(client.app))  # no cookie of any kind
    page = reader.get(f"/e/{event.slug}/summary")
    assert page.status_code == 200
    shown = words(page.text)
    for speaker in SPEAKERS:
        assert f"Resumen de {speaker.name}." in shown
        if speaker.consents:
            assert speaker.name in shown.replace(f"Resumen de {speaker.name}.", "")
        else:
            assert speaker.name not in shown.replace(f"Resumen de {speaker.name}.", "")
            assert SHOWN_AS[speaker.name] in shown
    assert "Carla Desde la Sala" not in shown
    assert "A participant from Municipio" in shown
    # Nothing more about a person than the name they agreed to, organisation and actor type.
    assert "Ruritania" not in shown and "Syldavia" not in shown


def test_a_changed_mind_holds_from_then_on(client: TestClient) -> None:
    event = a_run_event(client)
    publish(facilitator(client, event), event)
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.writing() as db:
        ximena = db.scalar(select(Participant).where(Participant.name == "Ximena Quispe"))
        beatriz = db.scalar(select(Participant).where(Participant.name == "Beatriz Nascimento"))
        assert ximena is not None and beatriz is not None
        participants.set_publish_name(
            db=db, event=event, participant_id=ximena.id, publish_name=True
        )
        participants.set_publish_name(
            db=db, event=event, participant_id=beatriz.id, publish_name=False
        )
    shown = words(another_phone(client).get(f"/e/{event.slug}/summary").text)
    assert "Ximena Quispe ·" in shown
    assert "Beatriz Nascimento ·" not in shown
    assert "A participant from Gobierno de Brasil (Estados)" in shown


def test_the_summary_is_in_the_readers_language(client: TestClient) -> None:
    event = a_run_event(client)
    publish(facilitator(client, event), event)
    page = another_phone(client).get(f"/e/{event.slug}/summary", headers={"Accept-Language": "pt"})
    assert '<html lang="pt">' in page.text
    assert "Uma pessoa participante de Gobierno del Perú (Estados)" in words(page.text)


def test_publishing_and_withdrawing_are_audited_and_close_the_page(client: TestClient) -> None:
    event = a_run_event(client)
    console = facilitator(client, event)
    record = console.get(f"/f/{event.slug}/record").text
    assert f'action="/f/{event.slug}/summary/publish"' in record
    publish(console, event)
    publish(console, event)  # published already: nothing more to record
    record = console.get(f"/f/{event.slug}/record").text
    assert f'href="/e/{event.slug}/summary"' in record
    withdrawn = console.post(f"/f/{event.slug}/summary/withdraw", follow_redirects=False)
    assert withdrawn.status_code == 303
    assert another_phone(client).get(f"/e/{event.slug}/summary").status_code == 404
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.reading() as db:
        logged = db.scalars(
            select(AuditEntry).where(AuditEntry.action.like("summary.%")).order_by(AuditEntry.id)
        )
        assert [(e.action, e.actor, e.before, e.after) for e in logged] == [
            ("summary.publish", "ana", {"published": False}, {"published": True}),
            ("summary.withdraw", "ana", {"published": True}, {"published": False}),
        ]


def test_a_signed_out_or_forged_request_cannot_publish(client: TestClient) -> None:
    event = a_run_event(client)
    signed_out = another_phone(client)
    refused = signed_out.post(f"/f/{event.slug}/summary/publish", follow_redirects=False)
    assert refused.status_code == 401
    # A signed-in facilitator's browser made to post by another site: no token, another origin.
    sign_in(signed_out, ensure_account(client))
    del signed_out.headers["X-CSRF-Token"]
    forged = signed_out.post(f"/f/{event.slug}/summary/publish", follow_redirects=False)
    assert forged.status_code == 403
    from_elsewhere = with_token(TestClient(client.app))
    sign_in(from_elsewhere, ensure_account(client))
    crossed = from_elsewhere.post(
        f"/f/{event.slug}/summary/publish", headers={"Origin": "https://evil.example"}
    )
    assert crossed.status_code == 403
    assert client.get(f"/e/{event.slug}/summary").status_code == 404

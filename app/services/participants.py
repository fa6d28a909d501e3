"""Joining an event: who a participant is, as they give it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.i18n import N_
from app.models import ActorType, Event, Participant
from app.services.clock import utcnow
from app.services.errors import NotFound
from app.services.text import clean_line

NAME_MAX = 120
ORGANISATION_MAX = 200
COUNTRY_MAX = 100


def join(
    *,
    db: Session,
    event: Event,
    name: str,
    organisation: str,
    actor_type_id: int | None,
    country: str,
    publish_name: bool = False,
    now: datetime | None = None,
) -> Participant:
    """Register a participant who joined with the event's code.

    ``publish_name``: whether they agreed that their name may appear in published material
    (issue 11: asked at joining, no unless they say yes). Nothing on the shared screens
    changes, so no version is bumped.
    """
    now = now or utcnow()
    participant = new_participant(
        db=db,
        event=event,
        name=name,
        organisation=organisation,
        actor_type_id=actor_type_id,
        country=country,
        from_the_room=False,
        publish_name=publish_name,
        now=now,
    )
    db.commit()
    return participant


def new_participant(
    *,
    db: Session,
    event: Event,
    name: str,
    organisation: str,
    actor_type_id: int | None,
    country: str,
    from_the_room: bool,
    now: datetime,
    publish_name: bool = False,
) -> Participant:
    """Validate and add a participant inside the caller's transaction."""
    participant = Participant(
        event_id=event.id,
        name=clean_line(name, limit=NAME_MAX, field=N_("Name"), required=True),
        organisation=clean_line(organisation, limit=ORGANISATION_MAX, field=N_("Organisation")),
        country=clean_line(country, limit=COUNTRY_MAX, field=N_("Country")),
        actor_type_id=_actor_type(db, event, actor_type_id),
        from_the_room=from_the_room,
        publish_name=publish_name,
        joined_at=now,
    )
    db.add(participant)
    db.flush()
    return participant


def set_publish_name(
    *, db: Session, event: Event, participant_id: int, publish_name: bool
) -> Participant:
    """The participant changes their mind on whether their name may appear in published
    material; it holds for whatever is published from then on. Raises ``NotFound``."""
    participant = get(db=db, event=event, participant_id=participant_id)
    participant.publish_name = publish_name
    db.commit()
    return participant


def get(*, db: Session, event: Event, participant_id: int) -> Participant:
    """The event's participant; ``NotFound`` if there is none of that id at this event."""
    participant = find(db=db, event=event, participant_id=participant_id)
    if participant is None:
        raise NotFound(N_("We do not know you at this event yet; please join again."))
    return participant


def find(*, db: Session, event: Event, participant_id: int) -> Participant | None:
    """The event's participant of that id, or None."""
    participant = db.get(Participant, participant_id)
    return participant if participant is not None and participant.event_id == event.id else None


def _actor_type(db: Session, event: Event, actor_type_id: int | None) -> int | None:
    if actor_type_id is None:
        return None
    actor_type = db.get(ActorType, actor_type_id)
    if actor_type is None or actor_type.event_id != event.id:
        raise NotFound(N_("Choose one of the listed kinds of participant."))
    return actor_type.id

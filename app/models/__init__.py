"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""

from app.models.account import Account
from app.models.agenda import GuidingQuestion, Segment, Topic
from app.models.audit import AuditEntry
from app.models.base import Base
from app.models.countdown import Countdown
from app.models.event import ActorType, Event, FocusGroup
from app.models.floor import FloorMove, FloorRequest, TurnKind, TurnStatus
from app.models.participant import Participant
from app.models.record import Turn, TurnPause
from app.models.sign_in import AccountSession, SignInLink

__all__ = [
    "Account",
    "AccountSession",
    "ActorType",
    "AuditEntry",
    "Base",
    "Countdown",
    "Event",
    "FloorMove",
    "FloorRequest",
    "FocusGroup",
    "GuidingQuestion",
    "Participant",
    "Segment",
    "SignInLink",
    "Topic",
    "Turn",
    "TurnKind",
    "TurnPause",
    "TurnStatus",
]

"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""

from app.models.account import Account, Role
from app.models.agenda import Break, GuidingQuestion, Segment, Topic
from app.models.audit import AuditEntry
from app.models.base import Base
from app.models.countdown import Countdown
from app.models.event import ActorType, Event, FocusGroup
from app.models.floor import FloorMove, FloorRequest, TurnKind, TurnStatus
from app.models.participant import Participant
from app.models.record import TagKind, Turn, TurnPause, TurnTag
from app.models.sign_in import AccountSession, SignInLink

__all__ = [
    "Account",
    "AccountSession",
    "ActorType",
    "AuditEntry",
    "Base",
    "Break",
    "Countdown",
    "Event",
    "FloorMove",
    "FloorRequest",
    "FocusGroup",
    "GuidingQuestion",
    "Participant",
    "Role",
    "Segment",
    "SignInLink",
    "TagKind",
    "Topic",
    "Turn",
    "TurnKind",
    "TurnPause",
    "TurnStatus",
    "TurnTag",
]

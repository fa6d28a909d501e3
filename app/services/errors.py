"""Domain errors: what a user did that the rules do not allow, said plainly.

Messages are English gettext ids with ``{name}`` fields; the web layer translates them.
"""

from __future__ import annotations

from typing import ClassVar

from app.i18n import N_


class DomainError(Exception):
    status_code: ClassVar[int] = 409
    message: ClassVar[str] = N_("That cannot be done now.")

    def __init__(self, message: str | None = None, **params: object) -> None:
        self.message_id = message or self.message
        self.params = params
        super().__init__(self.message_id.format(**params) if params else self.message_id)


class NotFound(DomainError):
    status_code = 404
    message = N_("Not found.")


class InvalidInput(DomainError):
    status_code = 422
    message = N_("Please check what you entered.")


class Forbidden(DomainError):
    status_code = 403
    message = N_("You may not do that.")


class NoTopicOpen(DomainError):
    message = N_("No topic is open right now.")


class ListClosed(DomainError):
    message = N_("The list of speakers for this topic is closed.")


class AlreadyOnTheList(DomainError):
    message = N_("{name} is already waiting on this topic's list.")


class NobodyWaiting(DomainError):
    message = N_("Nobody is waiting to speak.")


class NotWaiting(DomainError):
    message = N_("That speaker is no longer waiting.")


class NobodySpeaking(DomainError):
    message = N_("Nobody has the floor.")


class StageError(DomainError):
    message = N_("That part of the agenda cannot be changed that way now.")

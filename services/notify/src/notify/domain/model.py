"""Notifications: priorities, channels, statuses and the status state machine."""

from __future__ import annotations

from enum import StrEnum


class Priority(StrEnum):
    """Delivery lanes, most urgent first."""

    URGENT = "URGENT"
    HIGH = "HIGH"
    NORMAL = "NORMAL"

    @property
    def rank(self) -> int:
        """0 for the most urgent lane."""
        return list(Priority).index(self)


class Channel(StrEnum):
    """The channels notify delivers on."""

    EMAIL = "email"
    SMS = "sms"
    ROBOT = "robot"


class Status(StrEnum):
    """A notification's status (DOMAIN §7), plus CANCELLED for suppressed reminders."""

    QUEUED = "QUEUED"
    FAILED = "FAILED"
    SENT = "SENT"
    DELIVERED = "DELIVERED"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    UNDELIVERABLE = "UNDELIVERABLE"
    CANCELLED = "CANCELLED"


# Statuses a notification can still move forward from; the others absorb every late signal.
PENDING = frozenset({Status.QUEUED, Status.FAILED})
TERMINAL = frozenset({Status.ACKNOWLEDGED, Status.UNDELIVERABLE, Status.CANCELLED})

# Each transition that can happen; anything else is a late or out-of-order signal to ignore.
_ALLOWED: dict[Status, frozenset[Status]] = {
    Status.QUEUED: frozenset(
        {Status.SENT, Status.DELIVERED, Status.FAILED, Status.UNDELIVERABLE, Status.CANCELLED}
    ),
    Status.FAILED: frozenset(
        {Status.SENT, Status.DELIVERED, Status.FAILED, Status.UNDELIVERABLE, Status.CANCELLED}
    ),
    Status.SENT: frozenset({Status.DELIVERED, Status.UNDELIVERABLE, Status.ACKNOWLEDGED}),
    Status.DELIVERED: frozenset({Status.ACKNOWLEDGED}),
    Status.ACKNOWLEDGED: frozenset(),
    Status.UNDELIVERABLE: frozenset(),
    Status.CANCELLED: frozenset(),
}


def can_move(current: Status, target: Status) -> bool:
    """Whether ``current → target`` is a forward move (late receipts are not)."""
    return target in _ALLOWED[current]


class NotifyError(Exception):
    """A refusal with a stable machine code and a Chinese explanation."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail

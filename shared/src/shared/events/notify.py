"""Events published by the notify service (DOMAIN §8.5)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field, StringConstraints

from shared.events import topics
from shared.events.base import IntegrationEvent

# Machine codes: one ASCII token, so no sentence (and no personal data in it) can hide in them.
Code = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]
EventType = Annotated[
    str,
    StringConstraints(
        max_length=128, pattern=r"^[a-z]+\.[a-z]+(_[a-z]+)*\.[a-z]+(_[a-z]+)*\.v[0-9]+$"
    ),
]
Priority = Literal["URGENT", "HIGH", "NORMAL"]
# Spelled as DOMAIN §8.5 spells it (lower case).
ErrorClass = Literal["retryable", "permanent"]


class NotificationSent(IntegrationEvent):
    """A notification was handed to a channel for a recipient."""

    TYPE: ClassVar[str] = "notify.notification.sent.v1"
    TOPIC: ClassVar[str] = topics.NOTIFY_NOTIFICATIONS
    AGGREGATE: ClassVar[str] = "notification"
    KEY_FIELD: ClassVar[str] = "notification_id"

    notification_id: UUID
    source_event_id: UUID
    source_event_type: EventType
    recipient_person_id: UUID
    # DOMAIN does not pin the channel names (sms, e-mail, chat robots...): notify owns them.
    channel: Code
    template_code: Code
    template_version: Annotated[int, Field(ge=1)]
    priority: Priority
    sent_at: AwareDatetime


class NotificationDeliveryFailed(IntegrationEvent):
    """A delivery attempt of a notification failed."""

    TYPE: ClassVar[str] = "notify.notification.delivery_failed.v1"
    TOPIC: ClassVar[str] = topics.NOTIFY_NOTIFICATIONS
    AGGREGATE: ClassVar[str] = "notification"
    KEY_FIELD: ClassVar[str] = "notification_id"

    notification_id: UUID
    attempt: Annotated[int, Field(ge=1)]
    error_class: ErrorClass
    failed_at: AwareDatetime


class NotificationUndeliverable(IntegrationEvent):
    """A notification could not be delivered at all; someone must follow up by hand."""

    TYPE: ClassVar[str] = "notify.notification.undeliverable.v1"
    TOPIC: ClassVar[str] = topics.NOTIFY_NOTIFICATIONS
    AGGREGATE: ClassVar[str] = "notification"
    KEY_FIELD: ClassVar[str] = "notification_id"

    notification_id: UUID
    source_event_id: UUID
    recipient_person_id: UUID


class NotificationAcknowledged(IntegrationEvent):
    """The recipient acknowledged a notification."""

    TYPE: ClassVar[str] = "notify.notification.acknowledged.v1"
    TOPIC: ClassVar[str] = topics.NOTIFY_NOTIFICATIONS
    AGGREGATE: ClassVar[str] = "notification"
    KEY_FIELD: ClassVar[str] = "notification_id"

    notification_id: UUID
    source_event_id: UUID
    recipient_person_id: UUID
    acked_at: AwareDatetime


EVENTS: tuple[type[IntegrationEvent], ...] = (
    NotificationSent,
    NotificationDeliveryFailed,
    NotificationUndeliverable,
    NotificationAcknowledged,
)

"""The only place that builds notify's outgoing contracts (DOMAIN §8.5) from notification rows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from shared.events.base import IntegrationEvent
from shared.events.envelope import CloudEvent, envelope_for
from shared.events.notify import (
    NotificationAcknowledged,
    NotificationDeliveryFailed,
    NotificationSent,
    NotificationUndeliverable,
)

SOURCE = "notify"


def sent(row: Mapping[str, Any], at: datetime) -> NotificationSent:
    """The notification was handed to its channel."""
    return NotificationSent(
        notification_id=row["id"],
        source_event_id=row["source_event_id"],
        source_event_type=row["source_event_type"],
        recipient_person_id=row["recipient_person_id"],
        channel=row["channel"],
        template_code=row["template_code"],
        template_version=row["template_version"],
        priority=row["priority"],
        sent_at=at,
    )


def delivery_failed(
    row: Mapping[str, Any], attempt: int, error_class: str, at: datetime
) -> NotificationDeliveryFailed:
    """One attempt failed."""
    return NotificationDeliveryFailed(
        notification_id=row["id"],
        attempt=max(attempt, 1),
        error_class="permanent" if error_class == "permanent" else "retryable",
        failed_at=at,
    )


def undeliverable(row: Mapping[str, Any]) -> NotificationUndeliverable:
    """Nobody was reached: a person has to follow up."""
    return NotificationUndeliverable(
        notification_id=row["id"],
        source_event_id=row["source_event_id"],
        recipient_person_id=row["recipient_person_id"],
    )


def acknowledged(row: Mapping[str, Any], at: datetime) -> NotificationAcknowledged:
    """The recipient acknowledged."""
    return NotificationAcknowledged(
        notification_id=row["id"],
        source_event_id=row["source_event_id"],
        recipient_person_id=row["recipient_person_id"],
        acked_at=at,
    )


def envelope(event: IntegrationEvent, *, version: int, at: datetime, actor: str) -> CloudEvent:
    """The CloudEvent of a notification event at the notification's new version."""
    return envelope_for(event, source=SOURCE, version=version, time=at, actor=actor)

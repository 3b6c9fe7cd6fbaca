"""The live consumers: every domain event type goes to its projection's writer.

Registered in ``ServiceDefinition.handlers`` by event type; the platform's ConsumerRunner claims
each event in the inbox and calls the handler in the same transaction.
"""

from __future__ import annotations

from typing import Any

from shared.consumer import Handler
from shared.events.base import IntegrationEvent
from shared.events.envelope import CloudEvent
from views.adapters.apply import WRITERS
from views.adapters.live import LiveTarget, apply_live


def handlers(target: LiveTarget) -> dict[str, Handler]:
    """One handler per consumed event type (all of them feed some projection)."""

    async def on_domain_event(conn: Any, event: IntegrationEvent, envelope: CloudEvent) -> None:
        """Apply the event to its projection's active table set."""
        await apply_live(conn, event, envelope, target=target)

    return dict.fromkeys(sorted(WRITERS), on_domain_event)

"""Decode a Kafka record into its event for a rebuild, tolerating what the live path dead-letters.

The result is that of ``REGISTRY.parse(decode(value))``; a record that is malformed, of an
unknown type or in breach of its contract is None (the live consumer dead-lettered it, and a
rebuild skips it the same way).
"""

from __future__ import annotations

from shared.events.base import IntegrationEvent
from shared.events.envelope import CloudEvent, EnvelopeError, decode
from shared.events.registry import REGISTRY

Item = tuple[IntegrationEvent, CloudEvent]


def parsed(value: bytes | None) -> Item | None:
    """The record's event and envelope; None for a malformed record or an unknown type."""
    try:
        envelope = decode(value)
        event = REGISTRY.parse(envelope)
    except EnvelopeError:
        return None
    return None if event is None else (event, envelope)

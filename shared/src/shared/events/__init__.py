"""Event contracts and their CloudEvents envelope: all that crosses service boundaries."""

from shared.events.base import EVENT_NS, IntegrationEvent, event_id_for
from shared.events.envelope import CloudEvent, EnvelopeError, decode, envelope_for
from shared.events.registry import REGISTRY, ContractError, Registry

__all__ = [
    "EVENT_NS",
    "REGISTRY",
    "CloudEvent",
    "ContractError",
    "EnvelopeError",
    "IntegrationEvent",
    "Registry",
    "decode",
    "envelope_for",
    "event_id_for",
]

"""Decode a Kafka record into its event for a rebuild: ``shared.events`` with its fields cached.

The result is that of ``REGISTRY.parse(decode(value))``. The one difference is the contract's
field names: ``IntegrationEvent.from_data`` reads them from pydantic's ``model_fields``, a
property that builds its mapping on every read (about a fifth of parsing an event); a rebuild
parses every event of the year, so they are read once per contract here.
"""

from __future__ import annotations

from pydantic import ValidationError

from shared.events.base import IntegrationEvent
from shared.events.envelope import CloudEvent, EnvelopeError, decode
from shared.events.registry import REGISTRY

Item = tuple[IntegrationEvent, CloudEvent]

_FIELDS: dict[type[IntegrationEvent], frozenset[str]] = {}


def parsed(value: bytes | None) -> Item | None:
    """The record's event and envelope; None for a malformed record or an unknown type."""
    try:
        envelope = decode(value)
    except EnvelopeError:
        return None
    contract = REGISTRY.contract(envelope.type)
    if contract is None:
        return None
    fields = _FIELDS.get(contract)
    if fields is None:
        fields = _FIELDS[contract] = frozenset(contract.model_fields)
    data = envelope.data
    # Tolerant as from_data: fields a newer producer added are ignored.
    known = data if data.keys() <= fields else {k: v for k, v in data.items() if k in fields}
    try:
        event = contract.model_validate(known)
    except ValidationError:
        return None  # REGISTRY.parse: ContractError
    if event.aggregate_id != envelope.subject:
        return None  # REGISTRY.parse: ContractError
    return event, envelope

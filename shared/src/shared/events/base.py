"""The base of every event contract: a frozen pydantic model with its type, topic and key."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict

# Namespace of deterministic event ids: uuid5(EVENT_NS, "<aggregatetype>:<aggregate id>:<version>").
EVENT_NS = uuid.UUID("6f1c2a52-4c3e-5b7a-9d1e-0a8b7c6d5e4f")


# Each contract's field names, read once (see ``IntegrationEvent.from_data``).
_FIELD_NAMES: dict[type, frozenset[str]] = {}


class IntegrationEvent(BaseModel):
    """A fact one service publishes for others: pure data, no personal data, frozen.

    Subclasses set ``TYPE`` (``<producer>.<aggregate>.<verb_past>.v<N>``), ``TOPIC``
    (``<producer>.<aggregate_plural>``), ``AGGREGATE`` (the aggregate type) and ``KEY_FIELD``
    (the field holding the aggregate id, which is also the Kafka key and the CloudEvents subject).
    Producers build them strictly (unknown fields are an error); consumers read them tolerantly
    through :meth:`from_data`, which ignores fields a newer producer added.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    TYPE: ClassVar[str]
    TOPIC: ClassVar[str]
    AGGREGATE: ClassVar[str]
    KEY_FIELD: ClassVar[str]

    @property
    def aggregate_id(self) -> str:
        """The aggregate id this event belongs to (Kafka key and CloudEvents subject)."""
        return str(getattr(self, self.KEY_FIELD))

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Self:
        """Read a contract tolerantly: fields unknown to this version are ignored."""
        # model_fields is a property that builds its mapping on each read (a fifth of parsing
        # an event): the names are read once per contract.
        fields = _FIELD_NAMES.get(cls)
        if fields is None:
            fields = _FIELD_NAMES[cls] = frozenset(cls.model_fields)
        if data.keys() <= fields:
            return cls.model_validate(data)
        return cls.model_validate({name: value for name, value in data.items() if name in fields})


def event_id_for(aggregate_type: str, aggregate_id: str, version: int) -> uuid.UUID:
    """The deterministic event id of an aggregate's N-th event (DOMAIN §3.4)."""
    return uuid.uuid5(EVENT_NS, f"{aggregate_type}:{aggregate_id}:{version}")

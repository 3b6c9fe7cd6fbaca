"""The registry from event type to contract and topic, and tolerant decoding of known events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pydantic import ValidationError

from shared.events import charity, eldercare, inspection, notify
from shared.events.base import IntegrationEvent
from shared.events.envelope import CloudEvent, EnvelopeError

ALL_EVENTS: tuple[type[IntegrationEvent], ...] = (
    *inspection.EVENTS,
    *eldercare.EVENTS,
    *charity.EVENTS,
    *notify.EVENTS,
)


class ContractError(EnvelopeError):
    """An envelope of a known type whose ``data`` does not satisfy the contract."""


@dataclass(frozen=True)
class Registry:
    """Event types mapped to their contracts."""

    by_type: Mapping[str, type[IntegrationEvent]]

    @classmethod
    def of(cls, events: Iterable[type[IntegrationEvent]]) -> Registry:
        """Build a registry, refusing two contracts with one type."""
        by_type: dict[str, type[IntegrationEvent]] = {}
        for event in events:
            if event.TYPE in by_type:
                raise ValueError(f"event type {event.TYPE} registered twice")
            by_type[event.TYPE] = event
        return cls(by_type=by_type)

    def contract(self, event_type: str) -> type[IntegrationEvent] | None:
        """The contract of a type, or None for a type this registry does not know."""
        return self.by_type.get(event_type)

    def topics(self) -> list[str]:
        """Every topic some registered event is published on, sorted."""
        return sorted({event.TOPIC for event in self.by_type.values()})

    def parse(self, envelope: CloudEvent) -> IntegrationEvent | None:
        """The contract instance an envelope carries; None for an unknown type."""
        contract = self.contract(envelope.type)
        if contract is None:
            return None
        try:
            event = contract.from_data(envelope.data)
        except ValidationError as exc:
            # Fields and rule messages only: pydantic's "input" may be personal data.
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'data'}: {err['msg']}"
                for err in exc.errors()
            )
            raise ContractError(
                f"{envelope.type}: data violates the contract: {problems}"
            ) from None
        if event.aggregate_id != envelope.subject:
            raise ContractError(
                f"{envelope.type}: subject {envelope.subject} differs from the aggregate id"
            )
        return event


REGISTRY = Registry.of(ALL_EVENTS)

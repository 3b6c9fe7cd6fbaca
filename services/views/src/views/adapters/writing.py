"""The registry of projection writers: one async function per consumed event type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from shared.events.base import IntegrationEvent
from shared.events.envelope import CloudEvent

Writer = Callable[[Any, Any, CloudEvent], Awaitable[None]]
F = TypeVar("F", bound=Writer)


class Writers:
    """Writers of one module, keyed by event type."""

    def __init__(self) -> None:
        self.by_type: dict[str, Writer] = {}

    def on(self, contract: type[IntegrationEvent]) -> Callable[[F], F]:
        """Register the decorated function as the writer of ``contract``'s events."""

        def register(fn: F) -> F:
            if contract.TYPE in self.by_type:
                raise ValueError(f"two writers for {contract.TYPE}")
            self.by_type[contract.TYPE] = fn
            return fn

        return register

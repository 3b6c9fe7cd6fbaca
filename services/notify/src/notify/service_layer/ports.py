"""Ports of the notify use cases: channel adapters, delivery results, the dispatcher's pass."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from notify.domain.model import Channel
from notify.domain.policy import ErrorClass
from notify.domain.templates import Rendered


@dataclass(frozen=True)
class Address:
    """Where one person is reached on one channel (decrypted only for the send)."""

    channel: Channel
    value: str


@dataclass(frozen=True)
class DeliveryResult:
    """What a provider answered: delivered, accepted (awaiting a receipt), or failed."""

    ok: bool
    delivered: bool = False
    error_class: ErrorClass | None = None
    detail: str = ""

    @classmethod
    def failed(cls, error_class: ErrorClass, detail: str) -> DeliveryResult:
        """A failed attempt."""
        return cls(ok=False, error_class=error_class, detail=detail[:300])


class ChannelAdapter(Protocol):
    """One channel's provider: sends one rendered message to one address."""

    channel: Channel

    async def send(self, address: Address, message: Rendered) -> DeliveryResult: ...


class DispatchPass(Protocol):
    """The dispatcher as its loop sees it: one pass sends everything due at ``now``."""

    async def tick(self, now: datetime) -> int | None: ...

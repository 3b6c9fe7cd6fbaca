"""What the dev sinks received, and the scripted answers tests ask them to give."""

from __future__ import annotations

import itertools
import threading
from collections import defaultdict, deque
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass
class Received:
    """One message that reached a sink."""

    id: int
    kind: str  # email | sms | robot
    to: list[str]
    subject: str
    text: str
    answered: int
    received_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    payload: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


class SinkStore:
    """Thread-safe (the SMTP server runs in its own thread) in-memory store."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[Received] = []
        self._ids = itertools.count(1)
        self._scripts: dict[str, deque[int]] = defaultdict(deque)

    def script(self, kind: str, statuses: list[int]) -> None:
        """Answer the next messages of a kind with these statuses, then the default."""
        with self._lock:
            self._scripts[kind] = deque(statuses)

    def next_status(self, kind: str, default: int) -> int:
        """The status to answer the next message of a kind with."""
        with self._lock:
            queue = self._scripts[kind]
            return queue.popleft() if queue else default

    def add(
        self,
        *,
        kind: str,
        to: list[str],
        subject: str,
        text: str,
        answered: int,
        payload: dict[str, Any] | None = None,
    ) -> Received:
        """Record a message."""
        with self._lock:
            item = Received(next(self._ids), kind, to, subject, text, answered)
            item.payload = payload or {}
            self._items.append(item)
            return item

    def items(self, kind: str | None = None, to: str | None = None) -> list[Received]:
        """Everything received, oldest first, optionally filtered."""
        with self._lock:
            found = list(self._items)
        if kind:
            found = [i for i in found if i.kind == kind]
        if to:
            found = [i for i in found if to in i.to]
        return found

    def clear(self) -> None:
        """Forget everything (scripts too)."""
        with self._lock:
            self._items.clear()
            self._scripts.clear()

"""The demo as a time-ordered command script: every line is one call of a public API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from demo.calendar import iso

# Services the loader calls, and the special steps the runner carries out itself.
SERVICES = ("inspection", "eldercare", "charity", "notify")
ACK = "ack"  # look a notification up, then its recipient acknowledges it
SINK_SCRIPT = "sink_script"  # make the dev sinks answer the next sends with these codes


@dataclass(frozen=True)
class Expect:
    """A refusal the script expects (DOMAIN §11.6): status and problem code."""

    status: int
    code: str | None
    row: str  # the §11.6 row, e.g. "#1"
    what: str  # the Chinese description printed in the report


@dataclass(frozen=True)
class Command:
    """One line of the script."""

    at: datetime
    service: str
    method: str
    path: str
    actor: str  # the dev token key that calls
    key: str  # the script line id: also the Idempotency-Key
    body: dict[str, Any] | None = None
    expect: Expect | None = None
    params: dict[str, Any] = field(default_factory=dict)
    seq: int = 0

    @property
    def day(self) -> date:
        """The local date the command belongs to."""
        return self.at.date()


class Script:
    """Collects the lines of every department, then hands them out in time order."""

    def __init__(self) -> None:
        self._lines: list[Command] = []
        self._keys: set[str] = set()

    def add(  # noqa: PLR0913 - one keyword per part of a line
        self,
        at: datetime,
        service: str,
        method: str,
        path: str,
        actor: str,
        key: str,
        body: dict[str, Any] | None = None,
        expect: Expect | None = None,
        **params: Any,
    ) -> None:
        """Append a line; keys must be unique (they are the Idempotency-Keys)."""
        if key in self._keys:
            raise ValueError(f"duplicate script key {key}")
        self._keys.add(key)
        self._lines.append(
            Command(at, service, method, path, actor, key, body, expect, params, len(self._lines))
        )

    def post(
        self, at: datetime, service: str, path: str, actor: str, key: str, body: dict[str, Any]
    ) -> None:
        """Append a POST."""
        self.add(at, service, "POST", path, actor, key, body)

    def lines(self) -> list[Command]:
        """Every line, ordered by time, then by the order it was added."""
        return sorted(self._lines, key=lambda c: (c.at, c.seq))

    def __len__(self) -> int:
        return len(self._lines)


def stamp(instant: datetime) -> str:
    """An instant for a JSON body."""
    return iso(instant)

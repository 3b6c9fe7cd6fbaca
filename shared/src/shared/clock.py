"""The clock port: services read time from it, so the demo can run 2024 on a simulated clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    """Where "now" comes from."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time, UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class SimulatedClock:
    """A clock that only moves when told (demo mode and tests)."""

    def __init__(self, start: datetime) -> None:
        self._now = _aware(start)

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        """Jump to an instant (forwards or backwards: the demo loader may re-run)."""
        self._now = _aware(instant)

    def advance(self, delta: timedelta) -> None:
        """Move forward."""
        self._now += delta


def local_date(instant: datetime) -> date:
    """The Asia/Shanghai calendar date of an instant (counts use local dates)."""
    return _aware(instant).astimezone(LOCAL_TZ).date()


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("instants must carry a UTC offset")
    return instant.astimezone(UTC)

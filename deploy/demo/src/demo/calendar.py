"""Local dates and instants of the demo (Asia/Shanghai), and the 2024 calendar it needs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from shared.clock import LOCAL_TZ

YEAR = 2024
AS_OF = date(2024, 11, 30)


def at(day: date, hour: int = 9, minute: int = 0, second: int = 0) -> datetime:
    """The local instant ``day hour:minute`` (aware, +08:00)."""
    return datetime.combine(day, time(hour, minute, second), tzinfo=LOCAL_TZ)


def iso(instant: datetime) -> str:
    """An instant as ISO 8601 with its offset, for JSON bodies."""
    return instant.isoformat()


def days(start: date, end: date) -> Iterator[date]:
    """Every date from ``start`` to ``end`` inclusive."""
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def weekdays(start: date, end: date) -> list[date]:
    """Monday–Friday dates from ``start`` to ``end`` inclusive."""
    return [d for d in days(start, end) if d.weekday() < 5]


def iso_week_day(year: int, week: int, weekday: int) -> date:
    """The date of ISO ``year-Wweek``, weekday 1 = Monday … 7 = Sunday."""
    return date.fromisocalendar(year, week, weekday)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` (0 = Monday) of a month."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def spread(start: date, end: date, count: int) -> list[date]:
    """``count`` dates spread evenly from ``start`` to ``end`` (both included when count > 1)."""
    span = (end - start).days
    if count == 1:
        return [start]
    return [start + timedelta(days=span * i // (count - 1)) for i in range(count)]

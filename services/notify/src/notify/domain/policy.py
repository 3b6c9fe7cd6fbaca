"""Delivery policy: dedupe keys, quiet hours, retry backoff, deadlines, trigger re-checks."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from notify.domain.model import Priority

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def dedupe_key(event_id: str, recipient: str, channel: str, template: str) -> str:
    """sha256(event id ‖ recipient ‖ channel ‖ template): one notification per combination."""
    joined = "\x1f".join((event_id, recipient, channel, template))
    return hashlib.sha256(joined.encode()).hexdigest()


@dataclass(frozen=True)
class QuietHours:
    """A nightly window in Asia/Shanghai; ``start > end`` means it spans midnight."""

    start: time
    end: time
    deferred: frozenset[Priority]

    def covers(self, instant: datetime) -> bool:
        """Whether the local time of ``instant`` lies inside the window."""
        local = instant.astimezone(LOCAL_TZ).time()
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def release_at(self, instant: datetime, priority: Priority) -> datetime | None:
        """When a message created at ``instant`` may go out, or None for "now"."""
        if priority not in self.deferred or not self.covers(instant):
            return None
        local = instant.astimezone(LOCAL_TZ)
        day = local.date() if local.time() < self.end else local.date() + timedelta(days=1)
        return datetime.combine(day, self.end, tzinfo=LOCAL_TZ).astimezone(instant.tzinfo)


def next_local_midnight(instant: datetime) -> datetime:
    """The next 00:00 in Asia/Shanghai (daily caps reset then)."""
    day = instant.astimezone(LOCAL_TZ).date() + timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ).astimezone(instant.tzinfo)


def backoff(attempt: int, schedule: Sequence[int]) -> timedelta:
    """The wait after the ``attempt``-th failed attempt (the last step repeats)."""
    index = min(max(attempt, 1), len(schedule)) - 1
    return timedelta(seconds=schedule[index])


class ErrorClass(StrEnum):
    """How a failed attempt is treated (DOMAIN §8.5 spelling)."""

    RETRYABLE = "retryable"
    PERMANENT = "permanent"


def classify_http(status: int) -> ErrorClass | None:
    """None for success; 5xx, 408 and 429 are transient, other 4xx permanent."""
    if 200 <= status < 300:
        return None
    if status >= 500 or status in (408, 425, 429):
        return ErrorClass.RETRYABLE
    return ErrorClass.PERMANENT


def classify_smtp(code: int) -> ErrorClass:
    """SMTP replies: 4xx transient, 5xx permanent (RFC 5321)."""
    return ErrorClass.RETRYABLE if 400 <= code < 500 else ErrorClass.PERMANENT


@dataclass(frozen=True)
class HazardState:
    """What notify knows of a hazard (from inspection.hazards)."""

    status: str
    deadline_on: date | None
    responsible_person_id: str | None


OPEN_HAZARD = frozenset({"REPORTED", "IN_RECTIFICATION"})


def trigger_holds(
    trigger_kind: str,
    params: Mapping[str, object],
    hazard: HazardState | None,
    *,
    case_open: bool | None = None,
) -> bool:
    """Whether the state that triggered a notification still holds (re-checked before a send).

    A reminder for a hazard that was since submitted, verified or given a new deadline no
    longer holds; neither does a request to verify work that was already verified, nor a
    search call for an elder who has been found.
    """
    if trigger_kind == "missing_case_reported":
        return case_open is not False
    if not trigger_kind.startswith("hazard_") or hazard is None:
        return True
    if trigger_kind in ("hazard_approaching", "hazard_overdue", "hazard_escalated"):
        if hazard.status not in OPEN_HAZARD:
            return False
        deadline = params.get("deadline_on")
        return deadline is None or hazard.deadline_on is None or deadline == str(hazard.deadline_on)
    if trigger_kind in ("hazard_assigned", "hazard_rejected"):
        return hazard.status == "IN_RECTIFICATION"
    if trigger_kind == "hazard_submitted":
        return hazard.status == "SUBMITTED"
    return True

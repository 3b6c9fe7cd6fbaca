"""Campaign (专项行动): a named, time-boxed safety drive that inspections are tagged with."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from inspection.domain.errors import InvalidInputError, invalid_state

KINDS = (
    "WINTER_SPRING_100D",
    "FIRE_HAZARD_REMOVAL",
    "ROOT_CAUSE",
    "GAS_SAFETY",
    "DISASTER_RISK",
    "FIRE_LIFE_CHANNEL",
    "URBAN_OPERATION",
)
ACTIVE = "ACTIVE"
CLOSED = "CLOSED"


@dataclass
class Campaign:
    """A campaign and its window of local dates."""

    id: uuid.UUID
    code: str
    name: str
    kind: str
    start_on: date
    end_on: date | None
    lead_unit: str
    status: str
    closed_at: datetime | None
    version: int

    @classmethod
    def launch(  # noqa: PLR0913 - the campaign's own fields, keyword-only
        cls,
        *,
        id: uuid.UUID,
        code: str,
        name: str,
        kind: str,
        start_on: date,
        end_on: date | None,
        lead_unit: str,
    ) -> Campaign:
        """A new, active campaign; its window must not end before it starts."""
        check_period(start_on, end_on)
        return cls(id, code, name, kind, start_on, end_on, lead_unit, ACTIVE, None, 1)

    def close(self, *, end_on: date | None, today: date, now: datetime) -> None:
        """Close the campaign; its window ends on ``end_on`` (default: planned end, or today)."""
        if self.status != ACTIVE:
            raise invalid_state("专项行动", self.status)
        end = end_on or self.end_on or today
        check_period(self.start_on, end)
        self.end_on = end
        self.status = CLOSED
        self.closed_at = now
        self.version += 1

    def running_on(self, day: date) -> bool:
        """Whether a day lies inside the campaign's window."""
        return self.start_on <= day and (self.end_on is None or day <= self.end_on)


def check_period(start_on: date, end_on: date | None) -> None:
    """422 invalid_period when the end precedes the start."""
    if end_on is not None and end_on < start_on:
        raise InvalidInputError("invalid_period", "结束日期不能早于开始日期")


def require_running(campaign: Campaign, day: date) -> None:
    """422 campaign_not_running when a day lies outside the campaign's window."""
    if not campaign.running_on(day):
        raise InvalidInputError(
            "campaign_not_running", f"专项行动“{campaign.name}”在 {day.isoformat()} 不在实施期内"
        )

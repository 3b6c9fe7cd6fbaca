"""Drills (应急演练), safety talks (安全宣讲) and safety meetings (安全生产专题会议)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from inspection.domain.errors import InvalidInputError, in_future, invalid_state

DRILL_TYPES = ("FIRE_EVACUATION", "FLOOD", "GAS_LEAK", "EARTHQUAKE", "FOOD_SAFETY", "COMPREHENSIVE")
TALK_FORMATS = (
    "CENTRAL_GROUP_STUDY",
    "PARTY_BRANCH",
    "MINZHENG_LECTURE",
    "BUSINESS_STUDY",
    "ON_SITE",
)
MEETING_KINDS = ("PARTY_GROUP", "DIRECTOR_OFFICE")
PLANNED = "PLANNED"
HELD = "HELD"
CANCELLED = "CANCELLED"


@dataclass
class Drill:
    """An emergency drill at a site; only held drills count."""

    id: uuid.UUID
    site_id: uuid.UUID
    drill_type: str
    planned_on: date
    scenario: str | None
    status: str
    held_at: datetime | None
    participants: int | None
    residents_participating: int | None
    evaluation: str | None
    cancel_reason_code: str | None
    cancelled_at: datetime | None
    version: int

    @classmethod
    def plan(
        cls,
        *,
        id: uuid.UUID,
        site_id: uuid.UUID,
        drill_type: str,
        planned_on: date,
        scenario: str | None,
    ) -> Drill:
        """A planned drill."""
        return cls(id, site_id, drill_type, planned_on, scenario, PLANNED, None, None, None, None,
                   None, None, 1)  # fmt: skip

    def record(
        self,
        *,
        held_at: datetime,
        participants: int,
        residents_participating: int,
        evaluation: str | None,
        now: datetime,
    ) -> None:
        """Record that the drill was held."""
        if self.status != PLANNED:
            raise invalid_state("演练", self.status)
        if held_at > now:
            raise in_future("演练时间")
        if participants < 1:
            raise InvalidInputError("invalid_participants", "参演人数至少为 1")
        if not 0 <= residents_participating <= participants:
            raise InvalidInputError(
                "invalid_participants", "参演住养人员人数须在 0 与参演总人数之间"
            )
        self.status = HELD
        self.held_at = held_at
        self.participants = participants
        self.residents_participating = residents_participating
        self.evaluation = evaluation
        self.version += 1

    def cancel(self, *, reason_code: str, now: datetime) -> None:
        """Call the drill off."""
        if self.status != PLANNED:
            raise invalid_state("演练", self.status)
        self.status = CANCELLED
        self.cancel_reason_code = reason_code
        self.cancelled_at = now
        self.version += 1


@dataclass
class SafetyTalk:
    """A safety talk, recorded after the fact."""

    id: uuid.UUID
    venue_site_id: uuid.UUID | None
    format: str
    topic: str
    speaker_person_id: uuid.UUID
    held_at: datetime
    audience_count: int
    version: int


def hold_talk(talk: SafetyTalk, *, now: datetime) -> SafetyTalk:
    """A talk that has taken place, with an audience."""
    if talk.held_at > now:
        raise in_future("宣讲时间")
    if talk.audience_count < 1:
        raise InvalidInputError("invalid_audience", "听众人数至少为 1")
    return talk


@dataclass
class SafetyMeeting:
    """A party-group or director's-office meeting on work safety."""

    id: uuid.UUID
    kind: str
    held_at: datetime
    agenda_ref: str | None
    version: int


def hold_meeting(meeting: SafetyMeeting, *, now: datetime) -> SafetyMeeting:
    """A meeting that has taken place."""
    if meeting.held_at > now:
        raise in_future("会议时间")
    return meeting

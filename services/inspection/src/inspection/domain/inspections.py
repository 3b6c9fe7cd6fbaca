"""Inspection (安全检查): scheduled, then completed or cancelled; only completed ones count."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from inspection.domain.campaigns import Campaign, require_running
from inspection.domain.errors import ConflictError, InvalidInputError, in_future, invalid_state
from inspection.domain.leaders import MAIN_LEADER, SAFETY_LEAD, TEAM_MEMBER, Leader, acts_as

TYPES = ("ROUTINE_WEEKLY", "LEADERSHIP_MONTHLY", "SPECIAL", "JOINT", "UNANNOUNCED")
SCHEDULED = "SCHEDULED"
COMPLETED = "COMPLETED"
CANCELLED = "CANCELLED"


@dataclass
class Inspection:
    """One safety inspection of a site."""

    id: uuid.UUID
    inspection_no: str
    site_id: uuid.UUID
    type: str
    campaign_id: uuid.UUID
    lead_person_id: uuid.UUID
    participant_ids: list[uuid.UUID]
    planned_on: date
    announced: bool
    checklist_ref: str | None
    status: str
    completed_at: datetime | None
    completed_on: date | None
    summary: str | None
    hazards_found: int
    cancel_reason_code: str | None
    cancel_note: str | None
    cancelled_at: datetime | None
    version: int

    def complete(  # noqa: PLR0913 - the completion report's fields, keyword-only
        self,
        *,
        completed_at: datetime,
        completed_on: date,
        participant_ids: Sequence[uuid.UUID] | None,
        summary: str | None,
        now: datetime,
        campaign: Campaign,
        leaders: Sequence[Leader],
    ) -> None:
        """Record that the inspection took place (on a local date inside its campaign)."""
        if self.status != SCHEDULED:
            raise invalid_state("检查", self.status)
        if completed_at > now:
            raise in_future("完成时间")
        require_running(campaign, completed_on)
        if participant_ids is not None:
            self.participant_ids = _distinct(participant_ids, self.lead_person_id)
        check_inspector(self.type, self.lead_person_id, self.participant_ids, leaders)
        self.status = COMPLETED
        self.completed_at = completed_at
        self.completed_on = completed_on
        self.summary = summary
        self.version += 1

    def cancel(self, *, reason_code: str, note: str | None, now: datetime) -> None:
        """Call the inspection off; it never counts."""
        if self.status != SCHEDULED:
            raise invalid_state("检查", self.status)
        self.status = CANCELLED
        self.cancel_reason_code = reason_code
        self.cancel_note = note
        self.cancelled_at = now
        self.version += 1

    def take_hazard(self, *, now: datetime, grace: timedelta) -> None:
        """Count a hazard found by this inspection; 409 once it is closed for reporting."""
        open_for_reports = self.status == SCHEDULED or (
            self.status == COMPLETED
            and self.completed_at is not None
            and now <= self.completed_at + grace
        )
        if not open_for_reports:
            hours = int(grace.total_seconds() // 3600)
            raise ConflictError(
                "inspection_closed", f"检查已结束（完成后 {hours} 小时内方可补报隐患）"
            )
        self.hazards_found += 1


def schedule(  # noqa: PLR0913 - the inspection's own fields, keyword-only
    *,
    id: uuid.UUID,
    inspection_no: str,
    site_id: uuid.UUID,
    type: str,
    campaign: Campaign,
    lead_person_id: uuid.UUID,
    participant_ids: Sequence[uuid.UUID],
    planned_on: date,
    announced: bool | None,
    checklist_ref: str | None,
    leaders: Sequence[Leader],
) -> Inspection:
    """A new scheduled inspection; 暗访 (UNANNOUNCED) is never announced."""
    require_running(campaign, planned_on)
    participants = _distinct(participant_ids, lead_person_id)
    check_inspector(type, lead_person_id, participants, leaders)
    if type == "UNANNOUNCED" and announced:
        raise InvalidInputError("unannounced_inspection", "暗访检查不能事先通知")
    return Inspection(
        id=id,
        inspection_no=inspection_no,
        site_id=site_id,
        type=type,
        campaign_id=campaign.id,
        lead_person_id=lead_person_id,
        participant_ids=participants,
        planned_on=planned_on,
        announced=type != "UNANNOUNCED" if announced is None else announced,
        checklist_ref=checklist_ref,
        status=SCHEDULED,
        completed_at=None,
        completed_on=None,
        summary=None,
        hazards_found=0,
        cancel_reason_code=None,
        cancel_note=None,
        cancelled_at=None,
        version=1,
    )


def check_inspector(
    type_: str, lead: uuid.UUID, participants: Sequence[uuid.UUID], leaders: Sequence[Leader]
) -> None:
    """422 wrong_inspector: 月检 needs a main leader or team member, 周检 the safety lead."""
    if type_ == "LEADERSHIP_MONTHLY":
        people = [lead, *participants]
        if not any(acts_as(leaders, p, MAIN_LEADER, TEAM_MEMBER) for p in people):
            raise InvalidInputError("wrong_inspector", "领导月检须有主要领导或班子成员带队或参加")
    elif type_ == "ROUTINE_WEEKLY" and not acts_as(leaders, lead, SAFETY_LEAD):
        raise InvalidInputError("wrong_inspector", "周检须由分管安全工作负责人带队")


def _distinct(people: Sequence[uuid.UUID], lead: uuid.UUID) -> list[uuid.UUID]:
    seen: list[uuid.UUID] = []
    for person in people:
        if person != lead and person not in seen:
            seen.append(person)
    return seen

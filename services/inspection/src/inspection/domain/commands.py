"""Commands: what callers ask the service to do (imperative, immutable)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from inspection.domain.hazards import Plan


@dataclass(frozen=True)
class LaunchCampaign:
    """Start a safety campaign."""

    id: uuid.UUID
    code: str
    name: str
    kind: str
    start_on: date
    end_on: date | None
    lead_unit: str


@dataclass(frozen=True)
class CloseCampaign:
    """Close a campaign."""

    id: uuid.UUID
    end_on: date | None


@dataclass(frozen=True)
class AssignLeader:
    """Put a person in the leadership group with these roles (idempotent replace)."""

    person_id: uuid.UUID
    roles: tuple[str, ...]
    effective_from: date


@dataclass(frozen=True)
class RemoveLeader:
    """Take a person out of the leadership group."""

    person_id: uuid.UUID


@dataclass(frozen=True)
class ScheduleInspection:
    """Plan an inspection of a site."""

    id: uuid.UUID
    site_id: uuid.UUID
    type: str
    campaign_id: uuid.UUID
    lead_person_id: uuid.UUID
    participant_ids: tuple[uuid.UUID, ...]
    planned_on: date
    announced: bool | None
    checklist_ref: str | None


@dataclass(frozen=True)
class CompleteInspection:
    """Report an inspection as carried out."""

    id: uuid.UUID
    completed_at: datetime
    participant_ids: tuple[uuid.UUID, ...] | None
    summary: str | None


@dataclass(frozen=True)
class CancelInspection:
    """Call an inspection off."""

    id: uuid.UUID
    reason_code: str
    note: str | None


@dataclass(frozen=True)
class ReportHazard:
    """Report a hazard, found by an inspection or self-reported by a site."""

    id: uuid.UUID
    inspection_id: uuid.UUID | None
    site_id: uuid.UUID | None
    campaign_id: uuid.UUID | None
    category: str
    level: str
    major_basis: str | None
    description: str
    photo_ids: tuple[str, ...]
    found_at: datetime | None
    found_by: uuid.UUID | None


@dataclass(frozen=True)
class AssignRectification:
    """Give a hazard its "五定" plan."""

    id: uuid.UUID
    plan: Plan


@dataclass(frozen=True)
class ExtendDeadline:
    """Move a hazard's deadline later."""

    id: uuid.UUID
    new_deadline_on: date
    reason: str


@dataclass(frozen=True)
class SubmitRectification:
    """Hand in a rectification with evidence."""

    id: uuid.UUID
    evidence_ids: tuple[str, ...]
    note: str | None


@dataclass(frozen=True)
class VerifyRectification:
    """Accept or reject a submitted rectification."""

    id: uuid.UUID
    passed: bool
    verifier_id: uuid.UUID
    note: str | None


@dataclass(frozen=True)
class PlanDrill:
    """Plan an emergency drill."""

    id: uuid.UUID
    site_id: uuid.UUID
    drill_type: str
    planned_on: date
    scenario: str | None


@dataclass(frozen=True)
class RecordDrill:
    """Record a drill as held."""

    id: uuid.UUID
    held_at: datetime
    participants: int
    residents_participating: int
    evaluation: str | None


@dataclass(frozen=True)
class CancelDrill:
    """Call a drill off."""

    id: uuid.UUID
    reason_code: str


@dataclass(frozen=True)
class RecordSafetyTalk:
    """Record a safety talk that took place."""

    id: uuid.UUID
    venue_site_id: uuid.UUID | None
    format: str
    topic: str
    speaker_person_id: uuid.UUID
    held_at: datetime
    audience_count: int


@dataclass(frozen=True)
class DraftWorkNotice:
    """Draft a work notice."""

    id: uuid.UUID
    title: str
    content_ref: str | None
    issuer_person_id: uuid.UUID
    target_site_ids: tuple[uuid.UUID, ...]
    target_kinds: tuple[str, ...]
    require_ack: bool
    ack_due_on: date


@dataclass(frozen=True)
class IssueWorkNotice:
    """Issue a drafted work notice."""

    id: uuid.UUID


@dataclass(frozen=True)
class AcknowledgeWorkNotice:
    """A target site acknowledges a notice."""

    id: uuid.UUID
    site_id: uuid.UUID


@dataclass(frozen=True)
class RecordSafetyMeeting:
    """Record a safety meeting that took place."""

    id: uuid.UUID
    kind: str
    held_at: datetime
    agenda_ref: str | None


@dataclass(frozen=True)
class LaunchSurvey:
    """Start a field survey."""

    id: uuid.UUID
    title: str
    theme: str
    scale: str
    lead_person_id: uuid.UUID | None
    launched_at: datetime | None
    report_ref: str | None


@dataclass(frozen=True)
class CompleteSurvey:
    """Finish a field survey."""

    id: uuid.UUID
    completed_at: datetime | None
    report_ref: str | None


@dataclass(frozen=True)
class RegisterProblem:
    """Register a citizen's problem."""

    id: uuid.UUID
    source: str
    survey_id: uuid.UUID | None
    county_code: str
    township_code: str | None
    category: str
    summary: str
    owner_unit: str


@dataclass(frozen=True)
class ResolveProblem:
    """Record a problem's resolution."""

    id: uuid.UUID
    resolution: str
    note: str | None


@dataclass(frozen=True)
class ReopenProblem:
    """Reopen a resolved problem."""

    id: uuid.UUID
    reason_code: str
    note: str | None


@dataclass(frozen=True)
class ConfirmProblem:
    """Confirm a problem's resolution."""

    id: uuid.UUID

"""Events published by the inspection service (DOMAIN §8.2)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal, Self
from uuid import UUID

from pydantic import AwareDatetime, Field, StringConstraints, model_validator

from shared.events import topics
from shared.events.base import IntegrationEvent

# Bounded strings: a contract never carries free text of unbounded size (DOMAIN §9.1).
Label = Annotated[str, StringConstraints(min_length=1, max_length=200)]
HumanCode = Annotated[str, StringConstraints(min_length=1, max_length=64)]
# Machine codes (reason codes, region codes): one ASCII token, so no sentence can hide in them.
Code = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]
Count = Annotated[int, Field(ge=0)]
PositiveCount = Annotated[int, Field(ge=1)]
# Money in fen: a JSON number, never a string or a float (DOMAIN §3.5), hence strict.
Minor = Annotated[int, Field(ge=0, strict=True)]

CampaignKind = Literal[
    "WINTER_SPRING_100D",
    "FIRE_HAZARD_REMOVAL",
    "ROOT_CAUSE",
    "GAS_SAFETY",
    "DISASTER_RISK",
    "FIRE_LIFE_CHANNEL",
    "URBAN_OPERATION",
]
LeaderRole = Literal["MAIN_LEADER", "TEAM_MEMBER", "SAFETY_LEAD"]
PeriodKind = Literal["WEEKLY", "MONTHLY"]
InspectionType = Literal["ROUTINE_WEEKLY", "LEADERSHIP_MONTHLY", "SPECIAL", "JOINT", "UNANNOUNCED"]
HazardLevel = Literal["GENERAL", "MAJOR"]
DrillType = Literal[
    "FIRE_EVACUATION", "FLOOD", "GAS_LEAK", "EARTHQUAKE", "FOOD_SAFETY", "COMPREHENSIVE"
]
TalkFormat = Literal[
    "CENTRAL_GROUP_STUDY", "PARTY_BRANCH", "MINZHENG_LECTURE", "BUSINESS_STUDY", "ON_SITE"
]
MeetingKind = Literal["PARTY_GROUP", "DIRECTOR_OFFICE"]
SurveyScale = Literal["LARGE", "ORDINARY"]
ProblemSource = Literal["SURVEY", "HOTLINE_12345", "INSPECTION", "VISIT"]


class CampaignLaunched(IntegrationEvent):
    """A safety campaign (专项行动) was launched."""

    TYPE: ClassVar[str] = "inspection.campaign.launched.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_CAMPAIGNS
    AGGREGATE: ClassVar[str] = "campaign"
    KEY_FIELD: ClassVar[str] = "campaign_id"

    campaign_id: UUID
    code: HumanCode
    name: Label
    kind: CampaignKind
    start_on: date
    end_on: date | None = None
    lead_unit: Label


class CampaignClosed(IntegrationEvent):
    """A safety campaign was closed."""

    TYPE: ClassVar[str] = "inspection.campaign.closed.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_CAMPAIGNS
    AGGREGATE: ClassVar[str] = "campaign"
    KEY_FIELD: ClassVar[str] = "campaign_id"

    campaign_id: UUID
    end_on: date


class LeaderAssigned(IntegrationEvent):
    """A staff member was given (or re-given) roles in the safety leadership group."""

    TYPE: ClassVar[str] = "inspection.leader.assigned.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_LEADERS
    AGGREGATE: ClassVar[str] = "leader"
    KEY_FIELD: ClassVar[str] = "person_id"

    person_id: UUID
    roles: Annotated[tuple[LeaderRole, ...], Field(min_length=1)]
    cadences: Annotated[tuple[PeriodKind, ...], Field(min_length=1)]
    effective_from: date


class LeaderRemoved(IntegrationEvent):
    """A staff member left the safety leadership group."""

    TYPE: ClassVar[str] = "inspection.leader.removed.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_LEADERS
    AGGREGATE: ClassVar[str] = "leader"
    KEY_FIELD: ClassVar[str] = "person_id"

    person_id: UUID
    removed_at: AwareDatetime


class LeaderCadenceBreached(IntegrationEvent):
    """A leader completed no qualifying inspection in a closed week or month."""

    TYPE: ClassVar[str] = "inspection.leader.cadence_breached.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_LEADERS
    AGGREGATE: ClassVar[str] = "leader"
    KEY_FIELD: ClassVar[str] = "person_id"

    person_id: UUID
    period_kind: PeriodKind
    period_key: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-(W[0-9]{2}|[0-9]{2})$")]
    period_start_on: date
    period_end_on: date


class InspectionScheduled(IntegrationEvent):
    """A safety inspection (安全检查) was scheduled."""

    TYPE: ClassVar[str] = "inspection.inspection.scheduled.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_INSPECTIONS
    AGGREGATE: ClassVar[str] = "inspection"
    KEY_FIELD: ClassVar[str] = "inspection_id"

    inspection_id: UUID
    inspection_no: HumanCode
    site_id: UUID
    type: InspectionType
    campaign_id: UUID
    lead_person_id: UUID
    planned_on: date
    announced: bool


class InspectionCompleted(IntegrationEvent):
    """A safety inspection was carried out (only completed inspections count as 检查)."""

    TYPE: ClassVar[str] = "inspection.inspection.completed.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_INSPECTIONS
    AGGREGATE: ClassVar[str] = "inspection"
    KEY_FIELD: ClassVar[str] = "inspection_id"

    inspection_id: UUID
    site_id: UUID
    type: InspectionType
    campaign_id: UUID
    lead_person_id: UUID
    participant_ids: tuple[UUID, ...]
    completed_at: AwareDatetime
    hazards_found: Count


class InspectionCancelled(IntegrationEvent):
    """A scheduled safety inspection was cancelled."""

    TYPE: ClassVar[str] = "inspection.inspection.cancelled.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_INSPECTIONS
    AGGREGATE: ClassVar[str] = "inspection"
    KEY_FIELD: ClassVar[str] = "inspection_id"

    inspection_id: UUID
    site_id: UUID
    reason_code: Code


class HazardReported(IntegrationEvent):
    """A safety hazard (隐患) was found and reported; the description stays in inspection."""

    TYPE: ClassVar[str] = "inspection.hazard.reported.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_HAZARDS
    AGGREGATE: ClassVar[str] = "hazard"
    KEY_FIELD: ClassVar[str] = "hazard_id"

    hazard_id: UUID
    hazard_no: HumanCode
    site_id: UUID
    inspection_id: UUID | None = None
    campaign_id: UUID | None = None
    category: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    level: HazardLevel
    major_basis: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    found_at: AwareDatetime
    found_by: UUID
    photo_count: Count

    @model_validator(mode="after")
    def _major_basis_iff_major(self) -> Self:
        if (self.level == "MAJOR") != (self.major_basis is not None):
            raise ValueError("major_basis is required for a MAJOR hazard and only for one")
        return self


class HazardRectificationAssigned(IntegrationEvent):
    """A hazard's rectification plan (五定) was assigned to a responsible person."""

    TYPE: ClassVar[str] = "inspection.hazard.rectification_assigned.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_HAZARDS
    AGGREGATE: ClassVar[str] = "hazard"
    KEY_FIELD: ClassVar[str] = "hazard_id"

    hazard_id: UUID
    site_id: UUID
    level: HazardLevel
    responsible_person_id: UUID
    deadline_on: date
    funds_minor: Minor
    # Optional for a GENERAL hazard (its assign command may omit the funds); None = no funds.
    funds_source: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    has_contingency_plan: bool
    has_interim_measures: bool


class HazardDeadlineExtended(IntegrationEvent):
    """A hazard's rectification deadline was moved later."""

    TYPE: ClassVar[str] = "inspection.hazard.deadline_extended.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_HAZARDS
    AGGREGATE: ClassVar[str] = "hazard"
    KEY_FIELD: ClassVar[str] = "hazard_id"

    hazard_id: UUID
    site_id: UUID
    old_deadline_on: date
    new_deadline_on: date
    extension_count: PositiveCount
    approved_by: UUID


class HazardRectificationSubmitted(IntegrationEvent):
    """A hazard's rectification was submitted with evidence for verification."""

    TYPE: ClassVar[str] = "inspection.hazard.rectification_submitted.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_HAZARDS
    AGGREGATE: ClassVar[str] = "hazard"
    KEY_FIELD: ClassVar[str] = "hazard_id"

    hazard_id: UUID
    site_id: UUID
    submitted_at: AwareDatetime
    evidence_count: PositiveCount
    verifier_id: UUID


class HazardRectificationRejected(IntegrationEvent):
    """A submitted rectification failed verification and went back to rework."""

    TYPE: ClassVar[str] = "inspection.hazard.rectification_rejected.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_HAZARDS
    AGGREGATE: ClassVar[str] = "hazard"
    KEY_FIELD: ClassVar[str] = "hazard_id"

    hazard_id: UUID
    site_id: UUID
    verifier_id: UUID
    rejected_at: AwareDatetime
    rework_count: Count


class HazardRectificationVerified(IntegrationEvent):
    """A hazard's rectification passed verification; the hazard is closed for good."""

    TYPE: ClassVar[str] = "inspection.hazard.rectification_verified.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_HAZARDS
    AGGREGATE: ClassVar[str] = "hazard"
    KEY_FIELD: ClassVar[str] = "hazard_id"

    hazard_id: UUID
    site_id: UUID
    verifier_id: UUID
    verified_at: AwareDatetime


class HazardDeadlineApproaching(IntegrationEvent):
    """A hazard in rectification came within three days of its deadline."""

    TYPE: ClassVar[str] = "inspection.hazard.deadline_approaching.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_HAZARDS
    AGGREGATE: ClassVar[str] = "hazard"
    KEY_FIELD: ClassVar[str] = "hazard_id"

    hazard_id: UUID
    site_id: UUID
    responsible_person_id: UUID
    deadline_on: date
    days_left: Count


class HazardOverdue(IntegrationEvent):
    """A hazard passed its deadline unrectified (escalation level 1)."""

    TYPE: ClassVar[str] = "inspection.hazard.overdue.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_HAZARDS
    AGGREGATE: ClassVar[str] = "hazard"
    KEY_FIELD: ClassVar[str] = "hazard_id"

    hazard_id: UUID
    site_id: UUID
    level: HazardLevel
    responsible_person_id: UUID
    deadline_on: date
    escalation_level: Literal[1] = 1


class HazardEscalated(IntegrationEvent):
    """An overdue hazard was escalated to the main leader (挂牌督办, escalation level 2)."""

    TYPE: ClassVar[str] = "inspection.hazard.escalated.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_HAZARDS
    AGGREGATE: ClassVar[str] = "hazard"
    KEY_FIELD: ClassVar[str] = "hazard_id"

    hazard_id: UUID
    site_id: UUID
    level: HazardLevel
    deadline_on: date
    escalation_level: Literal[2] = 2
    days_overdue: PositiveCount


class DrillPlanned(IntegrationEvent):
    """An emergency drill (应急演练) was planned at a site."""

    TYPE: ClassVar[str] = "inspection.drill.planned.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_DRILLS
    AGGREGATE: ClassVar[str] = "drill"
    KEY_FIELD: ClassVar[str] = "drill_id"

    drill_id: UUID
    site_id: UUID
    drill_type: DrillType
    planned_on: date


class DrillHeld(IntegrationEvent):
    """An emergency drill was held (only held drills count)."""

    TYPE: ClassVar[str] = "inspection.drill.held.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_DRILLS
    AGGREGATE: ClassVar[str] = "drill"
    KEY_FIELD: ClassVar[str] = "drill_id"

    drill_id: UUID
    site_id: UUID
    drill_type: DrillType
    held_at: AwareDatetime
    participants: PositiveCount
    residents_participating: Count


class DrillCancelled(IntegrationEvent):
    """A planned emergency drill was cancelled."""

    TYPE: ClassVar[str] = "inspection.drill.cancelled.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_DRILLS
    AGGREGATE: ClassVar[str] = "drill"
    KEY_FIELD: ClassVar[str] = "drill_id"

    drill_id: UUID
    site_id: UUID
    reason_code: Code


class SafetyTalkHeld(IntegrationEvent):
    """A safety talk (安全宣讲) was held, at the bureau or at a site."""

    TYPE: ClassVar[str] = "inspection.safety_talk.held.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_SAFETY_TALKS
    AGGREGATE: ClassVar[str] = "safety_talk"
    KEY_FIELD: ClassVar[str] = "talk_id"

    talk_id: UUID
    venue_site_id: UUID | None = None
    format: TalkFormat
    held_at: AwareDatetime
    audience_count: PositiveCount


class WorkNoticeIssued(IntegrationEvent):
    """A work notice (工作提示) was issued to its target sites."""

    TYPE: ClassVar[str] = "inspection.work_notice.issued.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_WORK_NOTICES
    AGGREGATE: ClassVar[str] = "work_notice"
    KEY_FIELD: ClassVar[str] = "notice_id"

    notice_id: UUID
    notice_no: HumanCode
    title: Label
    issued_at: AwareDatetime
    issuer_person_id: UUID
    target_site_ids: Annotated[tuple[UUID, ...], Field(min_length=1)]
    require_ack: bool
    ack_due_on: date


class WorkNoticeAcknowledged(IntegrationEvent):
    """A target site acknowledged a work notice."""

    TYPE: ClassVar[str] = "inspection.work_notice.acknowledged.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_WORK_NOTICES
    AGGREGATE: ClassVar[str] = "work_notice"
    KEY_FIELD: ClassVar[str] = "notice_id"

    notice_id: UUID
    site_id: UUID
    acked_at: AwareDatetime
    acked_by: UUID


class SafetyMeetingHeld(IntegrationEvent):
    """A meeting on work safety (安全生产专题会议) was held."""

    TYPE: ClassVar[str] = "inspection.safety_meeting.held.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_SAFETY_MEETINGS
    AGGREGATE: ClassVar[str] = "safety_meeting"
    KEY_FIELD: ClassVar[str] = "meeting_id"

    meeting_id: UUID
    kind: MeetingKind
    held_at: AwareDatetime


class SurveyLaunched(IntegrationEvent):
    """A field survey (调研) was launched."""

    TYPE: ClassVar[str] = "inspection.survey.launched.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_SURVEYS
    AGGREGATE: ClassVar[str] = "survey"
    KEY_FIELD: ClassVar[str] = "survey_id"

    survey_id: UUID
    scale: SurveyScale
    theme: Label
    lead_person_id: UUID
    launched_at: AwareDatetime


class SurveyCompleted(IntegrationEvent):
    """A field survey was completed."""

    TYPE: ClassVar[str] = "inspection.survey.completed.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_SURVEYS
    AGGREGATE: ClassVar[str] = "survey"
    KEY_FIELD: ClassVar[str] = "survey_id"

    survey_id: UUID
    scale: SurveyScale
    completed_at: AwareDatetime
    problems_registered: Count


class ProblemRegistered(IntegrationEvent):
    """A citizen's problem (群众身边实际问题) was registered; its summary stays in inspection."""

    TYPE: ClassVar[str] = "inspection.problem.registered.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_PROBLEMS
    AGGREGATE: ClassVar[str] = "problem"
    KEY_FIELD: ClassVar[str] = "problem_id"

    problem_id: UUID
    source: ProblemSource
    survey_id: UUID | None = None
    county_code: Code
    category: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    owner_unit: Label
    registered_at: AwareDatetime


class ProblemResolved(IntegrationEvent):
    """A citizen's problem was resolved."""

    TYPE: ClassVar[str] = "inspection.problem.resolved.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_PROBLEMS
    AGGREGATE: ClassVar[str] = "problem"
    KEY_FIELD: ClassVar[str] = "problem_id"

    problem_id: UUID
    resolved_at: AwareDatetime


class ProblemReopened(IntegrationEvent):
    """A resolved problem was reopened (it no longer counts as solved)."""

    TYPE: ClassVar[str] = "inspection.problem.reopened.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_PROBLEMS
    AGGREGATE: ClassVar[str] = "problem"
    KEY_FIELD: ClassVar[str] = "problem_id"

    problem_id: UUID
    reopened_at: AwareDatetime
    reason_code: Code


class ProblemConfirmed(IntegrationEvent):
    """A resolved problem's resolution was confirmed."""

    TYPE: ClassVar[str] = "inspection.problem.confirmed.v1"
    TOPIC: ClassVar[str] = topics.INSPECTION_PROBLEMS
    AGGREGATE: ClassVar[str] = "problem"
    KEY_FIELD: ClassVar[str] = "problem_id"

    problem_id: UUID
    confirmed_at: AwareDatetime


EVENTS: tuple[type[IntegrationEvent], ...] = (
    CampaignLaunched,
    CampaignClosed,
    LeaderAssigned,
    LeaderRemoved,
    LeaderCadenceBreached,
    InspectionScheduled,
    InspectionCompleted,
    InspectionCancelled,
    HazardReported,
    HazardRectificationAssigned,
    HazardDeadlineExtended,
    HazardRectificationSubmitted,
    HazardRectificationRejected,
    HazardRectificationVerified,
    HazardDeadlineApproaching,
    HazardOverdue,
    HazardEscalated,
    DrillPlanned,
    DrillHeld,
    DrillCancelled,
    SafetyTalkHeld,
    WorkNoticeIssued,
    WorkNoticeAcknowledged,
    SafetyMeetingHeld,
    SurveyLaunched,
    SurveyCompleted,
    ProblemRegistered,
    ProblemResolved,
    ProblemReopened,
    ProblemConfirmed,
)

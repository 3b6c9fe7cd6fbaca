"""Request and response models of drills, safety talks, safety meetings and work notices."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from inspection.entrypoints.http.schemas.common import (
    FreeText,
    Headcount,
    Instant,
    Label,
    Ref,
    Request,
    Response,
    SiteRef,
)

DrillType = Literal[
    "FIRE_EVACUATION", "FLOOD", "GAS_LEAK", "EARTHQUAKE", "FOOD_SAFETY", "COMPREHENSIVE"
]
TalkFormat = Literal[
    "CENTRAL_GROUP_STUDY", "PARTY_BRANCH", "MINZHENG_LECTURE", "BUSINESS_STUDY", "ON_SITE"
]
SiteKind = Literal[
    "ELDERCARE_SAFETY_NET",
    "ELDERCARE_PUBLIC",
    "ELDERCARE_PRIVATE",
    "SOCIAL_WELFARE_HOME",
    "CHILD_WELFARE",
    "RELIEF_STATION",
    "FUNERAL_HOME",
]
Topic = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class PlanDrillRequest(Request):
    """Plan an emergency drill (应急演练) at a site."""

    id: uuid.UUID | None = None
    site_id: SiteRef
    drill_type: DrillType
    planned_on: date
    scenario: FreeText | None = None


class RecordDrillRequest(Request):
    """Record that the drill was held."""

    held_at: Instant
    participants: Headcount = Field(description="At least 1")
    residents_participating: Headcount = Field(default=0, description="Between 0 and participants")
    evaluation: FreeText | None = None


class DrillResponse(Response):
    """A drill."""

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


class SafetyTalkRequest(Request):
    """Record a safety talk (安全宣讲) held at the bureau (no venue) or at a site."""

    id: uuid.UUID | None = None
    venue_site_id: SiteRef | None = None
    format: TalkFormat
    topic: Topic
    speaker_person_id: uuid.UUID
    held_at: Instant
    audience_count: Headcount = Field(description="At least 1")


class SafetyTalkResponse(Response):
    """A safety talk."""

    id: uuid.UUID
    venue_site_id: uuid.UUID | None
    format: str
    topic: str
    speaker_person_id: uuid.UUID
    held_at: datetime
    audience_count: int


class SafetyMeetingRequest(Request):
    """Record a party-group or director's-office meeting on work safety."""

    id: uuid.UUID | None = None
    kind: Literal["PARTY_GROUP", "DIRECTOR_OFFICE"]
    held_at: Instant
    agenda_ref: Ref | None = None


class SafetyMeetingResponse(Response):
    """A safety meeting."""

    id: uuid.UUID
    kind: str
    held_at: datetime
    agenda_ref: str | None


class DraftWorkNoticeRequest(Request):
    """Draft a work notice (工作提示); targets are expanded when it is issued."""

    id: uuid.UUID | None = None
    title: Label
    content_ref: Ref | None = None
    issuer_person_id: uuid.UUID | None = Field(default=None, description="Default: the caller")
    target_site_ids: Annotated[list[uuid.UUID], Field(max_length=500)] = Field(default_factory=list)
    target_kinds: Annotated[list[SiteKind], Field(max_length=7)] = Field(
        default_factory=list, description="All active sites of these kinds, at issue time"
    )
    require_ack: bool = True
    ack_due_on: date


class AcknowledgeRequest(Request):
    """A target site acknowledges the notice."""

    site_id: uuid.UUID


class WorkNoticeResponse(Response):
    """A work notice and its acknowledgements (site id → when and by whom)."""

    id: uuid.UUID
    notice_no: str
    title: str
    content_ref: str | None
    issuer_person_id: uuid.UUID
    target_site_ids: list[uuid.UUID]
    target_kinds: list[str]
    require_ack: bool
    ack_due_on: date
    status: str
    issued_at: datetime | None
    acks: dict[str, Any]

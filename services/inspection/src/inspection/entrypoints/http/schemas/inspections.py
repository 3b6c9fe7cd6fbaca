"""Request and response models of inspections and hazards."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from inspection.entrypoints.http.schemas.common import (
    FreeText,
    Instant,
    ReasonRequest,
    Ref,
    Request,
    Response,
    SiteRef,
)

InspectionType = Literal["ROUTINE_WEEKLY", "LEADERSHIP_MONTHLY", "SPECIAL", "JOINT", "UNANNOUNCED"]
Level = Literal["GENERAL", "MAJOR"]
Category = Annotated[
    str,
    StringConstraints(min_length=1, max_length=32),
    Field(
        description="FIRE 消防, GAS 燃气, ELECTRICAL 用电, BUILDING 建筑, "
        "SPECIAL_EQUIPMENT 特种设备, FOOD 食品, MANAGEMENT 管理, OTHER 其他 (code or label)"
    ),
]
MajorBasis = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100),
    Field(
        description="FACILITY_DEFECT, QUALIFICATION, DAILY_MANAGEMENT, ILLEGAL_SERVICE, OTHER "
        "(民政部《养老机构重大事故隐患判定标准》 aspects; code or Chinese label)"
    ),
]
RefList = Annotated[list[Ref], Field(max_length=50)]
Plain = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
# Money is validated by the domain so that 100.5, "100" or -1 get 422 invalid_amount.
Money = Annotated[Any, Field(json_schema_extra={"type": "integer", "minimum": 0})]


class ScheduleInspectionRequest(Request):
    """Schedule an inspection (安全检查)."""

    id: uuid.UUID | None = None
    site_id: SiteRef
    type: InspectionType
    campaign_id: uuid.UUID
    lead_person_id: uuid.UUID
    participant_ids: Annotated[list[uuid.UUID], Field(max_length=50)] = Field(default_factory=list)
    planned_on: date
    announced: bool | None = Field(default=None, description="Default: all but UNANNOUNCED")
    checklist_ref: Ref | None = None


class CompleteInspectionRequest(Request):
    """Report the inspection as carried out."""

    completed_at: Instant
    participant_ids: Annotated[list[uuid.UUID], Field(max_length=50)] | None = Field(
        default=None, description="Replaces the planned participants when given"
    )
    summary: FreeText | None = None


class CancelRequest(ReasonRequest):
    """Call something off, with a machine reason code (and an optional note)."""


class InspectionResponse(Response):
    """An inspection."""

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
    summary: str | None
    hazards_found: int
    cancel_reason_code: str | None
    cancelled_at: datetime | None


class FoundHazardRequest(Request):
    """A hazard found by an inspection (site and campaign come from the inspection)."""

    id: uuid.UUID | None = None
    category: Category
    level: Level
    major_basis: MajorBasis | None = None
    description: FreeText
    photo_ids: RefList = Field(default_factory=list)
    found_at: Instant | None = Field(default=None, description="Default: now")
    found_by: uuid.UUID | None = Field(default=None, description="Default: the caller")


class SelfReportedHazardRequest(FoundHazardRequest):
    """A hazard a site reports itself."""

    site_id: SiteRef
    campaign_id: uuid.UUID | None = None


class AssignRequest(Request):
    """The "五定" plan; a MAJOR hazard needs every field, a GENERAL one the first three."""

    responsible_person_id: uuid.UUID | None = None
    measures: Plain | None = None
    deadline_on: date | None = Field(default=None, description="Local date, after today")
    standard: Plain | None = None
    funds_minor: Money = None
    funds_source: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    contingency_plan: Plain | None = None
    interim_measures: Plain | None = None
    verifier_id: uuid.UUID | None = Field(default=None, description="Default: who found it")


class ExtendRequest(Request):
    """A later deadline, with the reason."""

    new_deadline_on: date
    reason: Plain


class SubmitRequest(Request):
    """The rectification's evidence."""

    evidence_ids: RefList
    note: FreeText | None = None


class VerifyRequest(Request):
    """The on-site verification's result."""

    result: Literal["PASS", "FAIL"]
    verifier_id: uuid.UUID
    note: FreeText | None = None


class HazardResponse(Response):
    """A hazard and its rectification record."""

    id: uuid.UUID
    hazard_no: str
    site_id: uuid.UUID
    inspection_id: uuid.UUID | None
    campaign_id: uuid.UUID | None
    category: str
    level: str
    major_basis: str | None
    description: str
    photo_ids: list[str]
    found_at: datetime
    found_by: uuid.UUID
    status: str
    overdue: bool = Field(description="Past its deadline while REPORTED or IN_RECTIFICATION")
    escalation_level: int
    extension_count: int
    rework_count: int
    responsible_person_id: uuid.UUID | None
    measures: str | None
    standard: str | None
    funds_minor: int
    funds_source: str | None
    deadline_on: date | None
    original_deadline_on: date | None
    contingency_plan: str | None
    interim_measures: str | None
    verifier_id: uuid.UUID | None
    evidence_ids: list[str]
    submitted_at: datetime | None
    verified_at: datetime | None

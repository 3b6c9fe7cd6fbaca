"""Request and response models of surveys and citizens' problems."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from inspection.entrypoints.http.schemas.common import (
    Code,
    FreeText,
    Instant,
    Label,
    ReasonRequest,
    Ref,
    Request,
    Response,
)


class LaunchSurveyRequest(Request):
    """Launch a survey (调研)."""

    id: uuid.UUID | None = None
    title: Label
    theme: Label
    scale: Literal["LARGE", "ORDINARY"]
    lead_person_id: uuid.UUID | None = Field(default=None, description="Default: the caller")
    launched_at: Instant | None = Field(default=None, description="Default: now")
    report_ref: Ref | None = None


class CompleteSurveyRequest(Request):
    """Complete a survey."""

    completed_at: Instant | None = Field(default=None, description="Default: now")
    report_ref: Ref | None = None


class SurveyResponse(Response):
    """A survey."""

    id: uuid.UUID
    title: str
    theme: str
    scale: str
    lead_person_id: uuid.UUID
    launched_at: datetime
    completed_at: datetime | None
    report_ref: str | None
    status: str
    problems_registered: int


class RegisterProblemRequest(Request):
    """Register a citizen's problem (群众身边实际问题); the summary is PII-scanned."""

    id: uuid.UUID | None = None
    source: Literal["SURVEY", "HOTLINE_12345", "INSPECTION", "VISIT"]
    survey_id: uuid.UUID | None = Field(default=None, description="Required when source=SURVEY")
    county_code: Code
    township_code: Code | None = None
    category: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    summary: FreeText
    owner_unit: Label


class ResolveProblemRequest(Request):
    """How the problem was resolved."""

    resolution: FreeText
    note: FreeText | None = None


class ReopenProblemRequest(ReasonRequest):
    """Why a resolved problem is reopened."""


class ProblemResponse(Response):
    """A citizen's problem."""

    id: uuid.UUID
    source: str
    survey_id: uuid.UUID | None
    county_code: str
    township_code: str | None
    category: str
    summary: str
    owner_unit: str
    status: str
    registered_at: datetime
    resolved_at: datetime | None
    resolution: str | None
    confirmed_at: datetime | None
    reopened_at: datetime | None
    reopen_reason_code: str | None
    reopen_count: int

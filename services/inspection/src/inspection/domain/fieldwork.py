"""Surveys (调研) and citizens' problems (群众身边实际问题)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from inspection.domain.errors import InvalidInputError, in_future, invalid_state

SCALES = ("LARGE", "ORDINARY")
SOURCES = ("SURVEY", "HOTLINE_12345", "INSPECTION", "VISIT")
IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"
OPEN = "OPEN"
RESOLVED = "RESOLVED"
REOPENED = "REOPENED"
CONFIRMED = "CONFIRMED"


@dataclass
class Survey:
    """A field survey led by a bureau leader."""

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
    version: int

    def complete(
        self, *, completed_at: datetime, report_ref: str | None, problems: int, now: datetime
    ) -> None:
        """Close the survey, counting the problems registered from it."""
        if self.status != IN_PROGRESS:
            raise invalid_state("调研", self.status)
        if completed_at > now:
            raise in_future("完成时间")
        if completed_at < self.launched_at:
            raise InvalidInputError("invalid_period", "完成时间不能早于启动时间")
        self.status = COMPLETED
        self.completed_at = completed_at
        self.report_ref = report_ref or self.report_ref
        self.problems_registered = problems
        self.version += 1


def launch_survey(survey: Survey, *, now: datetime) -> Survey:
    """A survey launched no later than now."""
    if survey.launched_at > now:
        raise in_future("启动时间")
    return survey


@dataclass
class Problem:
    """A citizen's problem: open, resolved, confirmed, or reopened after a resolution."""

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
    version: int

    def resolve(self, *, resolution: str, now: datetime) -> None:
        """Record a resolution (not again while resolved or confirmed)."""
        if self.status not in (OPEN, REOPENED):
            raise invalid_state("问题", self.status)
        self.status = RESOLVED
        self.resolution = resolution
        self.resolved_at = now
        self.version += 1

    def reopen(self, *, reason_code: str, now: datetime) -> None:
        """Reopen a resolved problem; it stops counting as solved."""
        if self.status != RESOLVED:
            raise invalid_state("问题", self.status)
        self.status = REOPENED
        self.reopen_reason_code = reason_code
        self.reopened_at = now
        self.reopen_count += 1
        self.version += 1

    def confirm(self, *, now: datetime) -> None:
        """Confirm a resolution with the citizen."""
        if self.status != RESOLVED:
            raise invalid_state("问题", self.status)
        self.status = CONFIRMED
        self.confirmed_at = now
        self.version += 1


def require_survey_link(source: str, survey_id: uuid.UUID | None) -> None:
    """A problem from a survey names the survey; 422 survey_required otherwise."""
    if source == "SURVEY" and survey_id is None:
        raise InvalidInputError("survey_required", "来源为调研的问题须注明调研（survey_id）")

"""Ports: what the use cases need from storage and the outbox (adapters implement them)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypeVar

from inspection.domain.activities import Drill, SafetyMeeting, SafetyTalk
from inspection.domain.campaigns import Campaign
from inspection.domain.fieldwork import Problem, Survey
from inspection.domain.hazards import Hazard
from inspection.domain.inspections import Inspection
from inspection.domain.leaders import Leader, Period
from inspection.domain.notices import WorkNotice
from inspection.domain.policy import Policy
from inspection.domain.sites import Site
from shared.clock import local_date
from shared.events.base import IntegrationEvent

T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    """Who acts, and when by the service's clock."""

    now: datetime
    actor: uuid.UUID | None
    role: str | None
    policy: Policy

    @property
    def today(self) -> date:
        """The Asia/Shanghai local date of now."""
        return local_date(self.now)


class Repository(Protocol[T]):
    """One aggregate's table: ``get`` locks the row for the rest of the transaction."""

    async def get(self, id: uuid.UUID) -> T | None: ...

    async def add(self, item: T) -> None:
        """Insert a new aggregate; ConflictError already_exists when its id is taken."""

    async def save(self, item: T) -> None: ...


class Lookups(Protocol):
    """Queries the use cases need beyond loading one aggregate."""

    async def site(self, site_id: uuid.UUID) -> Site | None: ...

    async def active_site_ids(self, kinds: Sequence[str]) -> list[uuid.UUID]: ...

    async def leaders(self) -> list[Leader]: ...

    async def campaign_name_taken(self, name: str) -> bool: ...

    async def next_number(self, prefix: str, year: int) -> str: ...

    async def problems_of_survey(self, survey_id: uuid.UUID) -> int: ...


class Cadence(Protocol):
    """The record of cadence periods already judged, and the counts that judge them."""

    async def last_evaluated_end(self, person_id: uuid.UUID, kind: str) -> date | None: ...

    async def qualifying_inspections(self, person_id: uuid.UUID, period: Period) -> int: ...

    async def record(
        self, person_id: uuid.UUID, period: Period, *, qualifying: int, at: datetime
    ) -> bool: ...


class UnitOfWork(Protocol):
    """One transaction: the aggregates, the lookups, and the events it will emit."""

    campaigns: Repository[Campaign]
    leaders: Repository[Leader]
    inspections: Repository[Inspection]
    hazards: Repository[Hazard]
    drills: Repository[Drill]
    talks: Repository[SafetyTalk]
    notices: Repository[WorkNotice]
    meetings: Repository[SafetyMeeting]
    surveys: Repository[Survey]
    problems: Repository[Problem]
    lookups: Lookups
    cadence: Cadence

    def publish(self, event: IntegrationEvent, *, version: int) -> None: ...

"""In-memory fakes of the ports, for use-case tests without a database."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from inspection.domain.errors import ConflictError
from inspection.domain.leaders import Leader, Period
from inspection.domain.sites import BUREAU, BUREAU_SITE_ID, Site
from shared.events.base import IntegrationEvent


class FakeRepository:
    """Aggregates by id; ``get`` hands out a copy, as loading a row would."""

    def __init__(self) -> None:
        self.items: dict[uuid.UUID, Any] = {}

    async def get(self, id: uuid.UUID) -> Any:
        item = self.items.get(id)
        return copy.deepcopy(item)

    async def add(self, item: Any) -> None:
        if item.id in self.items:  # as the table's primary key refuses it
            raise ConflictError("already_exists", "该 id 已存在")
        self.items[item.id] = copy.deepcopy(item)

    async def save(self, item: Any) -> None:
        assert item.id in self.items
        self.items[item.id] = copy.deepcopy(item)


class FakeLookups:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.sites: dict[uuid.UUID, Site] = {}
        self.numbers: dict[tuple[str, int], int] = {}

    async def site(self, site_id: uuid.UUID) -> Site | None:
        return BUREAU if site_id == BUREAU_SITE_ID else self.sites.get(site_id)

    async def active_site_ids(self, kinds: Sequence[str]) -> list[uuid.UUID]:
        return [s.id for s in self.sites.values() if s.status == "ACTIVE" and s.kind in kinds]

    async def leaders(self) -> list[Leader]:
        return [copy.deepcopy(x) for x in self.uow.leaders.items.values() if x.active]

    async def campaign_name_taken(self, name: str) -> bool:
        return any(
            c.name == name and c.status != "CLOSED" for c in self.uow.campaigns.items.values()
        )

    async def next_number(self, prefix: str, year: int) -> str:
        n = self.numbers[(prefix, year)] = self.numbers.get((prefix, year), 0) + 1
        return f"{prefix}-{year}-{n:03d}"

    async def problems_of_survey(self, survey_id: uuid.UUID) -> int:
        return sum(p.survey_id == survey_id for p in self.uow.problems.items.values())


class FakeCadence:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.judged: dict[tuple[uuid.UUID, str, str], tuple[Period, int]] = {}

    async def last_evaluated_end(self, person_id: uuid.UUID, kind: str) -> date | None:
        ends = [
            p.end_on for (who, k, _), (p, _) in self.judged.items() if (who, k) == (person_id, kind)
        ]
        return max(ends, default=None)

    async def qualifying_inspections(self, person_id: uuid.UUID, period: Period) -> int:
        return sum(
            i.status == "COMPLETED"
            and i.completed_on is not None
            and period.start_on <= i.completed_on <= period.end_on
            and (i.lead_person_id == person_id or person_id in i.participant_ids)
            for i in self.uow.inspections.items.values()
        )

    async def record(
        self, person_id: uuid.UUID, period: Period, *, qualifying: int, at: datetime
    ) -> bool:
        key = (person_id, period.kind, period.key)
        if key in self.judged:
            return False
        self.judged[key] = (period, qualifying)
        return True


class FakeUnitOfWork:
    """Every repository in memory; published events are kept with their versions."""

    def __init__(self) -> None:
        self.campaigns = FakeRepository()
        self.leaders = FakeRepository()
        self.inspections = FakeRepository()
        self.hazards = FakeRepository()
        self.drills = FakeRepository()
        self.talks = FakeRepository()
        self.notices = FakeRepository()
        self.meetings = FakeRepository()
        self.surveys = FakeRepository()
        self.problems = FakeRepository()
        self.lookups = FakeLookups(self)
        self.cadence = FakeCadence(self)
        self.published: list[tuple[IntegrationEvent, int]] = []

    def publish(self, event: IntegrationEvent, *, version: int) -> None:
        self.published.append((event, version))

    def types(self) -> list[str]:
        return [type(event).__name__ for event, _ in self.published]

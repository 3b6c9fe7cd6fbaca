"""The tables of the eldercare schema and the lookups the rules need."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from uuid import UUID

import asyncpg

from eldercare.adapters.rows import Table
from eldercare.domain.elders import Elder
from eldercare.domain.home_modifications import OPEN_STATES, HomeModification, PlanItem
from eldercare.domain.institutions import Institution
from eldercare.domain.meals import OPEN, Meal, MealPoint, Slot
from eldercare.domain.volunteers import Branch, Corps, Volunteer, VolunteerService
from eldercare.domain.wristbands import MissingCase, Wristband


def _plan_out(plan: tuple[PlanItem, ...]) -> list[dict[str, Any]]:
    return [
        {"item_code": i.item_code, "category": i.category, "cost_minor": i.cost_minor} for i in plan
    ]


def _plan_in(rows: list[dict[str, Any]]) -> tuple[PlanItem, ...]:
    return tuple(PlanItem(**row) for row in rows)


def _slots_out(slots: tuple[Slot, ...]) -> list[dict[str, str]]:
    return [
        {"name": s.name, "start": s.start.strftime("%H:%M"), "end": s.end.strftime("%H:%M")}
        for s in slots
    ]


def _slots_in(rows: list[dict[str, str]]) -> tuple[Slot, ...]:
    return tuple(
        Slot(r["name"], time.fromisoformat(r["start"]), time.fromisoformat(r["end"])) for r in rows
    )


INSTITUTIONS = Table("institutions", Institution)
ELDERS = Table("elders", Elder)
HOME_MODIFICATIONS = Table(
    "home_modifications", HomeModification, codecs={"plan": (_plan_out, _plan_in)}
)
MEAL_POINTS = Table("meal_points", MealPoint, codecs={"slots": (_slots_out, _slots_in)})
MEALS = Table("meals", Meal)
WRISTBANDS = Table("wristbands", Wristband)
MISSING_CASES = Table("missing_cases", MissingCase)
CORPS = Table("volunteer_corps", Corps)
BRANCHES = Table("volunteer_branches", Branch)
VOLUNTEERS = Table("volunteers", Volunteer)
VOLUNTEER_SERVICES = Table("volunteer_services", VolunteerService)

_FILING_NO_TAKEN = "SELECT EXISTS (SELECT 1 FROM institutions WHERE filing_no = $1)"
_ELDER_BY_HMAC = "SELECT id FROM elders WHERE id_card_hmac = $1"
_RESIDENTS = "SELECT count(*) FROM elders WHERE institution_id = $1"
_INSERT_ASSESSMENT = """
INSERT INTO elder_assessments (id, elder_id, assessor_id, assessed_at) VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING RETURNING true
"""
_LOCK_HOUSEHOLD = "SELECT pg_advisory_xact_lock(hashtext($1))"
_HOUSEHOLD_BLOCKED = """
SELECT EXISTS (SELECT 1 FROM home_modifications WHERE household_id = $1
    AND (status = ANY($2::text[]) OR (status = 'ACCEPTED' AND accepted_at >= $3)))
"""
_STATUS_AT = """
SELECT status FROM meal_point_status_history WHERE meal_point_id = $1 AND at <= $2
ORDER BY at DESC, seq DESC LIMIT 1
"""
_INSERT_STATUS = (
    "INSERT INTO meal_point_status_history (meal_point_id, status, at) VALUES ($1, $2, $3)"
)
_MEALS_IN_SLOT = (
    "SELECT count(*) FROM meals WHERE meal_point_id = $1 AND served_on = $2 AND slot = $3"
)
_MEAL_TAKEN = (
    "SELECT EXISTS (SELECT 1 FROM meals WHERE elder_id = $1 AND served_on = $2 AND slot = $3)"
)
_CODE_TAKEN = "SELECT EXISTS (SELECT 1 FROM wristbands WHERE code = $1)"
_ACTIVE_BANDS = "SELECT id FROM wristbands WHERE elder_id = $1 AND status = 'ACTIVE' ORDER BY id"
_OPEN_CASE = "SELECT id FROM missing_cases WHERE elder_id = $1 AND found_at IS NULL"
_BRANCH_NAME_TAKEN = (
    "SELECT EXISTS (SELECT 1 FROM volunteer_branches WHERE corps_id = $1 AND name = $2)"
)


class PgLookups:
    """The Lookups port on one connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def filing_no_taken(self, filing_no: str) -> bool:
        return bool(await self._conn.fetchval(_FILING_NO_TAKEN, filing_no))

    async def elder_by_blind_index(self, blind_index: bytes) -> UUID | None:
        found: UUID | None = await self._conn.fetchval(_ELDER_BY_HMAC, blind_index)
        return found

    async def residents(self, institution_id: UUID) -> int:
        return int(await self._conn.fetchval(_RESIDENTS, institution_id))

    async def add_assessment(
        self,
        *,
        id: UUID,
        elder_id: UUID,
        assessor_id: UUID,
        assessed_at: datetime,
    ) -> bool:
        return bool(
            await self._conn.fetchval(_INSERT_ASSESSMENT, id, elder_id, assessor_id, assessed_at)
        )

    async def lock_household(self, household_id: UUID) -> None:
        await self._conn.execute(_LOCK_HOUSEHOLD, f"household:{household_id}")

    async def household_blocked(self, household_id: UUID, *, accepted_since: datetime) -> bool:
        return bool(
            await self._conn.fetchval(
                _HOUSEHOLD_BLOCKED, household_id, sorted(OPEN_STATES), accepted_since
            )
        )

    async def meal_point_open_at(self, meal_point_id: UUID, at: datetime) -> bool:
        return bool(await self._conn.fetchval(_STATUS_AT, meal_point_id, at) == OPEN)

    async def record_meal_point_status(
        self, meal_point_id: UUID, status: str, at: datetime
    ) -> None:
        await self._conn.execute(_INSERT_STATUS, meal_point_id, status, at)

    async def meals_in_slot(self, meal_point_id: UUID, served_on: date, slot: str) -> int:
        return int(await self._conn.fetchval(_MEALS_IN_SLOT, meal_point_id, served_on, slot))

    async def meal_taken(self, elder_id: UUID, served_on: date, slot: str) -> bool:
        return bool(await self._conn.fetchval(_MEAL_TAKEN, elder_id, served_on, slot))

    async def wristband_code_taken(self, code: str) -> bool:
        return bool(await self._conn.fetchval(_CODE_TAKEN, code))

    async def active_wristbands(self, elder_id: UUID) -> list[UUID]:
        return [r["id"] for r in await self._conn.fetch(_ACTIVE_BANDS, elder_id)]

    async def open_missing_case(self, elder_id: UUID) -> UUID | None:
        found: UUID | None = await self._conn.fetchval(_OPEN_CASE, elder_id)
        return found

    async def branch_name_taken(self, corps_id: UUID, name: str) -> bool:
        return bool(await self._conn.fetchval(_BRANCH_NAME_TAKEN, corps_id, name))

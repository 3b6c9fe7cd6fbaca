"""Queries the use cases need besides their aggregates: sites, leaders, numbers, cadence."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from inspection.adapters.tables import statements, to_model
from inspection.domain.leaders import Leader, Period
from inspection.domain.sites import BUREAU, BUREAU_SITE_ID, Site
from shared.db import Conn

_SELECT_SITE = "SELECT id, kind, status FROM site_replica WHERE id = $1"
_SELECT_ACTIVE_SITES_OF_KINDS = """
SELECT id FROM site_replica WHERE status = 'ACTIVE' AND kind = ANY($1::text[]) ORDER BY id
"""
_LOCK_LEADERSHIP = "SELECT pg_advisory_xact_lock(hashtext('inspection:leadership'))"
_CAMPAIGN_NAME_TAKEN = (
    "SELECT EXISTS (SELECT 1 FROM campaigns WHERE name = $1 AND status <> 'CLOSED')"
)
_NEXT_NUMBER = """
INSERT INTO number_sequences (prefix, year, last) VALUES ($1, $2, 1)
ON CONFLICT (prefix, year) DO UPDATE SET last = number_sequences.last + 1
RETURNING last
"""
_COUNT_PROBLEMS_OF_SURVEY = "SELECT count(*) FROM problems WHERE survey_id = $1"
_LAST_EVALUATED = """
SELECT max(period_end_on) FROM cadence_evaluations WHERE person_id = $1 AND period_kind = $2
"""
_QUALIFYING = """
SELECT count(*) FROM inspections
WHERE status = 'COMPLETED' AND completed_on BETWEEN $2 AND $3
  AND (lead_person_id = $1 OR $1 = ANY (participant_ids))
"""
_RECORD_EVALUATION = """
INSERT INTO cadence_evaluations
    (person_id, period_kind, period_key, period_start_on, period_end_on, qualifying, breached,
     evaluated_at)
VALUES ($1, $2, $3, $4, $5, $6, $6 = 0, $7)
ON CONFLICT DO NOTHING RETURNING 1
"""


class PgLookups:
    """Lookups on the service's own schema."""

    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def site(self, site_id: uuid.UUID) -> Site | None:
        """A site from the replica, or the bureau."""
        if site_id == BUREAU_SITE_ID:
            return BUREAU
        row = await self._conn.fetchrow(_SELECT_SITE, site_id)
        return None if row is None else Site(id=row["id"], kind=row["kind"], status=row["status"])

    async def active_site_ids(self, kinds: Sequence[str]) -> list[uuid.UUID]:
        """Active sites of the given kinds."""
        rows = await self._conn.fetch(_SELECT_ACTIVE_SITES_OF_KINDS, list(kinds))
        return [row["id"] for row in rows]

    async def leaders(self) -> list[Leader]:
        """The active members of the group (serialises commands that depend on it)."""
        await self._conn.execute(_LOCK_LEADERSHIP)
        sql = statements("leaders", Leader).select.replace("WHERE id = $1", "WHERE status = $1")
        rows = await self._conn.fetch(sql + " ORDER BY id", "ACTIVE")
        return [to_model(Leader, row) for row in rows]

    async def campaign_name_taken(self, name: str) -> bool:
        """Whether a campaign not yet closed has this name."""
        return bool(await self._conn.fetchval(_CAMPAIGN_NAME_TAKEN, name))

    async def next_number(self, prefix: str, year: int) -> str:
        """The next human code of a series, e.g. ``JC-2024-007``."""
        last = await self._conn.fetchval(_NEXT_NUMBER, prefix, year)
        return f"{prefix}-{year}-{last:03d}"

    async def problems_of_survey(self, survey_id: uuid.UUID) -> int:
        """How many problems were registered from a survey."""
        return int(await self._conn.fetchval(_COUNT_PROBLEMS_OF_SURVEY, survey_id))


class PgCadence:
    """The cadence record: judged periods and the inspections that count."""

    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def last_evaluated_end(self, person_id: uuid.UUID, kind: str) -> date | None:
        """The end of the latest period already judged for a member and cadence."""
        value: date | None = await self._conn.fetchval(_LAST_EVALUATED, person_id, kind)
        return value

    async def qualifying_inspections(self, person_id: uuid.UUID, period: Period) -> int:
        """Completed inspections led or joined by the person, by local completion date."""
        return int(
            await self._conn.fetchval(_QUALIFYING, person_id, period.start_on, period.end_on)
        )

    async def record(
        self, person_id: uuid.UUID, period: Period, *, qualifying: int, at: datetime
    ) -> bool:
        """Record the judgement; False when the period had already been judged."""
        inserted = await self._conn.fetchval(
            _RECORD_EVALUATION,
            person_id,
            period.kind,
            period.key,
            period.start_on,
            period.end_on,
            qualifying,
            at,
        )
        return inserted is not None

"""SQL of funds, projects and donations."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from charity.adapters.constraints import translated
from charity.domain.commands import RecordDonation
from charity.domain.funds import Fund, Item, Project, ProjectKind, Purpose, SourceType

_SELECT_FUND = "SELECT id, code, source_type, fiscal_year, version FROM funds WHERE id = $1"
_INSERT_FUND = """
INSERT INTO funds (id, code, source_type, fiscal_year, opened_at, version)
VALUES ($1, $2, $3, $4, $5, $6)
"""
_INSERT_CREDIT = """
INSERT INTO fund_credits (fund_id, amount_minor, credited_at, reference) VALUES ($1, $2, $3, $4)
"""
_UPDATE_FUND = "UPDATE funds SET version = $2 WHERE id = $1"
_SELECT_PROJECT = """
SELECT id, code, name, brand, kind, purpose, in_project_library, version FROM projects WHERE id = $1
"""
_INSERT_PROJECT = """
INSERT INTO projects (id, code, name, brand, kind, purpose, in_project_library, registered_at,
                      version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
"""
_INSERT_DONOR = """
INSERT INTO donors (id, donor_type, id_card_hmac, display_name) VALUES ($1, $2, $3, $4)
"""
_INSERT_DONATION = """
INSERT INTO donations (id, receipt_no, fund_id, donor_id, donor_type, anonymous, donor_display_name,
                       kind, amount_minor, items, designated_project_id, received_at, recorded_at,
                       version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now(), 1)
"""


def items_json(items: tuple[Item, ...] | list[Item]) -> list[dict[str, object]]:
    """Goods lines as stored (the pool's jsonb codec encodes them)."""
    return [dict(vars(item)) for item in items]


class PostgresFunds:
    """Funds on the command's connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def get(self, fund_id: UUID, *, lock: bool = False) -> Fund | None:
        row = await self._conn.fetchrow(_SELECT_FUND + (" FOR UPDATE" if lock else ""), fund_id)
        if row is None:
            return None
        return Fund(
            row["id"],
            row["code"],
            SourceType(row["source_type"]),
            row["fiscal_year"],
            row["version"],
        )

    async def add(self, fund: Fund, *, opened_at: datetime) -> None:
        with translated():
            await self._conn.execute(
                _INSERT_FUND,
                fund.id,
                fund.code,
                fund.source_type,
                fund.fiscal_year,
                opened_at,
                fund.version,
            )

    async def add_credit(
        self, fund_id: UUID, *, amount_minor: int, credited_at: datetime, reference: str
    ) -> None:
        with translated():
            await self._conn.execute(_INSERT_CREDIT, fund_id, amount_minor, credited_at, reference)

    async def save(self, fund: Fund) -> None:
        await self._conn.execute(_UPDATE_FUND, fund.id, fund.version)


class PostgresProjects:
    """Projects on the command's connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def get(self, project_id: UUID) -> Project | None:
        row = await self._conn.fetchrow(_SELECT_PROJECT, project_id)
        if row is None:
            return None
        return Project(
            row["id"],
            row["code"],
            row["name"],
            row["brand"],
            ProjectKind(row["kind"]),
            Purpose(row["purpose"]),
            row["in_project_library"],
            row["version"],
        )

    async def add(self, project: Project, *, registered_at: datetime) -> None:
        with translated():
            await self._conn.execute(
                _INSERT_PROJECT,
                project.id,
                project.code,
                project.name,
                project.brand,
                project.kind,
                project.purpose,
                project.in_project_library,
                registered_at,
                project.version,
            )


class PostgresDonations:
    """Donations and donors on the command's connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def donor_by_fingerprint(self, fingerprint: str) -> UUID | None:
        found: UUID | None = await self._conn.fetchval(
            "SELECT id FROM donors WHERE id_card_hmac = $1", fingerprint
        )
        return found

    async def donor_exists(self, donor_id: UUID) -> bool:
        return bool(await self._conn.fetchval("SELECT 1 FROM donors WHERE id = $1", donor_id))

    async def add_donor(
        self, donor_id: UUID, *, donor_type: str, fingerprint: str | None, display_name: str | None
    ) -> None:
        await self._conn.execute(_INSERT_DONOR, donor_id, donor_type, fingerprint, display_name)

    async def add(self, cmd: RecordDonation, *, donor_id: UUID | None) -> None:
        with translated():
            await self._conn.execute(
                _INSERT_DONATION,
                cmd.donation_id,
                cmd.receipt_no,
                cmd.fund_id,
                donor_id,
                cmd.donor_type,
                cmd.anonymous,
                cmd.donor_display_name,
                cmd.kind,
                cmd.amount_minor,
                items_json(cmd.items),
                cmd.designated_project_id,
                cmd.received_at,
            )

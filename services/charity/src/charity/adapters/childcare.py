"""SQL of child-care sessions and their providers."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from charity.adapters.constraints import translated
from charity.domain.childcare import ProviderRole, Session

_PUT_PROVIDER = """
INSERT INTO child_care_providers (person_id, role, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (person_id) DO UPDATE SET role = $2, updated_at = $3
"""
_INSERT_SESSION = """
INSERT INTO child_care_sessions (id, project_id, provider_person_id, held_on, child_count, minutes,
                                 recorded_at, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, 1)
"""
_INSERT_CHILDREN = """
INSERT INTO child_care_session_children (session_id, beneficiary_id)
SELECT $1, unnest($2::uuid[])
"""


class PostgresSessions:
    """Sessions and providers on the command's connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def provider_role(self, person_id: UUID) -> ProviderRole | None:
        role = await self._conn.fetchval(
            "SELECT role FROM child_care_providers WHERE person_id = $1", person_id
        )
        return None if role is None else ProviderRole(role)

    async def put_provider(self, person_id: UUID, role: ProviderRole, at: datetime) -> None:
        await self._conn.execute(_PUT_PROVIDER, person_id, role, at)

    async def add(self, session: Session, *, at: datetime) -> None:
        s = session
        with translated():
            await self._conn.execute(
                _INSERT_SESSION,
                s.id,
                s.project_id,
                s.provider_person_id,
                s.held_on,
                s.child_count,
                s.minutes,
                at,
            )
        await self._conn.execute(_INSERT_CHILDREN, s.id, list(s.child_ids))

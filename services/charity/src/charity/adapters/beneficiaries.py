"""SQL of beneficiaries, enrolments and the eldercare replicas."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from uuid import UUID

import asyncpg

from charity.adapters.constraints import translated
from charity.domain.beneficiaries import Beneficiary, BeneficiaryKind, BeneficiaryStatus
from charity.domain.replicas import ElderReplica, ElderStatus, InstitutionReplica

_SELECT = """
SELECT b.id, b.kind, b.county_code, b.elder_id, b.institution_id, b.status, b.version,
       coalesce(array_agg(e.project_id) FILTER (WHERE e.project_id IS NOT NULL), '{}') AS enrolled
FROM beneficiaries b LEFT JOIN enrollments e ON e.beneficiary_id = b.id AND e.ended_at IS NULL
WHERE b.id = $1 GROUP BY b.id
"""
_LOCK = "SELECT 1 FROM beneficiaries WHERE id = $1 FOR UPDATE"
_INSERT = """
INSERT INTO beneficiaries (id, kind, elder_id, institution_id, county_code, status, id_card_hmac,
                           bank_account_token, registered_at, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
"""
_INSERT_ENROLMENT = """
INSERT INTO enrollments (beneficiary_id, project_id, enrolled_at) VALUES ($1, $2, $3)
"""
_UPDATE_VERSION = "UPDATE beneficiaries SET version = $2 WHERE id = $1"
_DEACTIVATE = """
UPDATE beneficiaries SET status = 'INACTIVE', deactivated_at = $3, deactivation_reason = $4,
                         version = $2
WHERE id = $1
"""
_END_ENROLMENTS = """
UPDATE enrollments SET ended_at = $2, end_reason = $3 WHERE beneficiary_id = $1 AND ended_at IS NULL
"""
_ENROLLED_CHILDREN = """
SELECT b.id FROM beneficiaries b JOIN enrollments e ON e.beneficiary_id = b.id
WHERE e.project_id = $1 AND e.ended_at IS NULL AND b.status = 'ACTIVE'
  AND b.kind IN ('CHILD', 'STUDENT') AND b.id = ANY($2::uuid[])
"""
_ELDER = "SELECT elder_id, registered, status, county_code FROM elder_replica WHERE elder_id = $1"
_INSTITUTION = """
SELECT institution_id, registered, status, county_code FROM institution_replica
WHERE institution_id = $1
"""
# A registration never undoes a status learnt earlier (a death may arrive first).
_ELDER_REGISTERED = """
INSERT INTO elder_replica (elder_id, registered, county_code, age_band, status_version)
VALUES ($1, true, $2, $3, $4)
ON CONFLICT (elder_id) DO UPDATE SET registered = true, county_code = $2, age_band = $3,
                                     updated_at = now()
"""
# Statuses only move forward by aggregate version; DECEASED is final whatever arrives later.
_ELDER_LEFT = """
INSERT INTO elder_replica AS r (elder_id, status, status_version, left_on) VALUES ($1, $2, $3, $4)
ON CONFLICT (elder_id) DO UPDATE SET status = $2, status_version = $3, left_on = $4,
                                     updated_at = now()
WHERE r.status_version < $3 AND r.status <> 'DECEASED'
"""
_INSTITUTION_REGISTERED = """
INSERT INTO institution_replica (institution_id, registered, kind, county_code, status,
                                 status_version)
VALUES ($1, true, $2, $3, $4, $5)
ON CONFLICT (institution_id) DO UPDATE SET registered = true, kind = $2, county_code = $3,
                                           updated_at = now()
"""
_INSTITUTION_STATUS = """
INSERT INTO institution_replica AS r (institution_id, status, status_version) VALUES ($1, $2, $3)
ON CONFLICT (institution_id) DO UPDATE SET status = $2, status_version = $3, updated_at = now()
WHERE r.status_version < $3
"""


class PostgresBeneficiaries:
    """Beneficiaries on the command's connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def get(self, beneficiary_id: UUID, *, lock: bool = False) -> Beneficiary | None:
        if lock:
            await self._conn.execute(_LOCK, beneficiary_id)
        row = await self._conn.fetchrow(_SELECT, beneficiary_id)
        if row is None:
            return None
        return Beneficiary(
            row["id"],
            BeneficiaryKind(row["kind"]),
            row["county_code"],
            elder_id=row["elder_id"],
            institution_id=row["institution_id"],
            status=BeneficiaryStatus(row["status"]),
            enrolled=set(row["enrolled"]),
            version=row["version"],
        )

    async def by_fingerprint(self, fingerprint: str) -> UUID | None:
        found: UUID | None = await self._conn.fetchval(
            "SELECT id FROM beneficiaries WHERE id_card_hmac = $1", fingerprint
        )
        return found

    async def account_token(self, beneficiary_id: UUID) -> UUID | None:
        found: UUID | None = await self._conn.fetchval(
            "SELECT bank_account_token FROM beneficiaries WHERE id = $1", beneficiary_id
        )
        return found

    async def add(
        self,
        beneficiary: Beneficiary,
        *,
        fingerprint: str | None,
        account_token: UUID | None,
        registered_at: datetime,
    ) -> None:
        with translated():
            await self._conn.execute(
                _INSERT,
                beneficiary.id,
                beneficiary.kind,
                beneficiary.elder_id,
                beneficiary.institution_id,
                beneficiary.county_code,
                beneficiary.status,
                fingerprint,
                account_token,
                registered_at,
                beneficiary.version,
            )

    async def add_enrolment(self, beneficiary: Beneficiary, project_id: UUID, at: datetime) -> None:
        with translated():
            await self._conn.execute(_INSERT_ENROLMENT, beneficiary.id, project_id, at)
        await self._conn.execute(_UPDATE_VERSION, beneficiary.id, beneficiary.version)

    async def deactivate(self, beneficiary: Beneficiary, *, reason_code: str, at: datetime) -> None:
        await self._conn.execute(_DEACTIVATE, beneficiary.id, beneficiary.version, at, reason_code)
        await self._conn.execute(_END_ENROLMENTS, beneficiary.id, at, reason_code)

    async def active_for_elder(self, elder_id: UUID) -> list[UUID]:
        rows = await self._conn.fetch(
            "SELECT id FROM beneficiaries WHERE elder_id = $1 AND status = 'ACTIVE'", elder_id
        )
        return [r["id"] for r in rows]

    async def enrolled_children(
        self, project_id: UUID, child_ids: Sequence[UUID]
    ) -> Mapping[UUID, bool]:
        rows = await self._conn.fetch(_ENROLLED_CHILDREN, project_id, list(child_ids))
        found = {r["id"] for r in rows}
        return {cid: cid in found for cid in child_ids}


class PostgresReplicas:
    """The eldercare replicas on the command's (or consumer's) connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def elder(self, elder_id: UUID, *, lock: bool = False) -> ElderReplica | None:
        # FOR SHARE makes a registration and a concurrent death wait for each other, so a
        # beneficiary is never registered for an elder whose death is being applied.
        row = await self._conn.fetchrow(_ELDER + (" FOR SHARE" if lock else ""), elder_id)
        if row is None:
            return None
        return ElderReplica(
            row["elder_id"], row["registered"], ElderStatus(row["status"]), row["county_code"]
        )

    async def institution(self, institution_id: UUID) -> InstitutionReplica | None:
        row = await self._conn.fetchrow(_INSTITUTION, institution_id)
        if row is None:
            return None
        return InstitutionReplica(
            row["institution_id"], row["registered"], row["status"], row["county_code"]
        )

    async def elder_registered(
        self, elder_id: UUID, *, county_code: str, age_band: str, version: int
    ) -> None:
        await self._conn.execute(_ELDER_REGISTERED, elder_id, county_code, age_band, version)

    async def elder_left(
        self, elder_id: UUID, *, status: ElderStatus, on: date, version: int
    ) -> ElderReplica:
        await self._conn.execute(_ELDER_LEFT, elder_id, status, version, on)
        found = await self.elder(elder_id)
        if found is None:
            raise RuntimeError("the replica row was just written")
        return found

    async def institution_registered(
        self, institution_id: UUID, *, kind: str, county_code: str, status: str, version: int
    ) -> None:
        await self._conn.execute(
            _INSTITUTION_REGISTERED, institution_id, kind, county_code, status, version
        )

    async def institution_status(self, institution_id: UUID, *, status: str, version: int) -> None:
        await self._conn.execute(_INSTITUTION_STATUS, institution_id, status, version)

"""Reads of beneficiaries: masked by default; clear personal data only audited; erasure."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Final
from uuid import UUID

import asyncpg

from charity.adapters.vault import PostgresVault
from charity.domain.identity import mask_account, mask_id_card, mask_name, mask_phone

Doc = dict[str, Any]

_BENEFICIARY = """
SELECT b.id, b.kind, b.county_code, b.elder_id, b.institution_id, b.status, b.registered_at,
       b.deactivated_at, b.deactivation_reason, b.bank_account_token,
       b.erased_at IS NOT NULL AS erased,
       b.version AS aggregate_version,
       coalesce(array_agg(e.project_id ORDER BY e.enrolled_at)
                FILTER (WHERE e.project_id IS NOT NULL), '{}') AS enrolled_project_ids
FROM beneficiaries b LEFT JOIN enrollments e ON e.beneficiary_id = b.id AND e.ended_at IS NULL
WHERE b.id = $1 GROUP BY b.id
"""
_AUDIT = """
INSERT INTO pii_access_log (actor_id, actor_role, subject_id, fields, purpose, accessed_at)
VALUES ($1, $2, $3, $4, $5, $6)
"""
_AUDIT_LOG = """
SELECT seq, actor_id, actor_role, subject_id, fields, purpose, accessed_at FROM pii_access_log
WHERE ($1::uuid IS NULL OR subject_id = $1) ORDER BY seq DESC LIMIT $2
"""
_ERASE = """
UPDATE beneficiaries SET id_card_hmac = NULL, erased_at = $2 WHERE id = $1 AND erased_at IS NULL
RETURNING 1
"""

_REDACTED = "已登记"
# How each vault field shows on a non-audited read; sensitive categories only as "recorded".
MASKS: Final[dict[str, Callable[[str], str]]] = {
    "name": mask_name,
    "guardian_name": mask_name,
    "id_card_no": mask_id_card,
    "guardian_phone": mask_phone,
    "phone": mask_phone,
    "bank_account_no": mask_account,
}


def masked(personal: dict[str, str]) -> dict[str, str]:
    """Every stored field, masked (names 张*三, numbers cut, categories as "已登记")."""
    return {k: MASKS.get(k, _redacted)(v) for k, v in sorted(personal.items())}


def _redacted(_: str) -> str:
    return _REDACTED


async def beneficiary(
    conn: asyncpg.Connection, vault: PostgresVault, beneficiary_id: UUID
) -> Doc | None:
    """A beneficiary with masked personal data (not audited: nothing is shown in clear)."""
    row = await conn.fetchrow(_BENEFICIARY, beneficiary_id)
    if row is None:
        return None
    doc = dict(row)
    personal = None if doc["erased"] else await vault.load(beneficiary_id)
    doc["personal"] = masked(personal or {})
    return doc


async def personal_data(  # noqa: PLR0913 - the audit row's facts, keyword-only
    conn: asyncpg.Connection,
    vault: PostgresVault,
    subject_id: UUID,
    *,
    actor_id: UUID,
    actor_role: str,
    purpose: str,
    at: datetime,
) -> dict[str, str] | None:
    """The clear fields, with an audit row written in the same transaction."""
    personal = await vault.load(subject_id)
    if personal is None:
        return None
    await conn.execute(_AUDIT, actor_id, actor_role, subject_id, sorted(personal), purpose, at)
    return personal


async def audit_log(conn: asyncpg.Connection, subject_id: UUID | None, limit: int) -> Sequence[Doc]:
    """The latest audited reads, optionally of one subject."""
    return [dict(r) for r in await conn.fetch(_AUDIT_LOG, subject_id, limit)]


async def erase(
    conn: asyncpg.Connection, vault: PostgresVault, beneficiary_id: UUID, at: datetime
) -> bool:
    """Crypto-shred a beneficiary's personal data and forget the ID-card fingerprint."""
    erased = bool(await conn.fetchval(_ERASE, beneficiary_id, at))
    await vault.shred(beneficiary_id)
    return erased

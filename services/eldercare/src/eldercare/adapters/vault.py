"""The personal-data vault in PostgreSQL: wrapped data keys, field ciphertexts, the audit log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from uuid import UUID

import asyncpg

from eldercare.adapters.crypto import KeyRing, new_data_key, open_field, seal_field
from eldercare.domain.errors import VaultUnavailable
from eldercare.service_layer.ports import Actor, AuditEntry

_SELECT_KEY = "SELECT key_id, wrapped_key FROM vault_keys WHERE subject_id = $1"
_INSERT_KEY = """
INSERT INTO vault_keys (subject_id, subject_type, key_id, wrapped_key, created_at)
VALUES ($1, $2, $3, $4, $5)
"""
_UPSERT_FIELD = """
INSERT INTO vault_fields (subject_id, field, ciphertext, updated_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (subject_id, field) DO UPDATE SET ciphertext = EXCLUDED.ciphertext,
    updated_at = EXCLUDED.updated_at
"""
_SELECT_FIELDS = """
SELECT field, ciphertext FROM vault_fields WHERE subject_id = $1 AND field = ANY($2::text[])
"""
_DELETE_FIELDS = "DELETE FROM vault_fields WHERE subject_id = $1"
_DELETE_KEY = "DELETE FROM vault_keys WHERE subject_id = $1"
_INSERT_AUDIT = """
INSERT INTO pii_access_log
    (actor_person_id, actor_role, subject_type, subject_id, action, fields, purpose, at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
"""
_SELECT_AUDIT = """
SELECT id, actor_person_id, actor_role, subject_type, subject_id, action, fields, purpose, at
FROM pii_access_log WHERE ($1::uuid IS NULL OR subject_id = $1)
ORDER BY id DESC LIMIT $2 OFFSET $3
"""
_SELECT_STALE_KEYS = "SELECT subject_id, key_id, wrapped_key FROM vault_keys WHERE key_id <> $1"
_UPDATE_KEY = (
    "UPDATE vault_keys SET key_id = $2, wrapped_key = $3, rotated_at = $4 WHERE subject_id = $1"
)
# Subject ids are UUIDs: the blind-index purpose keeps an ID-card digest apart from any other.
ID_CARD_INDEX = "id_card"


class PgVault:
    """Encrypts on the way in, decrypts on the way out, in the command's transaction."""

    def __init__(
        self, conn: asyncpg.Connection, keyring: KeyRing | None, *, actor: Actor, now: datetime
    ) -> None:
        self._conn = conn
        self._keyring = keyring
        self._actor = actor
        self._now = now

    @property
    def _ring(self) -> KeyRing:
        if self._keyring is None:
            raise VaultUnavailable
        return self._keyring

    def blind_index(self, value: str) -> bytes:
        """HMAC-SHA256 of an ID-card number with the pepper."""
        return self._ring.blind_index(ID_CARD_INDEX, value)

    async def _data_key(self, subject_id: UUID, *, create_as: str | None) -> bytes | None:
        row = await self._conn.fetchrow(_SELECT_KEY, subject_id)
        if row is not None:
            return self._ring.unwrap(subject_id, row["key_id"], row["wrapped_key"])
        if create_as is None:
            return None
        data_key = new_data_key()
        key_id, wrapped = self._ring.wrap(subject_id, data_key)
        await self._conn.execute(_INSERT_KEY, subject_id, create_as, key_id, wrapped, self._now)
        return data_key

    async def store(self, subject_type: str, subject_id: UUID, fields: Mapping[str, str]) -> None:
        """Encrypt and upsert fields under the subject's data key (made on first use)."""
        data_key = await self._data_key(subject_id, create_as=subject_type)
        assert data_key is not None  # noqa: S101 - create_as guarantees a key
        await self._conn.executemany(
            _UPSERT_FIELD,
            [
                (subject_id, name, seal_field(data_key, subject_id, name, value), self._now)
                for name, value in fields.items()
            ],
        )

    async def load(self, subject_id: UUID, names: Iterable[str]) -> dict[str, str]:
        """Decrypt the named fields that exist (none once the subject is shredded)."""
        data_key = await self._data_key(subject_id, create_as=None)
        if data_key is None:
            return {}
        rows = await self._conn.fetch(_SELECT_FIELDS, subject_id, list(names))
        return {
            r["field"]: open_field(data_key, subject_id, r["field"], r["ciphertext"]) for r in rows
        }

    async def shred(self, subject_id: UUID) -> None:
        """Destroy the data key; the ciphertexts go too (unreadable anyway without the key)."""
        await self._conn.execute(_DELETE_FIELDS, subject_id)
        await self._conn.execute(_DELETE_KEY, subject_id)

    async def audit(
        self,
        *,
        subject_type: str,
        subject_id: UUID,
        action: str,
        fields: Iterable[str],
        purpose: str,
    ) -> None:
        """Record who touched which personal fields of whom, why and when (never the values)."""
        await self._conn.execute(
            _INSERT_AUDIT,
            self._actor.person_id,
            self._actor.role,
            subject_type,
            subject_id,
            action,
            sorted(fields),
            purpose,
            self._now,
        )

    async def audit_log(
        self, *, subject_id: UUID | None, limit: int, offset: int
    ) -> list[AuditEntry]:
        """The audit rows, newest first."""
        rows = await self._conn.fetch(_SELECT_AUDIT, subject_id, limit, offset)
        return [AuditEntry(**{**dict(r), "fields": tuple(r["fields"])}) for r in rows]

    async def rewrap(self) -> int:
        """Re-wrap every data key still under a retired master key; how many were re-wrapped."""
        ring = self._ring
        rows = await self._conn.fetch(_SELECT_STALE_KEYS, ring.current_id)
        for row in rows:
            data_key = ring.unwrap(row["subject_id"], row["key_id"], row["wrapped_key"])
            key_id, wrapped = ring.wrap(row["subject_id"], data_key)
            await self._conn.execute(_UPDATE_KEY, row["subject_id"], key_id, wrapped, self._now)
        return len(rows)

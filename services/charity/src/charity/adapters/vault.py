"""The personal-data vault: AES-GCM per subject, data keys wrapped by a rotatable master key.

Each subject (beneficiary, individual donor) has its own random 256-bit data key. The data key is
stored wrapped (AES-GCM) by the master key named ``key_id``; erasing a subject deletes its wrapped
key, after which the ciphertext can never be read again (crypto-shredding). The ID-card number's
deduplication fingerprint is HMAC-SHA256 keyed with the pepper, never a plain hash.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from uuid import UUID

import asyncpg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from charity.config import Settings
from charity.domain.errors import ConflictError

NONCE_BYTES = 12
KEY_BYTES = 32


class VaultUnavailableError(RuntimeError):
    """The vault's keys are not configured (VAULT_KEY / PII_PEPPER)."""


def _decode_key(text: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise VaultUnavailableError("VAULT_KEY must be base64") from None
    if len(key) != KEY_BYTES:
        raise VaultUnavailableError("VAULT_KEY must decode to 32 bytes")
    return key


class Cipher:
    """Master keys by id, the current one, and the pepper."""

    def __init__(self, *, key_id: str, keys: Mapping[str, bytes], pepper: bytes) -> None:
        if key_id not in keys:
            raise VaultUnavailableError("the current key id has no key")
        self.key_id = key_id
        self._keys = dict(keys)
        self._pepper = pepper

    @classmethod
    def from_settings(cls, settings: Settings) -> Cipher:
        """The cipher of the configured keys, or :class:`VaultUnavailableError`."""
        if settings.vault_key is None or settings.pii_pepper is None:
            raise VaultUnavailableError("VAULT_KEY and PII_PEPPER must be set")
        keys: dict[str, bytes] = {}
        if settings.vault_previous_keys is not None:
            previous = json.loads(settings.vault_previous_keys.get_secret_value())
            keys.update({str(k): _decode_key(str(v)) for k, v in previous.items()})
        keys[settings.vault_key_id] = _decode_key(settings.vault_key.get_secret_value())
        pepper = settings.pii_pepper.get_secret_value().encode()
        return cls(key_id=settings.vault_key_id, keys=keys, pepper=pepper)

    def fingerprint(self, value: str) -> str:
        """HMAC-SHA256(pepper, value), hex: deduplication without storing the value."""
        return hmac.new(self._pepper, value.encode(), hashlib.sha256).hexdigest()

    def wrap(self, subject_id: UUID, data_key: bytes) -> bytes:
        """The data key sealed by the current master key, bound to its subject."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + AESGCM(self._keys[self.key_id]).encrypt(nonce, data_key, subject_id.bytes)

    def unwrap(self, subject_id: UUID, key_id: str, wrapped: bytes) -> bytes:
        """The data key, with whichever master key wrapped it."""
        master = self._keys.get(key_id)
        if master is None:
            raise VaultUnavailableError(f"master key {key_id} is not configured")
        nonce, sealed = wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:]
        return AESGCM(master).decrypt(nonce, sealed, subject_id.bytes)

    @staticmethod
    def seal(subject_id: UUID, data_key: bytes, data: Mapping[str, str]) -> tuple[bytes, bytes]:
        """Encrypt a subject's fields."""
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps(dict(data), ensure_ascii=False, sort_keys=True).encode()
        return nonce, AESGCM(data_key).encrypt(nonce, plain, subject_id.bytes)

    @staticmethod
    def open(subject_id: UUID, data_key: bytes, nonce: bytes, sealed: bytes) -> dict[str, str]:
        """Decrypt a subject's fields."""
        plain = AESGCM(data_key).decrypt(nonce, sealed, subject_id.bytes)
        data: dict[str, str] = json.loads(plain)
        return data


_SELECT_KEY = "SELECT key_id, wrapped_key FROM vault_keys WHERE subject_id = $1 FOR UPDATE"
_UPSERT_KEY = """
INSERT INTO vault_keys (subject_id, key_id, wrapped_key) VALUES ($1, $2, $3)
ON CONFLICT (subject_id) DO UPDATE SET key_id = $2, wrapped_key = $3
"""
_UPSERT_RECORD = """
INSERT INTO vault_records (subject_id, nonce, ciphertext) VALUES ($1, $2, $3)
ON CONFLICT (subject_id) DO UPDATE SET nonce = $2, ciphertext = $3, updated_at = now()
"""
_SELECT_RECORD = """
SELECT k.key_id, k.wrapped_key, r.nonce, r.ciphertext
FROM vault_keys k JOIN vault_records r USING (subject_id) WHERE k.subject_id = $1
"""
_SHRED = """
UPDATE vault_keys SET wrapped_key = NULL, shredded_at = now()
WHERE subject_id = $1 AND wrapped_key IS NOT NULL RETURNING 1
"""


class PostgresVault:
    """The vault on the command's connection."""

    def __init__(self, conn: asyncpg.Connection, cipher: Cipher | None) -> None:
        self._conn = conn
        self._cipher = cipher

    @property
    def cipher(self) -> Cipher:
        """The configured cipher, or :class:`VaultUnavailableError`."""
        if self._cipher is None:
            raise VaultUnavailableError("VAULT_KEY and PII_PEPPER must be set")
        return self._cipher

    def fingerprint(self, id_card_no: str) -> str:
        """The keyed deduplication hash."""
        return self.cipher.fingerprint(id_card_no)

    async def store(self, subject_id: UUID, data: Mapping[str, str]) -> None:
        """Encrypt and store a subject's fields (rewrapping an old-key data key on the way)."""
        cipher = self.cipher
        row = await self._conn.fetchrow(_SELECT_KEY, subject_id)
        if row is not None and row["wrapped_key"] is None:
            raise ConflictError("personal_data_erased", "该对象的个人信息已删除，不能再写入")
        if row is None:
            data_key = AESGCM.generate_key(bit_length=256)
        else:
            data_key = cipher.unwrap(subject_id, row["key_id"], row["wrapped_key"])
        await self._conn.execute(
            _UPSERT_KEY, subject_id, cipher.key_id, cipher.wrap(subject_id, data_key)
        )
        nonce, sealed = cipher.seal(subject_id, data_key, data)
        await self._conn.execute(_UPSERT_RECORD, subject_id, nonce, sealed)

    async def load(self, subject_id: UUID) -> dict[str, str] | None:
        """A subject's fields, or None when there are none or they were erased."""
        row = await self._conn.fetchrow(_SELECT_RECORD, subject_id)
        if row is None or row["wrapped_key"] is None:
            return None
        data_key = self.cipher.unwrap(subject_id, row["key_id"], row["wrapped_key"])
        return Cipher.open(subject_id, data_key, row["nonce"], row["ciphertext"])

    async def shred(self, subject_id: UUID) -> bool:
        """Destroy the subject's data key; True if there was one."""
        return bool(await self._conn.fetchval(_SHRED, subject_id))

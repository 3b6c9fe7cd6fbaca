"""Envelope encryption for the personal-data vault, and the keyed blind index.

Each subject (an elder, a volunteer) has its own random 256-bit data key. Field values are
encrypted with it (AES-256-GCM, 96-bit random nonce, associated data = subject id and field
name, so a ciphertext cannot be moved to another subject or field). The data key is stored
wrapped (AES-256-GCM) by a master key named by its key id; rotating the master key re-wraps
the small data keys, never the data. Destroying a subject's data key erases the subject
(crypto-shredding, DOMAIN §9.2).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
MIN_PEPPER_BYTES = 16
_FORMAT = b"\x01"


class CipherError(Exception):
    """A ciphertext that no configured key opens (wrong key, tampered, or unknown key id)."""


def _seal(key: bytes, aad: bytes, plaintext: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return _FORMAT + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _open(key: bytes, aad: bytes, blob: bytes) -> bytes:
    if blob[:1] != _FORMAT:
        raise CipherError("unknown ciphertext format")
    nonce, body = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, body, aad)
    except InvalidTag:
        raise CipherError("ciphertext does not authenticate") from None


def field_aad(subject_id: UUID, field: str) -> bytes:
    """Binds a field ciphertext to its subject and field name."""
    return b"field|" + subject_id.bytes + b"|" + field.encode()


def new_data_key() -> bytes:
    """A fresh random data key for one subject."""
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def seal_field(data_key: bytes, subject_id: UUID, field: str, value: str) -> bytes:
    """Encrypt one field value under the subject's data key."""
    return _seal(data_key, field_aad(subject_id, field), value.encode())


def open_field(data_key: bytes, subject_id: UUID, field: str, blob: bytes) -> str:
    """Decrypt one field value."""
    return _open(data_key, field_aad(subject_id, field), blob).decode()


class KeyRing:
    """The master keys (current + retired, by id) and the pepper of the blind index."""

    def __init__(self, *, current_id: str, keys: Mapping[str, bytes], pepper: bytes) -> None:
        if current_id not in keys:
            raise ValueError("the current vault key id has no key")
        if any(len(k) != KEY_BYTES for k in keys.values()):
            raise ValueError(f"every vault key must be {KEY_BYTES} bytes")
        if len(pepper) < MIN_PEPPER_BYTES:
            raise ValueError(f"the PII pepper must have at least {MIN_PEPPER_BYTES} bytes")
        self.current_id = current_id
        self._keys = dict(keys)
        self._pepper = pepper

    def __repr__(self) -> str:
        return f"KeyRing(current_id={self.current_id!r}, key_ids={sorted(self._keys)!r})"

    def _aad(self, subject_id: UUID, key_id: str) -> bytes:
        return b"dek|" + subject_id.bytes + b"|" + key_id.encode()

    def wrap(self, subject_id: UUID, data_key: bytes) -> tuple[str, bytes]:
        """The data key encrypted by the current master key, with that key's id."""
        key_id = self.current_id
        return key_id, _seal(self._keys[key_id], self._aad(subject_id, key_id), data_key)

    def unwrap(self, subject_id: UUID, key_id: str, wrapped: bytes) -> bytes:
        """The data key, whichever configured master key wrapped it."""
        key = self._keys.get(key_id)
        if key is None:
            raise CipherError(f"vault key id {key_id!r} is not configured")
        return _open(key, self._aad(subject_id, key_id), wrapped)

    def blind_index(self, purpose: str, value: str) -> bytes:
        """HMAC-SHA256(pepper, purpose | value): equal inputs match, nothing can be reversed."""
        message = purpose.encode() + b"|" + value.encode()
        return hmac.new(self._pepper, message, hashlib.sha256).digest()

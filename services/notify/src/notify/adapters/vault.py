"""AES-GCM encryption of contact details (phone, e-mail, chat id): only notify holds them."""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE = 12
_DEV_KEY_SEED = b"notify-dev-vault-key: never use in production"


class Vault:
    """Encrypts one field at a time; the person id is bound as associated data."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("VAULT_KEY must be 32 bytes (base64 encoded)")
        self._aead = AESGCM(key)

    @classmethod
    def from_setting(cls, encoded: str | None) -> Vault:
        """The vault of ``VAULT_KEY`` (base64); a fixed development key when unset."""
        if encoded:
            return cls(base64.b64decode(encoded))
        return cls(hashlib.sha256(_DEV_KEY_SEED).digest())

    def seal(self, plaintext: str | None, *, person_id: str, field: str) -> bytes | None:
        """Encrypt a value (None stays None)."""
        if plaintext is None:
            return None
        nonce = os.urandom(_NONCE)
        aad = f"{person_id}:{field}".encode()
        return nonce + self._aead.encrypt(nonce, plaintext.encode(), aad)

    def open(self, sealed: bytes | None, *, person_id: str, field: str) -> str | None:
        """Decrypt a value sealed for this person and field."""
        if sealed is None:
            return None
        aad = f"{person_id}:{field}".encode()
        return self._aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], aad).decode()


def mask_phone(phone: str) -> str:
    """138****1234."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"


def mask_email(email: str) -> str:
    """z***@example.org."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_chat_id(chat_id: str) -> str:
    """zh***."""
    return chat_id[:2] + "***"

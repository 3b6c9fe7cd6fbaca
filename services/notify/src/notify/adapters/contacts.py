"""The contact directory: person_id → e-mail, phone, chat id, encrypted with the vault."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from notify.adapters.db import Conn
from notify.adapters.vault import Vault, mask_chat_id, mask_email, mask_phone
from notify.domain.model import Channel
from notify.service_layer.ports import Address

_UPSERT = """
INSERT INTO contacts (person_id, email_enc, phone_enc, chat_id_enc, email_masked, phone_masked,
    chat_id_masked, version, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8)
ON CONFLICT (person_id) DO UPDATE SET email_enc = EXCLUDED.email_enc,
    phone_enc = EXCLUDED.phone_enc, chat_id_enc = EXCLUDED.chat_id_enc,
    email_masked = EXCLUDED.email_masked, phone_masked = EXCLUDED.phone_masked,
    chat_id_masked = EXCLUDED.chat_id_masked, version = contacts.version + 1,
    updated_at = EXCLUDED.updated_at
RETURNING person_id, email_masked, phone_masked, chat_id_masked, version, updated_at
"""
_FIELD = {Channel.EMAIL: "email", Channel.SMS: "phone", Channel.ROBOT: "chat_id"}


@dataclass(frozen=True)
class ContactDetails:
    """What may be stored for one person (all optional)."""

    email: str | None
    phone: str | None
    chat_id: str | None


class Contacts:
    """Encrypting repository of contacts."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    async def put(self, conn: Conn, person_id: UUID, details: ContactDetails, at: datetime) -> Any:
        """Replace a person's contact details (PUT semantics)."""
        pid = str(person_id)
        return await conn.fetchrow(
            _UPSERT,
            person_id,
            self.vault.seal(details.email, person_id=pid, field="email"),
            self.vault.seal(details.phone, person_id=pid, field="phone"),
            self.vault.seal(details.chat_id, person_id=pid, field="chat_id"),
            mask_email(details.email) if details.email else None,
            mask_phone(details.phone) if details.phone else None,
            mask_chat_id(details.chat_id) if details.chat_id else None,
            at,
        )

    async def masked(self, conn: Conn, person_id: UUID) -> Any:
        """The masked view of a contact (no decryption)."""
        return await conn.fetchrow(
            "SELECT person_id, email_masked, phone_masked, chat_id_masked, version, updated_at "
            "FROM contacts WHERE person_id = $1",
            person_id,
        )

    async def delete(self, conn: Conn, person_id: UUID) -> bool:
        """Forget a person's contact details."""
        done = await conn.execute("DELETE FROM contacts WHERE person_id = $1", person_id)
        return bool(done.endswith(" 1"))

    async def address(self, conn: Conn, person_id: UUID, channel: Channel) -> Address | None:
        """Decrypt one address, only for the send that needs it."""
        column = f"{_FIELD[channel]}_enc"
        sealed = await conn.fetchval(
            f"SELECT {column} FROM contacts WHERE person_id = $1",  # noqa: S608 - fixed names
            person_id,
        )
        value = self.vault.open(sealed, person_id=str(person_id), field=_FIELD[channel])
        return Address(channel, value) if value else None

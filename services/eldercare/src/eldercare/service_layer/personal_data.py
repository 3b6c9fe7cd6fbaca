"""Personal data of elders: masked views, audited clear reads, contact changes, erasure (§9)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from pydantic import Field

from eldercare.domain.elders import Elder
from eldercare.domain.errors import ConflictError, InvalidInputError
from eldercare.domain.identity import check_phone, mask_address, mask_id_card, mask_name, mask_phone
from eldercare.domain.volunteers import Volunteer
from eldercare.service_layer.common import (
    Command,
    PersonalText,
    Purpose,
    check_free_text,
    get_or_404,
)
from eldercare.service_layer.ports import UnitOfWork
from eldercare.service_layer.residence import discharge
from eldercare.service_layer.wristbands import deactivate_wristbands_of
from shared.events.eldercare import ElderErased

# The vault fields of an elder, by the scope that may read them in clear (DOMAIN §9.1).
PERSONAL_FIELDS = ("name", "id_card_no", "phone", "address", "birth_date", "emergency_contacts")
SPECIAL_FIELDS = ("special_basis",)
HEALTH_FIELDS = ("ability_level", "dementia_risk")
ALL_FIELDS = PERSONAL_FIELDS + SPECIAL_FIELDS + HEALTH_FIELDS
MASKED_FIELDS = ("name", "id_card_no", "phone", "address")


class EmergencyContact(Command):
    """Someone to call for the elder (personal data)."""

    name: PersonalText
    phone: str = Field(max_length=32)
    relation: str = Field(min_length=1, max_length=20, description="e.g. 子女, 配偶")


class UpdateContact(Command):
    """Change an elder's phone, address or emergency contacts (no event; audited)."""

    phone: str | None = Field(default=None, max_length=32)
    address: PersonalText | None = None
    emergency_contacts: list[EmergencyContact] | None = Field(default=None, max_length=5)
    purpose: Purpose = "档案信息更新"


class EraseElder(Command):
    """Erase an elder's personal data on request (crypto-shredding)."""

    purpose: Purpose = "当事人申请删除个人信息"


@dataclass(frozen=True)
class MaskedVolunteer:
    """A volunteer with masked name and phone."""

    volunteer: Volunteer
    name: str | None
    phone: str | None


@dataclass(frozen=True)
class ElderView:
    """An elder's record with masked personal data (or none once erased)."""

    elder: Elder
    personal: Mapping[str, str | None]


def checked_contacts(contacts: Sequence[EmergencyContact]) -> list[dict[str, str]]:
    """Emergency contacts with valid phones (422 ``invalid_phone``)."""
    return [
        {"name": c.name, "phone": check_phone(c.phone), "relation": c.relation} for c in contacts
    ]


def encode(fields: Mapping[str, Any]) -> dict[str, str]:
    """Vault values are JSON texts, so lists, booleans and absent values round-trip."""
    return {name: json.dumps(value, ensure_ascii=False) for name, value in fields.items()}


def decode(stored: Mapping[str, str]) -> dict[str, Any]:
    """The inverse of :func:`encode`."""
    return {name: json.loads(value) for name, value in stored.items()}


def masked(fields: Mapping[str, Any]) -> dict[str, str | None]:
    """The display form: 张*三, 430***********1234, 138****1234, the address's start."""

    def text(name: str) -> str | None:
        value = fields.get(name)
        return value if isinstance(value, str) and value else None

    name, number, phone, address = (text(f) for f in MASKED_FIELDS)
    return {
        "name": mask_name(name) if name else None,
        "id_card_no": mask_id_card(number) if number else None,
        "phone": mask_phone(phone) if phone else None,
        "address": mask_address(address) if address else None,
    }


async def elder_view(uow: UnitOfWork, elder_id: UUID) -> ElderView:
    """The record with masked personal data (decrypted in memory, never returned in clear)."""
    elder = await get_or_404(uow.elders, elder_id, "老人", lock=False)
    return await view_of(uow, elder)


async def view_of(uow: UnitOfWork, elder: Elder) -> ElderView:
    """Mask a loaded record's personal data."""
    if elder.erased_at is not None:
        return ElderView(elder, masked({}))
    return ElderView(elder, masked(decode(await uow.vault.load(elder.id, MASKED_FIELDS))))


async def reveal_elder(
    uow: UnitOfWork, elder_id: UUID, *, fields: Iterable[str], purpose: str
) -> dict[str, Any]:
    """The requested fields in clear, after writing the audit row (same transaction)."""
    check_free_text(purpose)
    wanted = [f for f in ALL_FIELDS if f in set(fields)]
    elder = await get_or_404(uow.elders, elder_id, "老人", lock=False)
    if elder.erased_at is not None:
        raise ConflictError("elder_erased", "该老人的个人信息已删除")
    clear = decode(await uow.vault.load(elder.id, wanted))
    await uow.vault.audit(
        subject_type="elder", subject_id=elder.id, action="READ", fields=wanted, purpose=purpose
    )
    return {name: clear.get(name) for name in wanted}


async def update_contact(uow: UnitOfWork, elder_id: UUID, cmd: UpdateContact) -> ElderView:
    """Replace contact data in the vault and audit the change (no event: nothing public moved)."""
    check_free_text(cmd.purpose)
    changes: dict[str, Any] = {}
    if cmd.phone is not None:
        changes["phone"] = check_phone(cmd.phone)
    if cmd.address is not None:
        changes["address"] = cmd.address
    if cmd.emergency_contacts is not None:
        changes["emergency_contacts"] = checked_contacts(cmd.emergency_contacts)
    if not changes:
        raise InvalidInputError("nothing_to_update", "请至少提供一项要更新的联系信息")
    elder = await get_or_404(uow.elders, elder_id, "老人")
    if elder.erased_at is not None:
        raise ConflictError("elder_erased", "该老人的个人信息已删除")
    await uow.vault.store("elder", elder.id, encode(changes))
    await uow.vault.audit(
        subject_type="elder",
        subject_id=elder.id,
        action="WRITE",
        fields=changes,
        purpose=cmd.purpose,
    )
    return await view_of(uow, elder)


async def erase_elder(uow: UnitOfWork, elder_id: UUID, cmd: EraseElder) -> ElderView:
    """Shred the elder's data key; residence and wristbands end; ``ElderErased`` (id only)."""
    check_free_text(cmd.purpose)
    elder = await get_or_404(uow.elders, elder_id, "老人")
    if elder.erased_at is not None:
        raise ConflictError("already_erased", "该老人的个人信息已删除")
    if elder.institution_id is not None:
        await discharge(uow, elder)
    elder.erase(uow.now)
    await uow.vault.shred(elder.id)
    await uow.vault.audit(
        subject_type="elder",
        subject_id=elder.id,
        action="ERASE",
        fields=ALL_FIELDS,
        purpose=cmd.purpose,
    )
    await uow.elders.save(elder)
    erased = uow.publish(ElderErased(elder_id=elder.id), version=elder.version)
    await deactivate_wristbands_of(uow, elder.id, reason_code="ELDER_ERASED", caused_by=erased)
    return ElderView(elder, masked({}))

"""Use cases of the elder record (DOMAIN §5.2): registration, assessment, residence, life events."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from eldercare.domain.elders import Elder
from eldercare.domain.errors import ConflictError, in_future
from eldercare.domain.identity import check_phone, parse_id_card
from eldercare.service_layer import personal_data as pd
from eldercare.service_layer.common import (
    Code,
    Command,
    PersonalText,
    get_or_404,
    get_or_422,
    new_id,
    not_after,
    today,
)
from eldercare.service_layer.ports import UnitOfWork
from eldercare.service_layer.residence import discharge
from eldercare.service_layer.wristbands import deactivate_wristbands_of
from shared.events.eldercare import (
    CarePillar,
    ElderAbilityAssessed,
    ElderAdmitted,
    ElderDeceased,
    ElderMovedOut,
    ElderRegistered,
)

SpecialBasis = Literal[
    "TEKUN", "DIBAO", "DIBIAN", "TUOPIN", "JISHENG_TESHU", "GAOLING", "SHINENG", "CANJI"
]
AbilityLevel = Literal["INTACT", "MILD", "MODERATE", "SEVERE", "TOTAL"]


class RegisterElder(Command):
    """Open an elder's record; the personal fields go to the vault only."""

    id: UUID | None = None
    name: PersonalText
    id_card_no: str = Field(min_length=1, max_length=32, description="GB 11643, 18 characters")
    phone: str | None = Field(default=None, max_length=32, description="Mainland mobile")
    address: PersonalText
    county_code: Code
    township_code: Code
    care_pillars: list[CarePillar] = Field(max_length=3)
    special_basis: list[SpecialBasis] = Field(default_factory=list, max_length=8)
    emergency_contacts: list[pd.EmergencyContact] = Field(default_factory=list, max_length=5)
    dementia_risk: bool | None = None
    demo: bool = Field(default=False, description="Synthetic demo identity (DOMAIN §9.2.6)")


class AssessAbility(Command):
    """Record an ability assessment (GB/T 42195 level; health data, never published)."""

    id: UUID | None = None
    ability_level: AbilityLevel
    assessor_id: UUID
    assessed_at: AwareDatetime


class AdmitElder(Command):
    """Admit an elder to an institution."""

    institution_id: UUID
    admitted_at: AwareDatetime


class DischargeElder(Command):
    """Discharge a resident."""

    discharged_at: AwareDatetime | None = Field(default=None, description="Default: now")


class RecordDeath(Command):
    """Record an elder's death."""

    died_on: date


class MoveOut(Command):
    """Record that an elder moved out of the city's care."""

    moved_out_on: date | None = Field(default=None, description="Default: today (local)")


async def register_elder(uow: UnitOfWork, cmd: RegisterElder) -> pd.ElderView:
    """Register: 422 ``invalid_id_card``/``not_elderly``/``invalid_phone``; 409 on a duplicate."""
    card = parse_id_card(cmd.id_card_no)
    phone = check_phone(cmd.phone) if cmd.phone is not None else None
    contacts = pd.checked_contacts(cmd.emergency_contacts)
    blind_index = uow.vault.blind_index(card.number)
    elder = Elder.register(
        id=new_id(cmd.id),
        id_card=card,
        id_card_hmac=blind_index,
        county_code=cmd.county_code,
        township_code=cmd.township_code,
        care_pillars=tuple(cmd.care_pillars),
        now=uow.now,
        today=today(uow.now),
    )
    await _refuse_duplicate(uow, blind_index)
    if not await uow.elders.add(elder):
        # A concurrent registration of the same person won the unique index.
        await _refuse_duplicate(uow, blind_index)
        raise ConflictError("already_exists", "该档案编号已存在")
    fields = {
        "name": cmd.name,
        "id_card_no": card.number,
        "phone": phone,
        "address": cmd.address,
        "birth_date": card.birth_date.isoformat(),
        "emergency_contacts": contacts,
        "special_basis": list(cmd.special_basis),
        "dementia_risk": cmd.dementia_risk,
        "demo": cmd.demo,
    }
    await uow.vault.store("elder", elder.id, pd.encode(fields))
    uow.publish(_registered(elder), version=elder.version)
    return pd.ElderView(elder, pd.masked(fields))


def _registered(elder: Elder) -> ElderRegistered:
    """The public face of a new record: bands and codes, never the person."""
    return ElderRegistered(
        elder_id=elder.id,
        age_band=elder.age_band,  # type: ignore[arg-type]
        sex=elder.sex,
        county_code=elder.county_code,
        township_code=elder.township_code,
        care_pillars=elder.care_pillars,  # type: ignore[arg-type]
        registered_at=elder.registered_at,
    )


async def _refuse_duplicate(uow: UnitOfWork, blind_index: bytes) -> None:
    existing = await uow.lookups.elder_by_blind_index(blind_index)
    if existing is not None:
        raise ConflictError(
            "duplicate_elder",
            "该身份证号已登记老人档案",
            private={"elder_id": str(existing)},
        )


async def assess_ability(uow: UnitOfWork, elder_id: UUID, cmd: AssessAbility) -> Elder:
    """Record an assessment; the level goes to the vault, the event carries none."""
    if cmd.assessed_at > uow.now:
        raise in_future("评估时间")
    elder = await get_or_404(uow.elders, elder_id, "老人")
    elder.assessed()
    assessment_id = new_id(cmd.id)
    added = await uow.lookups.add_assessment(
        id=assessment_id,
        elder_id=elder.id,
        assessor_id=cmd.assessor_id,
        assessed_at=cmd.assessed_at,
    )
    if not added:
        raise ConflictError("already_exists", "该评估记录已存在")
    await uow.vault.store(
        "elder",
        elder.id,
        pd.encode(
            {"ability_level": cmd.ability_level, f"assessment:{assessment_id}": cmd.ability_level}
        ),
    )
    await uow.elders.save(elder)
    uow.publish(
        ElderAbilityAssessed(
            elder_id=elder.id, assessment_id=assessment_id, assessed_at=cmd.assessed_at
        ),
        version=elder.version,
    )
    return elder


async def admit_elder(uow: UnitOfWork, elder_id: UUID, cmd: AdmitElder) -> Elder:
    """Admit (409 ``already_resident``, ``no_free_bed``, ``institution_not_active``)."""
    if cmd.admitted_at > uow.now:
        raise in_future("入住时间")
    elder = await get_or_404(uow.elders, elder_id, "老人")
    site = await get_or_422(uow.institutions, cmd.institution_id, "机构")
    elder.ensure_active()
    if elder.institution_id is not None:
        raise ConflictError("already_resident", "老人已入住其他机构")
    site.ensure_can_admit(residents=await uow.lookups.residents(site.id))
    elder.admit(site.id)
    await uow.elders.save(elder)
    uow.publish(
        ElderAdmitted(elder_id=elder.id, institution_id=site.id, admitted_at=cmd.admitted_at),
        version=elder.version,
    )
    return elder


async def discharge_elder(uow: UnitOfWork, elder_id: UUID, cmd: DischargeElder) -> Elder:
    """Discharge a resident (409 ``not_resident``)."""
    at = not_after(cmd.discharged_at, uow.now, "出院时间")
    elder = await get_or_404(uow.elders, elder_id, "老人")
    await discharge(uow, elder, at=at)
    return elder


async def record_death(uow: UnitOfWork, elder_id: UUID, cmd: RecordDeath) -> Elder:
    """Record a death; a resident is discharged and active wristbands are deactivated with it."""
    elder = await get_or_404(uow.elders, elder_id, "老人")
    elder.check_death(cmd.died_on, today=today(uow.now))
    if elder.institution_id is not None:
        await discharge(uow, elder)
    elder.record_death(cmd.died_on, today=today(uow.now))
    await uow.elders.save(elder)
    death = uow.publish(
        ElderDeceased(elder_id=elder.id, died_on=cmd.died_on), version=elder.version
    )
    await deactivate_wristbands_of(uow, elder.id, reason_code="ELDER_DECEASED", caused_by=death)
    return elder


async def move_out(uow: UnitOfWork, elder_id: UUID, cmd: MoveOut) -> Elder:
    """Record a move out of the city's care (409 ``still_resident``)."""
    elder = await get_or_404(uow.elders, elder_id, "老人")
    on = cmd.moved_out_on or today(uow.now)
    elder.move_out(on, today=today(uow.now))
    await uow.elders.save(elder)
    uow.publish(ElderMovedOut(elder_id=elder.id, moved_out_on=on), version=elder.version)
    return elder

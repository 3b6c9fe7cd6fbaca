"""Use cases of beneficiaries, their enrolments, and the eldercare replica that deactivates them."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID, uuid4

from charity.domain import beneficiaries as model
from charity.domain.beneficiaries import Beneficiary, BeneficiaryKind
from charity.domain.commands import DeactivateBeneficiary, EnrolBeneficiary, RegisterBeneficiary
from charity.domain.errors import ConflictError, InvalidInputError, NotFoundError, unknown_reference
from charity.domain.identity import check_phone, normalise_id_card
from charity.domain.replicas import DEACTIVATION_REASON, ElderStatus
from charity.service_layer import publishing
from charity.service_layer.ports import UnitOfWork


async def get_beneficiary(uow: UnitOfWork, beneficiary_id: UUID, *, lock: bool) -> Beneficiary:
    """The beneficiary, or 404."""
    found = await uow.beneficiaries.get(beneficiary_id, lock=lock)
    if found is None:
        raise NotFoundError("not_found", "受助对象不存在")
    return found


async def register_beneficiary(uow: UnitOfWork, cmd: RegisterBeneficiary) -> UUID:
    """Register a beneficiary: links checked against the replicas, personal data to the vault."""
    model.check_links(cmd.kind, cmd.elder_id, cmd.institution_id)
    personal = {k: v.strip() for k, v in cmd.personal.items() if v and v.strip()}
    model.check_personal_fields(cmd.kind, set(personal))
    county = await _linked_county(uow, cmd)
    if county is None:
        raise InvalidInputError("county_required", "须填写县（市、区）代码")
    fingerprint = await _fingerprint(uow, personal)
    if "guardian_phone" in personal:
        personal["guardian_phone"] = check_phone(personal["guardian_phone"])
    account_token = uuid4() if "bank_account_no" in personal else None
    beneficiary = Beneficiary(
        cmd.beneficiary_id,
        cmd.kind,
        county,
        elder_id=cmd.elder_id,
        institution_id=cmd.institution_id,
    )
    await uow.beneficiaries.add(
        beneficiary, fingerprint=fingerprint, account_token=account_token, registered_at=uow.now
    )
    if personal:
        await uow.vault.store(beneficiary.id, personal)
    uow.emit(publishing.beneficiary_registered(beneficiary, uow.now), version=beneficiary.version)
    return beneficiary.id


async def _linked_county(uow: UnitOfWork, cmd: RegisterBeneficiary) -> str | None:
    """The county code; a linked elder or institution must be known and active locally."""
    if cmd.kind is BeneficiaryKind.ELDER and cmd.elder_id is not None:
        elder = await uow.replicas.elder(cmd.elder_id, lock=True)
        if elder is None or not elder.registered:
            raise unknown_reference("老年人")
        if not elder.usable:
            raise ConflictError("elder_not_active", "该老年人已去世或已迁出，不能登记为受助对象")
        return cmd.county_code or elder.county_code
    if cmd.kind is BeneficiaryKind.INSTITUTION and cmd.institution_id is not None:
        institution = await uow.replicas.institution(cmd.institution_id)
        if institution is None or not institution.registered:
            raise unknown_reference("机构")
        if not institution.active:
            raise ConflictError("institution_not_active", "该机构已暂停或关闭，不能登记为受助对象")
        return cmd.county_code or institution.county_code
    return cmd.county_code


async def _fingerprint(uow: UnitOfWork, personal: dict[str, str]) -> str | None:
    """The keyed hash of the ID card; a second registration of one person is 409."""
    if "id_card_no" not in personal:
        return None
    personal["id_card_no"] = normalise_id_card(personal["id_card_no"])
    fingerprint = uow.vault.fingerprint(personal["id_card_no"])
    existing = await uow.beneficiaries.by_fingerprint(fingerprint)
    if existing is not None:
        raise ConflictError(
            "duplicate_beneficiary",
            "该身份证号已登记为受助对象",
            extra={"existing_beneficiary_id": str(existing)},
        )
    return fingerprint


async def enrol(uow: UnitOfWork, cmd: EnrolBeneficiary) -> UUID:
    """Enrol a beneficiary in a project, if eligible."""
    beneficiary = await get_beneficiary(uow, cmd.beneficiary_id, lock=True)
    project = await uow.projects.get(cmd.project_id)
    if project is None:
        raise unknown_reference("项目")
    beneficiary.check_active()
    disability = None
    if beneficiary.kind in model.CHILD_KINDS:
        vault = await uow.vault.load(beneficiary.id) or {}
        disability = vault.get("disability_category")
    model.check_eligible(beneficiary.kind, project.kind, disability)
    beneficiary.enrol(project.id)
    await uow.beneficiaries.add_enrolment(beneficiary, project.id, uow.now)
    event = publishing.beneficiary_enrolled(beneficiary, project.id, uow.now)
    uow.emit(event, version=beneficiary.version)
    return beneficiary.id


async def deactivate(uow: UnitOfWork, cmd: DeactivateBeneficiary) -> UUID:
    """Stop a beneficiary's benefits by hand."""
    beneficiary = await get_beneficiary(uow, cmd.beneficiary_id, lock=True)
    if not beneficiary.deactivate():
        raise ConflictError("beneficiary_inactive", "该受助对象已停用")
    await _deactivated(uow, beneficiary, cmd.reason_code, uow.now)
    return beneficiary.id


async def _deactivated(uow: UnitOfWork, b: Beneficiary, reason: str, at: datetime) -> None:
    await uow.beneficiaries.deactivate(b, reason_code=reason, at=at)
    uow.emit(publishing.beneficiary_deactivated(b, reason, at), version=b.version)


async def elder_registered(
    uow: UnitOfWork, elder_id: UUID, *, county_code: str, age_band: str, version: int
) -> None:
    """Replica: an elder exists (a status learnt earlier is kept)."""
    await uow.replicas.elder_registered(
        elder_id, county_code=county_code, age_band=age_band, version=version
    )


async def elder_left(
    uow: UnitOfWork, elder_id: UUID, *, status: ElderStatus, on: date, version: int
) -> list[UUID]:
    """Replica: an elder died or moved out; their active beneficiaries stop, once each."""
    await uow.replicas.elder_left(elder_id, status=status, on=on, version=version)
    stopped = []
    for beneficiary_id in await uow.beneficiaries.active_for_elder(elder_id):
        beneficiary = await get_beneficiary(uow, beneficiary_id, lock=True)
        if beneficiary.deactivate():
            await _deactivated(uow, beneficiary, DEACTIVATION_REASON[status], uow.now)
            stopped.append(beneficiary.id)
    return stopped


async def institution_registered(
    uow: UnitOfWork,
    institution_id: UUID,
    *,
    kind: str,
    county_code: str,
    status: str,
    version: int,
) -> None:
    """Replica: an institution exists."""
    await uow.replicas.institution_registered(
        institution_id, kind=kind, county_code=county_code, status=status, version=version
    )


async def institution_status(
    uow: UnitOfWork, institution_id: UUID, *, status: str, version: int
) -> None:
    """Replica: an institution's status changed."""
    await uow.replicas.institution_status(institution_id, status=status, version=version)

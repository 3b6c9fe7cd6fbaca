"""Use cases of disbursements: request (reserve), settle, fail, retry, cancel."""

from __future__ import annotations

from uuid import UUID

from charity.domain import disbursements as model, ledger
from charity.domain.beneficiaries import Beneficiary, BeneficiaryKind
from charity.domain.commands import RequestDisbursement, SettleDisbursement
from charity.domain.disbursements import Disbursement
from charity.domain.errors import ConflictError, NotFoundError, unknown_reference
from charity.domain.funds import check_amount, check_items_value
from charity.domain.text import reject_personal_data
from charity.service_layer import publishing
from charity.service_layer.allocations import get_allocation
from charity.service_layer.ports import UnitOfWork
from shared.clock import local_date


async def get_disbursement(uow: UnitOfWork, disbursement_id: UUID, *, lock: bool) -> Disbursement:
    """The disbursement, or 404."""
    found = await uow.disbursements.get(disbursement_id, lock=lock)
    if found is None:
        raise NotFoundError("not_found", "发放记录不存在")
    return found


async def request(uow: UnitOfWork, cmd: RequestDisbursement) -> UUID:
    """Reserve allocation money for one beneficiary; the allocation's row lock serialises this."""
    check_amount(cmd.amount_minor)
    check_items_value(cmd.kind, cmd.amount_minor, list(cmd.items))
    reject_personal_data(round_code=cmd.round_code, items=" ".join(item.name for item in cmd.items))
    allocation = await get_allocation(uow, cmd.allocation_id, lock=True)
    allocation.check_open_on(local_date(uow.now))
    beneficiary = await uow.beneficiaries.get(cmd.beneficiary_id)
    if beneficiary is None:
        raise unknown_reference("受助对象")
    await _check_beneficiary(uow, beneficiary)
    project = await uow.projects.get(allocation.project_id)
    if project is None:
        raise unknown_reference("项目")
    model.check_kind_fit(project.kind, beneficiary.kind)
    balance = await uow.ledger.allocation_balance(allocation.id, allocation.amount_minor)
    model.check_remaining(cmd.amount_minor, balance.remaining_minor)
    disbursement = Disbursement(
        cmd.disbursement_id,
        allocation.id,
        allocation.fund_id,
        allocation.project_id,
        beneficiary.id,
        cmd.kind,
        cmd.amount_minor,
        cmd.round_code,
        uow.now,
        items=list(cmd.items),
        payee_account_token=await uow.beneficiaries.account_token(beneficiary.id),
    )
    await uow.disbursements.add(disbursement)
    entries = ledger.reserve(allocation.fund_id, allocation.id, disbursement.id, cmd.amount_minor)
    await uow.ledger.post(entries, at=uow.now)
    uow.emit(publishing.disbursement_requested(disbursement), version=disbursement.version)
    return disbursement.id


async def _check_beneficiary(uow: UnitOfWork, beneficiary: Beneficiary) -> None:
    """Active, and a linked elder alive and here, a linked institution not closed."""
    beneficiary.check_active()
    if beneficiary.kind is BeneficiaryKind.ELDER and beneficiary.elder_id is not None:
        elder = await uow.replicas.elder(beneficiary.elder_id, lock=True)
        if elder is None or not elder.usable:
            raise ConflictError("beneficiary_inactive", "关联的老年人已去世或已迁出")
    if beneficiary.kind is BeneficiaryKind.INSTITUTION and beneficiary.institution_id is not None:
        institution = await uow.replicas.institution(beneficiary.institution_id)
        if institution is None or institution.closed:
            raise ConflictError("beneficiary_inactive", "关联的机构已关闭")


async def _locked(uow: UnitOfWork, disbursement_id: UUID) -> Disbursement:
    """The disbursement, with its allocation locked first (the one lock order of this service)."""
    found = await get_disbursement(uow, disbursement_id, lock=False)
    await get_allocation(uow, found.allocation_id, lock=True)
    return await get_disbursement(uow, disbursement_id, lock=True)


async def settle(uow: UnitOfWork, cmd: SettleDisbursement) -> UUID:
    """Confirm paid or delivered; a repeat confirmation changes nothing and announces nothing."""
    reject_personal_data(reference=cmd.reference)
    d = await _locked(uow, cmd.disbursement_id)
    if not d.confirm(cmd.kind, cmd.reference, cmd.at, uow.now):
        return d.id
    await uow.disbursements.save(d)
    await uow.ledger.post(
        ledger.settle(d.fund_id, d.allocation_id, d.id, d.amount_minor), at=cmd.at
    )
    uow.emit(publishing.disbursement_settled(d, cmd.at), version=d.version)
    return d.id


async def fail(uow: UnitOfWork, disbursement_id: UUID, reason_code: str) -> UUID:
    """Record a failed attempt; the money stays reserved for the retry."""
    d = await _locked(uow, disbursement_id)
    d.fail(reason_code)
    await uow.disbursements.save(d)
    uow.emit(publishing.disbursement_failed(d, reason_code, uow.now), version=d.version)
    return d.id


async def retry(uow: UnitOfWork, disbursement_id: UUID) -> UUID:
    """Request a failed disbursement again."""
    d = await _locked(uow, disbursement_id)
    d.retry()
    await uow.disbursements.save(d)
    uow.emit(publishing.disbursement_retried(d, uow.now), version=d.version)
    return d.id


async def cancel(uow: UnitOfWork, disbursement_id: UUID, reason_code: str) -> UUID:
    """Cancel an open disbursement and give its reservation back to the allocation."""
    d = await _locked(uow, disbursement_id)
    d.cancel(reason_code)
    await uow.disbursements.save(d)
    entries = ledger.unreserve(d.fund_id, d.allocation_id, d.id, d.amount_minor)
    await uow.ledger.post(entries, at=uow.now)
    uow.emit(publishing.disbursement_cancelled(d, reason_code, uow.now), version=d.version)
    return d.id

"""Use cases of allocations: draft, submit, staged four-eyes approval, close."""

from __future__ import annotations

from uuid import UUID

from charity.domain import allocations as model, ledger
from charity.domain.allocations import Allocation, Approval, Decision
from charity.domain.commands import DecideStage, DraftAllocation
from charity.domain.errors import InvalidInputError, NotFoundError, unknown_reference
from charity.domain.funds import Fund, check_amount
from charity.domain.text import reject_personal_data
from charity.service_layer import publishing
from charity.service_layer.ports import UnitOfWork
from shared.clock import local_date


async def get_allocation(uow: UnitOfWork, allocation_id: UUID, *, lock: bool) -> Allocation:
    """The allocation, or 404."""
    found = await uow.allocations.get(allocation_id, lock=lock)
    if found is None:
        raise NotFoundError("not_found", "资金安排不存在")
    return found


async def _fund(uow: UnitOfWork, fund_id: UUID, *, lock: bool = False) -> Fund:
    fund = await uow.funds.get(fund_id, lock=lock)
    if fund is None:
        raise unknown_reference("资金池")
    return fund


async def _check_fund_covers(uow: UnitOfWork, fund: Fund, a: Allocation) -> None:
    model.check_lottery_year(fund, local_date(uow.now), next_year_use=uow.next_year_use)
    balance = await uow.ledger.fund_balance(fund.id)
    model.check_fund_covers(a.amount_minor, balance.usable_for(a.project_id))


async def draft(uow: UnitOfWork, cmd: DraftAllocation) -> UUID:
    """Draft an allocation: every rule that can be checked now is checked now."""
    check_amount(cmd.amount_minor)
    reject_personal_data(code=cmd.code)
    model.check_valid_until(cmd.valid_until, local_date(uow.now))
    fund = await _fund(uow, cmd.fund_id)
    project = await uow.projects.get(cmd.project_id)
    if project is None:
        raise unknown_reference("项目")
    model.check_lottery_use(fund, project, cmd.expense_class)
    allocation = Allocation(
        cmd.allocation_id,
        cmd.code,
        fund.id,
        project.id,
        cmd.amount_minor,
        cmd.valid_until,
        cmd.requester.person_id,
        cmd.expense_class,
        lottery=fund.is_lottery,
    )
    await _check_fund_covers(uow, fund, allocation)
    await uow.allocations.add(allocation, created_at=uow.now)
    return allocation.id


async def submit(uow: UnitOfWork, allocation_id: UUID) -> UUID:
    """Send a draft for approval and announce it."""
    allocation = await get_allocation(uow, allocation_id, lock=True)
    allocation.submit()
    await _check_fund_covers(uow, await _fund(uow, allocation.fund_id), allocation)
    await uow.allocations.save(allocation, at=uow.now)
    uow.emit(publishing.allocation_submitted(allocation, uow.now), version=allocation.version)
    return allocation.id


async def cancel(uow: UnitOfWork, allocation_id: UUID) -> UUID:
    """Drop a draft (nothing was announced, so nothing is)."""
    allocation = await get_allocation(uow, allocation_id, lock=True)
    allocation.cancel()
    await uow.allocations.save(allocation, at=uow.now)
    return allocation.id


async def decide(uow: UnitOfWork, cmd: DecideStage) -> UUID:
    """Approve or reject one stage; the last approval earmarks the fund's money."""
    allocation = await get_allocation(uow, cmd.allocation_id, lock=True)
    who = cmd.approver
    if cmd.decision is Decision.REJECT:
        if not cmd.reason_code:
            raise InvalidInputError("reason_required", "驳回须填写原因代码 reason_code")
        allocation.reject(cmd.stage, who.person_id, who.role)
        await uow.allocations.add_decision(
            allocation,
            Approval(cmd.stage, who.person_id, uow.now),
            decision=cmd.decision,
            reason_code=cmd.reason_code,
        )
        await uow.allocations.save(allocation, at=uow.now)
        event = publishing.allocation_rejected(
            allocation, cmd.stage, who.person_id, cmd.reason_code
        )
        uow.emit(event, version=allocation.version)
        return allocation.id
    final = allocation.approve(cmd.stage, who.person_id, who.role, uow.now)
    approval = allocation.approvals[-1]
    await uow.allocations.add_decision(
        allocation, approval, decision=cmd.decision, reason_code=cmd.reason_code
    )
    if final:
        await _earmark(uow, allocation)
    await uow.allocations.save(allocation, at=uow.now)
    stage_version = allocation.version - 1 if final else allocation.version
    uow.emit(publishing.stage_approved(allocation, approval), version=stage_version)
    if final:
        uow.emit(publishing.allocation_approved(allocation, uow.now), version=allocation.version)
    return allocation.id


async def _earmark(uow: UnitOfWork, allocation: Allocation) -> None:
    """Move the money from the fund to the allocation, under the fund's row lock."""
    fund = await _fund(uow, allocation.fund_id, lock=True)
    await _check_fund_covers(uow, fund, allocation)
    balance = await uow.ledger.fund_balance(fund.id)
    entries = ledger.allocate(
        fund.id, allocation.id, allocation.project_id, allocation.amount_minor, balance
    )
    await uow.ledger.post(entries, at=uow.now)


async def close(uow: UnitOfWork, allocation_id: UUID) -> UUID:
    """Close an approved allocation; its unused remainder goes back to the fund."""
    allocation = await get_allocation(uow, allocation_id, lock=True)
    balance = await uow.ledger.allocation_balance(allocation.id, allocation.amount_minor)
    allocation.close(
        open_disbursements=await uow.allocations.open_disbursements(allocation.id),
        reconciled=await uow.allocations.clean_reconciliation_covers(
            allocation.id, balance.disbursed_minor
        ),
    )
    await _fund(uow, allocation.fund_id, lock=True)
    entries = ledger.release(allocation.fund_id, allocation.id, allocation.project_id, balance)
    await uow.ledger.post(entries, at=uow.now)
    await uow.allocations.save(allocation, at=uow.now)
    released = balance.remaining_minor
    uow.emit(
        publishing.allocation_closed(allocation, released, uow.now), version=allocation.version
    )
    return allocation.id

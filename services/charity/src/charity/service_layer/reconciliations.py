"""Use case of reconciliation (对账): settled disbursements against the payment results."""

from __future__ import annotations

from uuid import UUID

from charity.domain.allocations import AllocationStatus
from charity.domain.commands import Reconcile
from charity.domain.errors import InvalidInputError, invalid_state, unknown_reference
from charity.domain.reconciliation import PaymentResult, reconcile
from charity.domain.text import reject_personal_data
from charity.service_layer import publishing
from charity.service_layer.ports import UnitOfWork
from shared.clock import local_date

RECONCILABLE = frozenset({AllocationStatus.APPROVED, AllocationStatus.CLOSED})


async def run(uow: UnitOfWork, cmd: Reconcile) -> UUID:
    """Reconcile an allocation up to a date; without results, the recorded confirmations count."""
    if cmd.period_end_on > local_date(uow.now):
        raise InvalidInputError("in_future", "对账截止日期不能晚于今天")
    if cmd.results is not None:
        reject_personal_data(references=" ".join(r.reference for r in cmd.results))
    allocation = await uow.allocations.get(cmd.allocation_id, lock=True)
    if allocation is None:
        raise unknown_reference("资金安排")
    if allocation.status not in RECONCILABLE:
        raise invalid_state("资金安排", allocation.status)
    settled = await uow.disbursements.settled_until(allocation.id, cmd.period_end_on)
    results = cmd.results
    if results is None:
        results = tuple(PaymentResult(s.reference, s.amount_minor) for s in settled)
    outcome = reconcile(settled, results)
    await uow.reconciliations.add(
        cmd.reconciliation_id,
        allocation_id=allocation.id,
        period_end_on=cmd.period_end_on,
        outcome=outcome,
        at=uow.now,
    )
    event = publishing.reconciliation_completed(
        cmd.reconciliation_id, allocation.id, cmd.period_end_on, outcome
    )
    uow.emit(event, version=1)
    return cmd.reconciliation_id

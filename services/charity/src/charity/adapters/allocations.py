"""SQL of allocations, their decisions, disbursements and reconciliations."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import asyncpg

from charity.adapters.constraints import translated
from charity.adapters.funds import items_json
from charity.domain.allocations import (
    Allocation,
    AllocationStatus,
    Approval,
    Decision,
    ExpenseClass,
    Stage,
)
from charity.domain.disbursements import Disbursement, DisbursementStatus
from charity.domain.funds import BenefitKind, Item
from charity.domain.reconciliation import Outcome, Settled

_SELECT_ALLOCATION = """
SELECT id, code, fund_id, project_id, amount_minor, valid_until, requester_id, expense_class,
       lottery, status, version
FROM allocations WHERE id = $1
"""
_SELECT_APPROVALS = """
SELECT stage, approver_id, decided_at FROM allocation_decisions
WHERE allocation_id = $1 AND decision = 'APPROVE' ORDER BY decided_at, stage
"""
_INSERT_ALLOCATION = """
INSERT INTO allocations (id, code, fund_id, project_id, amount_minor, valid_until, requester_id,
                         expense_class, lottery, status, created_at, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
"""
_UPDATE_ALLOCATION = """
UPDATE allocations SET status = $2, version = $3,
    submitted_at = CASE WHEN $2 = 'SUBMITTED' THEN $4 ELSE submitted_at END,
    decided_at = CASE WHEN $2 IN ('APPROVED', 'REJECTED') THEN $4 ELSE decided_at END,
    closed_at = CASE WHEN $2 IN ('CLOSED', 'CANCELLED') THEN $4 ELSE closed_at END
WHERE id = $1
"""
_INSERT_DECISION = """
INSERT INTO allocation_decisions (allocation_id, stage, decision, approver_id, requester_id,
                                  reason_code, decided_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""
_OPEN_DISBURSEMENTS = """
SELECT count(*) FROM disbursements WHERE allocation_id = $1 AND status IN ('REQUESTED', 'FAILED')
"""
_LATEST_RECONCILIATION = """
SELECT expected_minor, discrepancy_count FROM reconciliations
WHERE allocation_id = $1 ORDER BY seq DESC LIMIT 1
"""
_SELECT_DISBURSEMENT = """
SELECT id, allocation_id, fund_id, project_id, beneficiary_id, kind, amount_minor, round_code,
       requested_at, items, payee_account_token, status, attempt, settled_at, settlement_ref,
       last_reason, version
FROM disbursements WHERE id = $1
"""
_INSERT_DISBURSEMENT = """
INSERT INTO disbursements (id, allocation_id, fund_id, project_id, beneficiary_id, kind,
                           amount_minor, items, round_code, payee_account_token, status, attempt,
                           requested_at, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
"""
_UPDATE_DISBURSEMENT = """
UPDATE disbursements SET status = $2, attempt = $3, settled_at = $4, settlement_ref = $5,
                         last_reason = $6, version = $7
WHERE id = $1
"""
_SETTLED_UNTIL = """
SELECT id, settlement_ref, amount_minor FROM disbursements
WHERE allocation_id = $1 AND status IN ('PAID', 'DELIVERED')
  AND (settled_at AT TIME ZONE 'Asia/Shanghai')::date <= $2
ORDER BY settled_at, id
"""
_INSERT_RECONCILIATION = """
INSERT INTO reconciliations (id, allocation_id, period_end_on, expected_minor, confirmed_minor,
                             discrepancy_count, completed_at, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, 1)
"""
_INSERT_DISCREPANCIES = """
INSERT INTO reconciliation_discrepancies (reconciliation_id, line, kind, reference,
                                          disbursement_id, expected_minor, confirmed_minor)
SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::uuid[], $6::bigint[], $7::bigint[])
"""


class PostgresAllocations:
    """Allocations on the command's connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def get(self, allocation_id: UUID, *, lock: bool = False) -> Allocation | None:
        sql = _SELECT_ALLOCATION + (" FOR UPDATE" if lock else "")
        row = await self._conn.fetchrow(sql, allocation_id)
        if row is None:
            return None
        approvals = [
            Approval(Stage(r["stage"]), r["approver_id"], r["decided_at"])
            for r in await self._conn.fetch(_SELECT_APPROVALS, allocation_id)
        ]
        order = {stage: n for n, stage in enumerate(Stage)}
        approvals.sort(key=lambda a: order[a.stage])
        return Allocation(
            row["id"],
            row["code"],
            row["fund_id"],
            row["project_id"],
            row["amount_minor"],
            row["valid_until"],
            row["requester_id"],
            ExpenseClass(row["expense_class"]),
            row["lottery"],
            status=AllocationStatus(row["status"]),
            approvals=approvals,
            version=row["version"],
        )

    async def add(self, allocation: Allocation, *, created_at: datetime) -> None:
        a = allocation
        with translated():
            await self._conn.execute(
                _INSERT_ALLOCATION,
                a.id,
                a.code,
                a.fund_id,
                a.project_id,
                a.amount_minor,
                a.valid_until,
                a.requester_id,
                a.expense_class,
                a.lottery,
                a.status,
                created_at,
                a.version,
            )

    async def save(self, allocation: Allocation, *, at: datetime) -> None:
        await self._conn.execute(
            _UPDATE_ALLOCATION, allocation.id, allocation.status, allocation.version, at
        )

    async def add_decision(
        self,
        allocation: Allocation,
        approval: Approval,
        *,
        decision: Decision,
        reason_code: str | None,
    ) -> None:
        with translated():
            await self._conn.execute(
                _INSERT_DECISION,
                allocation.id,
                approval.stage,
                decision,
                approval.approver_id,
                allocation.requester_id,
                reason_code,
                approval.approved_at,
            )

    async def open_disbursements(self, allocation_id: UUID) -> int:
        count: int = await self._conn.fetchval(_OPEN_DISBURSEMENTS, allocation_id)
        return count

    async def clean_reconciliation_covers(self, allocation_id: UUID, disbursed_minor: int) -> bool:
        """The latest reconciliation found nothing wrong and covers every settled fen."""
        row = await self._conn.fetchrow(_LATEST_RECONCILIATION, allocation_id)
        return (
            row is not None
            and row["discrepancy_count"] == 0
            and row["expected_minor"] == disbursed_minor
        )


class PostgresDisbursements:
    """Disbursements on the command's connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def get(self, disbursement_id: UUID, *, lock: bool = False) -> Disbursement | None:
        sql = _SELECT_DISBURSEMENT + (" FOR UPDATE" if lock else "")
        row = await self._conn.fetchrow(sql, disbursement_id)
        if row is None:
            return None
        return Disbursement(
            row["id"],
            row["allocation_id"],
            row["fund_id"],
            row["project_id"],
            row["beneficiary_id"],
            BenefitKind(row["kind"]),
            row["amount_minor"],
            row["round_code"],
            row["requested_at"],
            items=[Item(**item) for item in row["items"]],
            payee_account_token=row["payee_account_token"],
            status=DisbursementStatus(row["status"]),
            attempt=row["attempt"],
            settled_at=row["settled_at"],
            settlement_ref=row["settlement_ref"],
            last_reason=row["last_reason"],
            version=row["version"],
        )

    async def add(self, disbursement: Disbursement) -> None:
        d = disbursement
        with translated():
            await self._conn.execute(
                _INSERT_DISBURSEMENT,
                d.id,
                d.allocation_id,
                d.fund_id,
                d.project_id,
                d.beneficiary_id,
                d.kind,
                d.amount_minor,
                items_json(d.items),
                d.round_code,
                d.payee_account_token,
                d.status,
                d.attempt,
                d.requested_at,
                d.version,
            )

    async def save(self, disbursement: Disbursement) -> None:
        d = disbursement
        await self._conn.execute(
            _UPDATE_DISBURSEMENT,
            d.id,
            d.status,
            d.attempt,
            d.settled_at,
            d.settlement_ref,
            d.last_reason,
            d.version,
        )

    async def settled_until(self, allocation_id: UUID, period_end_on: date) -> list[Settled]:
        rows = await self._conn.fetch(_SETTLED_UNTIL, allocation_id, period_end_on)
        return [Settled(r["id"], r["settlement_ref"], r["amount_minor"]) for r in rows]


class PostgresReconciliations:
    """Reconciliations on the command's connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(
        self,
        reconciliation_id: UUID,
        *,
        allocation_id: UUID,
        period_end_on: date,
        outcome: Outcome,
        at: datetime,
    ) -> None:
        with translated():
            await self._conn.execute(
                _INSERT_RECONCILIATION,
                reconciliation_id,
                allocation_id,
                period_end_on,
                outcome.expected_minor,
                outcome.confirmed_minor,
                len(outcome.discrepancies),
                at,
            )
        lines = outcome.discrepancies
        if lines:
            await self._conn.execute(
                _INSERT_DISCREPANCIES,
                reconciliation_id,
                list(range(1, len(lines) + 1)),
                [d.kind.value for d in lines],
                [d.reference for d in lines],
                [d.disbursement_id for d in lines],
                [d.expected_minor for d in lines],
                [d.confirmed_minor for d in lines],
            )

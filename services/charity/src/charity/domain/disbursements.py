"""Disbursements (发放): entitlement plus payment, from an approved allocation to a beneficiary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Final
from uuid import UUID

from charity.domain.beneficiaries import BeneficiaryKind
from charity.domain.errors import ConflictError, InvalidInputError, invalid_state
from charity.domain.funds import BenefitKind, Item, ProjectKind


class DisbursementStatus(StrEnum):
    """REQUESTED → PAID | DELIVERED; REQUESTED → FAILED → (retry) REQUESTED; → CANCELLED."""

    REQUESTED = "REQUESTED"
    PAID = "PAID"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


OPEN_STATUSES: Final = frozenset({DisbursementStatus.REQUESTED, DisbursementStatus.FAILED})
SETTLED_STATUSES: Final = frozenset({DisbursementStatus.PAID, DisbursementStatus.DELIVERED})

# Which beneficiaries a project kind may pay; kinds not listed pay any beneficiary.
KIND_FIT: Final = {
    ProjectKind.SCHOLARSHIP: frozenset({BeneficiaryKind.STUDENT, BeneficiaryKind.CHILD}),
    ProjectKind.INSTITUTION_SUBSIDY: frozenset({BeneficiaryKind.INSTITUTION}),
}


def check_kind_fit(project_kind: ProjectKind, beneficiary_kind: BeneficiaryKind) -> None:
    """助学金 goes to students or children, institution subsidies to institutions."""
    allowed = KIND_FIT.get(project_kind)
    if allowed is not None and beneficiary_kind not in allowed:
        raise InvalidInputError(
            "beneficiary_kind_mismatch",
            f"该项目只能发放给：{'、'.join(sorted(allowed))}",
        )


def check_remaining(amount_minor: int, remaining_minor: int) -> None:
    """Never more than the allocation's remaining balance."""
    if amount_minor > remaining_minor:
        raise ConflictError(
            "insufficient_allocation_balance",
            f"资金安排余额不足：申请 {amount_minor} 分，剩余 {remaining_minor} 分",
            extra={"remaining_minor": remaining_minor},
        )


@dataclass
class Disbursement:
    """One benefit to one beneficiary in one round."""

    id: UUID
    allocation_id: UUID
    fund_id: UUID
    project_id: UUID
    beneficiary_id: UUID
    kind: BenefitKind
    amount_minor: int
    round_code: str
    requested_at: datetime
    items: list[Item] = field(default_factory=list)
    payee_account_token: UUID | None = None
    status: DisbursementStatus = DisbursementStatus.REQUESTED
    attempt: int = 1
    settled_at: datetime | None = None
    settlement_ref: str | None = None
    last_reason: str | None = None
    version: int = 1

    def _check_settlement(self, kind: BenefitKind, at: datetime, now: datetime) -> bool:
        """Whether a confirmation changes anything (a repeat is a no-op)."""
        if self.kind is not kind:
            verb = (
                "confirm-paid 只适用于现金"
                if kind is BenefitKind.CASH
                else "confirm-delivered 只适用于实物"
            )
            raise InvalidInputError("wrong_settlement_kind", verb)
        if self.status in SETTLED_STATUSES:
            return False
        if self.status is DisbursementStatus.CANCELLED:
            raise ConflictError("disbursement_cancelled", "该发放已取消，不能再确认")
        if self.status is DisbursementStatus.FAILED:
            raise ConflictError("retry_required", "发放失败后须先重试，才能确认")
        if at > now:
            raise InvalidInputError("in_future", "确认时间不能晚于当前时间")
        if at < self.requested_at:
            raise InvalidInputError("settled_before_request", "确认时间不能早于申请时间")
        return True

    def confirm(self, kind: BenefitKind, ref: str, at: datetime, now: datetime) -> bool:
        """Mark paid (cash, bank-confirmed) or delivered (goods, signed receipt)."""
        if not self._check_settlement(kind, at, now):
            return False
        self.status = (
            DisbursementStatus.PAID if kind is BenefitKind.CASH else DisbursementStatus.DELIVERED
        )
        self.settled_at = at
        self.settlement_ref = ref
        self.version += 1
        return True

    def fail(self, reason_code: str) -> None:
        """The payment or delivery attempt failed; the reservation stays."""
        if self.status is not DisbursementStatus.REQUESTED:
            raise invalid_state("发放", self.status)
        self.status = DisbursementStatus.FAILED
        self.last_reason = reason_code
        self.version += 1

    def retry(self) -> None:
        """Try a failed disbursement again."""
        if self.status is not DisbursementStatus.FAILED:
            raise invalid_state("发放", self.status)
        self.status = DisbursementStatus.REQUESTED
        self.attempt += 1
        self.version += 1

    def cancel(self, reason_code: str) -> None:
        """Give up; the reservation goes back to the allocation."""
        if self.status not in OPEN_STATUSES:
            raise invalid_state("发放", self.status)
        self.status = DisbursementStatus.CANCELLED
        self.last_reason = reason_code
        self.version += 1

"""The only place that turns charity's domain objects into outgoing event contracts (§8.4)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal
from uuid import UUID

from charity.domain.allocations import Allocation, Approval, Stage
from charity.domain.beneficiaries import Beneficiary
from charity.domain.childcare import Session
from charity.domain.commands import RecordDonation
from charity.domain.disbursements import Disbursement
from charity.domain.funds import BenefitKind, DonorType, Fund, Project
from charity.domain.reconciliation import Outcome
from shared.events import charity as ev

CNY: Literal["CNY"] = "CNY"


def _code(value: StrEnum) -> Any:
    """An enum member as the contract's literal (pydantic checks the value on construction)."""
    return value.value


def fund_opened(fund: Fund) -> ev.FundOpened:
    """FundOpened."""
    return ev.FundOpened(
        fund_id=fund.id,
        code=fund.code,
        source_type=_code(fund.source_type),
        fiscal_year=fund.fiscal_year,
    )


def fund_credited(
    fund_id: UUID, amount_minor: int, credited_at: datetime, reference: str
) -> ev.FundCredited:
    """FundCredited."""
    return ev.FundCredited(
        fund_id=fund_id,
        amount_minor=amount_minor,
        currency=CNY,
        credited_at=credited_at,
        reference=reference,
    )


def donation_received(cmd: RecordDonation) -> ev.DonationReceived:
    """DonationReceived: an organisation's name only when it is not anonymous, never a person's."""
    named = cmd.donor_type is DonorType.ORGANISATION and not cmd.anonymous
    return ev.DonationReceived(
        donation_id=cmd.donation_id,
        fund_id=cmd.fund_id,
        donor_type=_code(cmd.donor_type),
        anonymous=cmd.anonymous,
        donor_display_name=cmd.donor_display_name if named else None,
        kind=_code(cmd.kind),
        amount_minor=cmd.amount_minor,
        currency=CNY,
        designated_project_id=cmd.designated_project_id,
        received_at=cmd.received_at,
    )


def project_registered(project: Project) -> ev.ProjectRegistered:
    """ProjectRegistered."""
    return ev.ProjectRegistered(
        project_id=project.id,
        code=project.code,
        name=project.name,
        brand=project.brand,
        kind=_code(project.kind),
        purpose=_code(project.purpose),
        in_project_library=project.in_project_library,
    )


def beneficiary_registered(b: Beneficiary, at: datetime) -> ev.BeneficiaryRegistered:
    """BeneficiaryRegistered: kind, links and county only."""
    return ev.BeneficiaryRegistered(
        beneficiary_id=b.id,
        kind=_code(b.kind),
        elder_id=b.elder_id,
        institution_id=b.institution_id,
        county_code=b.county_code,
        registered_at=at,
    )


def beneficiary_enrolled(b: Beneficiary, project_id: UUID, at: datetime) -> ev.BeneficiaryEnrolled:
    """BeneficiaryEnrolled."""
    return ev.BeneficiaryEnrolled(beneficiary_id=b.id, project_id=project_id, enrolled_at=at)


def beneficiary_deactivated(
    b: Beneficiary, reason_code: str, at: datetime
) -> ev.BeneficiaryDeactivated:
    """BeneficiaryDeactivated."""
    return ev.BeneficiaryDeactivated(
        beneficiary_id=b.id, reason_code=reason_code, deactivated_at=at
    )


def allocation_submitted(a: Allocation, at: datetime) -> ev.AllocationSubmitted:
    """AllocationSubmitted."""
    return ev.AllocationSubmitted(
        allocation_id=a.id,
        code=a.code,
        fund_id=a.fund_id,
        project_id=a.project_id,
        amount_minor=a.amount_minor,
        currency=CNY,
        valid_until=a.valid_until,
        requester_id=a.requester_id,
        submitted_at=at,
    )


def stage_approved(a: Allocation, approval: Approval) -> ev.AllocationStageApproved:
    """AllocationStageApproved."""
    return ev.AllocationStageApproved(
        allocation_id=a.id,
        stage=_code(approval.stage),
        approver_id=approval.approver_id,
        approved_at=approval.approved_at,
    )


def allocation_approved(a: Allocation, at: datetime) -> ev.AllocationApproved:
    """AllocationApproved."""
    return ev.AllocationApproved(
        allocation_id=a.id,
        fund_id=a.fund_id,
        project_id=a.project_id,
        amount_minor=a.amount_minor,
        approved_at=at,
    )


def allocation_rejected(
    a: Allocation, stage: Stage, approver_id: UUID, reason_code: str
) -> ev.AllocationRejected:
    """AllocationRejected."""
    return ev.AllocationRejected(
        allocation_id=a.id, stage=_code(stage), approver_id=approver_id, reason_code=reason_code
    )


def allocation_closed(a: Allocation, released_minor: int, at: datetime) -> ev.AllocationClosed:
    """AllocationClosed."""
    return ev.AllocationClosed(
        allocation_id=a.id, fund_id=a.fund_id, released_minor=released_minor, closed_at=at
    )


def disbursement_requested(d: Disbursement) -> ev.DisbursementRequested:
    """DisbursementRequested: no payee account, no items."""
    return ev.DisbursementRequested(
        disbursement_id=d.id,
        allocation_id=d.allocation_id,
        fund_id=d.fund_id,
        project_id=d.project_id,
        beneficiary_id=d.beneficiary_id,
        kind=_code(d.kind),
        amount_minor=d.amount_minor,
        currency=CNY,
        round_code=d.round_code,
        requested_at=d.requested_at,
    )


def disbursement_settled(
    d: Disbursement, at: datetime
) -> ev.DisbursementPaid | ev.DisbursementDelivered:
    """DisbursementPaid (cash) or DisbursementDelivered (goods); never the bank reference."""
    if d.kind is BenefitKind.CASH:
        return ev.DisbursementPaid(
            disbursement_id=d.id,
            allocation_id=d.allocation_id,
            amount_minor=d.amount_minor,
            paid_at=at,
        )
    return ev.DisbursementDelivered(
        disbursement_id=d.id,
        allocation_id=d.allocation_id,
        amount_minor=d.amount_minor,
        delivered_at=at,
    )


def disbursement_failed(d: Disbursement, reason_code: str, at: datetime) -> ev.DisbursementFailed:
    """DisbursementFailed."""
    return ev.DisbursementFailed(
        disbursement_id=d.id, reason_code=reason_code, failed_at=at, attempt=d.attempt
    )


def disbursement_retried(d: Disbursement, at: datetime) -> ev.DisbursementRetried:
    """DisbursementRetried."""
    return ev.DisbursementRetried(disbursement_id=d.id, retried_at=at, attempt=d.attempt)


def disbursement_cancelled(
    d: Disbursement, reason_code: str, at: datetime
) -> ev.DisbursementCancelled:
    """DisbursementCancelled."""
    return ev.DisbursementCancelled(disbursement_id=d.id, reason_code=reason_code, cancelled_at=at)


def reconciliation_completed(
    reconciliation_id: UUID, allocation_id: UUID, period_end_on: date, outcome: Outcome
) -> ev.ReconciliationCompleted:
    """ReconciliationCompleted: totals and the number of discrepancies."""
    return ev.ReconciliationCompleted(
        reconciliation_id=reconciliation_id,
        allocation_id=allocation_id,
        period_end_on=period_end_on,
        expected_minor=outcome.expected_minor,
        confirmed_minor=outcome.confirmed_minor,
        discrepancy_count=len(outcome.discrepancies),
    )


def session_delivered(s: Session) -> ev.ChildCareSessionDelivered:
    """ChildCareSessionDelivered: a count of children, never their ids (minors, §9)."""
    return ev.ChildCareSessionDelivered(
        session_id=s.id,
        project_id=s.project_id,
        held_on=s.held_on,
        child_count=s.child_count,
        minutes=s.minutes,
    )

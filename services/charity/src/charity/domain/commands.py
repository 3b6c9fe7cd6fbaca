"""Commands: what a caller asks the charity service to do (imperative, immutable)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from charity.domain.allocations import Decision, ExpenseClass, Stage
from charity.domain.beneficiaries import BeneficiaryKind
from charity.domain.childcare import ProviderRole
from charity.domain.funds import BenefitKind, DonorType, Item, ProjectKind, Purpose, SourceType
from charity.domain.reconciliation import PaymentResult


@dataclass(frozen=True)
class Actor:
    """Who runs the command: an opaque person id and the role their token carries."""

    person_id: UUID
    role: str


@dataclass(frozen=True)
class OpenFund:
    """Open a fund (资金池)."""

    fund_id: UUID
    code: str
    source_type: SourceType
    fiscal_year: int | None


@dataclass(frozen=True)
class CreditFund:
    """Money arrived in a fund."""

    fund_id: UUID
    amount_minor: int
    credited_at: datetime
    reference: str


@dataclass(frozen=True)
class RegisterProject:
    """Register a project (项目)."""

    project_id: UUID
    code: str
    name: str
    brand: str | None
    kind: ProjectKind
    purpose: Purpose
    in_project_library: bool


@dataclass(frozen=True)
class DonorDetails:
    """An individual donor's personal data (vault only) or an organisation's public name."""

    name: str | None = None
    id_card_no: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class RecordDonation:
    """Record a donation (捐赠) received."""

    donation_id: UUID
    receipt_no: str
    fund_id: UUID
    donor_type: DonorType
    anonymous: bool
    kind: BenefitKind
    amount_minor: int
    received_at: datetime
    donor_id: UUID | None = None
    donor: DonorDetails | None = None
    donor_display_name: str | None = None
    items: tuple[Item, ...] = ()
    designated_project_id: UUID | None = None


@dataclass(frozen=True)
class RegisterBeneficiary:
    """Register a beneficiary (受助对象); ``personal`` goes to the vault only."""

    beneficiary_id: UUID
    kind: BeneficiaryKind
    county_code: str | None
    elder_id: UUID | None = None
    institution_id: UUID | None = None
    personal: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EnrolBeneficiary:
    """Enrol a beneficiary in a project."""

    beneficiary_id: UUID
    project_id: UUID


@dataclass(frozen=True)
class DeactivateBeneficiary:
    """Stop a beneficiary's benefits."""

    beneficiary_id: UUID
    reason_code: str


@dataclass(frozen=True)
class DraftAllocation:
    """Draft an allocation (资金安排); nothing is announced until it is submitted."""

    allocation_id: UUID
    code: str
    fund_id: UUID
    project_id: UUID
    amount_minor: int
    valid_until: date
    expense_class: ExpenseClass
    requester: Actor


@dataclass(frozen=True)
class DecideStage:
    """Approve or reject an allocation at a stage."""

    allocation_id: UUID
    stage: Stage
    decision: Decision
    approver: Actor
    reason_code: str | None = None


@dataclass(frozen=True)
class RequestDisbursement:
    """Request a disbursement (发放) against an approved allocation."""

    disbursement_id: UUID
    allocation_id: UUID
    beneficiary_id: UUID
    kind: BenefitKind
    amount_minor: int
    round_code: str
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class SettleDisbursement:
    """Confirm a disbursement paid (cash) or delivered (goods)."""

    disbursement_id: UUID
    kind: BenefitKind
    reference: str
    at: datetime


@dataclass(frozen=True)
class Reconcile:
    """Reconcile an allocation's settled disbursements against payment results."""

    reconciliation_id: UUID
    allocation_id: UUID
    period_end_on: date
    results: tuple[PaymentResult, ...] | None


@dataclass(frozen=True)
class RecordSession:
    """Record a delivered child-care session."""

    session_id: UUID
    project_id: UUID
    provider_person_id: UUID
    held_on: date
    child_ids: tuple[UUID, ...]
    minutes: int


@dataclass(frozen=True)
class RegisterProvider:
    """Register (or re-register) a session provider's role."""

    person_id: UUID
    role: ProviderRole

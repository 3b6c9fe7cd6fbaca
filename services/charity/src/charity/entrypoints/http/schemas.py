"""Request and response models of the HTTP API (never the event contracts themselves)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from charity.domain.allocations import AllocationStatus, Decision, ExpenseClass, Stage
from charity.domain.beneficiaries import BeneficiaryKind, BeneficiaryStatus
from charity.domain.childcare import ProviderRole
from charity.domain.disbursements import DisbursementStatus
from charity.domain.funds import BenefitKind, DonorType, ProjectKind, Purpose, SourceType

# Money in fen: a JSON integer; 100.5, "100", 1e3, 0 and negatives are all 422 invalid_amount.
Minor = Annotated[int, Field(gt=0, strict=True, description="金额（分），正整数")]
HumanCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
    ),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Currency = Literal["CNY"]


class Request(BaseModel):
    """A command body: unknown fields are refused, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")


class Response(BaseModel):
    """An aggregate's state as returned by every command and read."""

    model_config = ConfigDict(extra="allow")


class ItemIn(Request):
    """A line of goods, valued in fen per unit when known."""

    name: Label
    quantity: int = Field(gt=0, strict=True)
    unit_value_minor: Minor | None = None


class OpenFundRequest(Request):
    """Open a fund: a year's welfare-lottery fund, the donation fund, or fiscal money."""

    id: UUID | None = None
    code: HumanCode
    source_type: SourceType
    fiscal_year: int | None = Field(default=None, ge=2000, le=2100)


class CreditFundRequest(Request):
    """Money arrived (the lottery money from the finance bureau); a reference is booked once."""

    amount_minor: Minor
    credited_at: AwareDatetime
    reference: HumanCode


class FundResponse(Response):
    """A fund and its balances, all derived from the ledger."""

    id: UUID
    code: str
    source_type: SourceType
    fiscal_year: int | None
    opened_at: datetime
    currency: Currency
    credited_minor: int
    donated_minor: int
    allocated_minor: int
    released_minor: int
    available_minor: int = Field(description="credited + donated − allocated + released")
    undesignated_minor: int
    designated_minor: dict[str, int] = Field(description="定向: project id → fen")
    aggregate_version: int


class LedgerEntryResponse(Response):
    """One ledger entry."""

    seq: int
    kind: str
    amount_minor: int
    currency: Currency
    from_account: str
    to_account: str
    allocation_id: UUID | None
    disbursement_id: UUID | None
    donation_id: UUID | None
    project_id: UUID | None
    reference: str | None
    occurred_at: datetime


class LedgerCheckResponse(Response):
    """Whether the ledger balances to the fen."""

    balanced: bool
    entries: int
    moved_minor: int
    accounts: int
    mismatched_accounts: list[str]
    negative_accounts: list[str]


class RegisterProjectRequest(Request):
    """Register a project (项目)."""

    id: UUID | None = None
    code: HumanCode
    name: Label
    brand: Label | None = None
    kind: ProjectKind
    purpose: Purpose
    in_project_library: bool = False


class ProjectResponse(Response):
    """A project."""

    id: UUID
    code: str
    name: str
    brand: str | None
    kind: ProjectKind
    purpose: Purpose
    in_project_library: bool
    registered_at: datetime
    aggregate_version: int


class DonorIn(Request):
    """An individual donor's personal data: kept in the vault, never published."""

    name: Text | None = None
    id_card_no: Annotated[str, StringConstraints(max_length=32)] | None = None
    phone: Annotated[str, StringConstraints(max_length=32)] | None = None


class RecordDonationRequest(Request):
    """Record a donation (捐赠); in-kind donations carry their valuation and items."""

    id: UUID | None = None
    receipt_no: HumanCode
    fund_id: UUID
    donor_type: DonorType
    anonymous: bool = False
    donor_id: UUID | None = Field(default=None, description="a donor already known here")
    donor: DonorIn | None = None
    donor_display_name: Label | None = Field(default=None, description="organisations only")
    kind: BenefitKind
    amount_minor: Minor
    items: list[ItemIn] = Field(default_factory=list, max_length=200)
    designated_project_id: UUID | None = None
    received_at: AwareDatetime


class DonationResponse(Response):
    """A donation (the donor only as an opaque id)."""

    id: UUID
    receipt_no: str
    fund_id: UUID
    donor_id: UUID | None
    donor_type: DonorType
    anonymous: bool
    donor_display_name: str | None
    kind: BenefitKind
    amount_minor: int
    currency: Currency
    items: list[ItemIn]
    designated_project_id: UUID | None
    received_at: datetime
    aggregate_version: int


class RegisterBeneficiaryRequest(Request):
    """Register a beneficiary; personal fields go to the vault only."""

    id: UUID | None = None
    kind: BeneficiaryKind
    county_code: Code | None = Field(
        default=None, description="linked kinds default to the replica's"
    )
    elder_id: UUID | None = None
    institution_id: UUID | None = None
    name: Text | None = None
    id_card_no: Annotated[str, StringConstraints(max_length=32)] | None = None
    guardian_name: Text | None = None
    guardian_phone: Annotated[str, StringConstraints(max_length=32)] | None = None
    bank_account_no: Annotated[str, StringConstraints(pattern=r"^[0-9]{8,30}$")] | None = None
    school: Text | None = None
    disability_category: Text | None = None
    orphan_category: Text | None = None


class EnrolRequest(Request):
    """Enrol in a project."""

    project_id: UUID


class ReasonRequest(Request):
    """A reason code (machine code, e.g. MOVED_AWAY)."""

    reason_code: Code


class BeneficiaryResponse(Response):
    """A beneficiary; personal data masked (张*三, 430***********123X, 138****1234)."""

    id: UUID
    kind: BeneficiaryKind
    county_code: str
    elder_id: UUID | None
    institution_id: UUID | None
    status: BeneficiaryStatus
    enrolled_project_ids: list[UUID]
    registered_at: datetime
    deactivated_at: datetime | None
    deactivation_reason: str | None
    bank_account_token: UUID | None
    erased: bool
    personal: dict[str, str]
    aggregate_version: int


class PersonalDataResponse(Response):
    """Clear personal data (this read was audited)."""

    subject_id: UUID
    purpose: str
    fields: dict[str, str]


class AuditEntryResponse(Response):
    """One audited read of personal data."""

    seq: int
    actor_id: UUID
    actor_role: str
    subject_id: UUID
    fields: list[str]
    purpose: str
    accessed_at: datetime


class DraftAllocationRequest(Request):
    """Draft an allocation (资金安排); the caller is its requester."""

    id: UUID | None = None
    code: HumanCode
    fund_id: UUID
    project_id: UUID
    amount_minor: Minor
    valid_until: date
    expense_class: ExpenseClass = ExpenseClass.PROJECT


class DecisionRequest(Request):
    """A stage decision; the approver is the caller (approver_id, if sent, must be the caller)."""

    stage: Stage
    decision: Decision = Decision.APPROVE
    approver_id: UUID | None = None
    reason_code: Code | None = None


class StageResponse(Response):
    """One stage of an allocation."""

    stage: Stage
    required_role: str
    decision: Decision | None
    approver_id: UUID | None
    reason_code: str | None
    decided_at: datetime | None


class AllocationResponse(Response):
    """An allocation, its stages, and its balances derived from the ledger."""

    id: UUID
    code: str
    fund_id: UUID
    project_id: UUID
    amount_minor: int
    currency: Currency
    valid_until: date
    requester_id: UUID
    expense_class: ExpenseClass
    status: AllocationStatus
    stages: list[StageResponse]
    next_stage: Stage | None
    reserved_minor: int
    disbursed_minor: int
    released_minor: int
    remaining_minor: int
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    closed_at: datetime | None
    aggregate_version: int


class RequestDisbursementRequest(Request):
    """Request a disbursement (发放); goods are valued in fen."""

    id: UUID | None = None
    beneficiary_id: UUID
    kind: BenefitKind
    amount_minor: Minor
    round_code: HumanCode = Field(description="e.g. 2024-春节慰问, or academic year 2024-2025")
    items: list[ItemIn] = Field(default_factory=list, max_length=200)


class ConfirmPaidRequest(Request):
    """The bank confirmed the payment."""

    bank_ref: HumanCode
    paid_at: AwareDatetime


class ConfirmDeliveredRequest(Request):
    """The goods were delivered against a signed receipt."""

    receipt_ref: HumanCode
    delivered_at: AwareDatetime


class DisbursementResponse(Response):
    """A disbursement."""

    id: UUID
    allocation_id: UUID
    fund_id: UUID
    project_id: UUID
    beneficiary_id: UUID
    kind: BenefitKind
    amount_minor: int
    currency: Currency
    items: list[ItemIn]
    round_code: str
    payee_account_token: UUID | None
    status: DisbursementStatus
    attempt: int
    requested_at: datetime
    settled_at: datetime | None
    settlement_ref: str | None
    last_reason: str | None
    aggregate_version: int


class PaymentResultIn(Request):
    """One line of a bank statement or of the signed receipts."""

    reference: HumanCode
    amount_minor: Annotated[int, Field(ge=0, strict=True)]


class ReconcileRequest(Request):
    """Reconcile an allocation up to a date; without results, the recorded confirmations count."""

    id: UUID | None = None
    allocation_id: UUID
    period_end_on: date
    payment_results: list[PaymentResultIn] | None = Field(default=None, max_length=100_000)


class DiscrepancyResponse(Response):
    """One line that does not reconcile."""

    kind: str
    reference: str
    disbursement_id: UUID | None
    expected_minor: int
    confirmed_minor: int


class ReconciliationResponse(Response):
    """A reconciliation."""

    id: UUID
    allocation_id: UUID
    period_end_on: date
    expected_minor: int
    confirmed_minor: int
    discrepancy_count: int
    discrepancies: list[DiscrepancyResponse]
    completed_at: datetime
    aggregate_version: int


class ProviderRequest(Request):
    """What a session provider is."""

    role: ProviderRole


class ProviderResponse(Response):
    """A registered provider."""

    person_id: UUID
    role: ProviderRole


class RecordSessionRequest(Request):
    """A delivered child-care session."""

    id: UUID | None = None
    project_id: UUID
    provider_person_id: UUID
    held_on: date
    child_beneficiary_ids: list[UUID] = Field(max_length=200)
    minutes: int = Field(gt=0, le=24 * 60, strict=True)


class SessionResponse(Response):
    """A session (children's ids only for the caseworker)."""

    id: UUID
    project_id: UUID
    provider_person_id: UUID
    held_on: date
    child_count: int
    minutes: int
    recorded_at: datetime
    child_beneficiary_ids: list[UUID] | None = None
    aggregate_version: int


class PersonTimesResponse(Response):
    """Sessions and person-times (人次 = Σ children per session) in a year."""

    year: int
    project_id: UUID | None
    sessions: int
    person_times: int
    minutes: int

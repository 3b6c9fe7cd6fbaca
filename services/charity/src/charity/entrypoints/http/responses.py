"""Response models of the HTTP API: the state documents commands and reads return."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from charity.domain.allocations import AllocationStatus, Decision, ExpenseClass, Stage
from charity.domain.beneficiaries import BeneficiaryKind, BeneficiaryStatus
from charity.domain.childcare import ProviderRole
from charity.domain.disbursements import DisbursementStatus
from charity.domain.funds import BenefitKind, DonorType, ProjectKind, Purpose, SourceType
from charity.entrypoints.http.schemas import Currency, ItemIn


class Response(BaseModel):
    """An aggregate's state as returned by every command and read."""

    model_config = ConfigDict(extra="allow")


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


class ProviderResponse(Response):
    """A registered provider."""

    person_id: UUID
    role: ProviderRole


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

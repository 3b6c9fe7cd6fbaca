"""Request models of the HTTP API (never the event contracts themselves)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from charity.domain.allocations import Decision, ExpenseClass, Stage
from charity.domain.beneficiaries import BeneficiaryKind
from charity.domain.childcare import ProviderRole
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


# Control characters other than tab and line breaks: no text needs them, and PostgreSQL text
# cannot hold NUL at all (a 500 before), so they are 422 invalid_input like unknown fields.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _strings(item)]
    return []


class Request(BaseModel):
    """A command body: unknown fields and control characters are refused (422 invalid_input)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _no_control_characters(self) -> Any:
        for name in type(self).model_fields:
            if any(_CONTROL.search(text) for text in _strings(getattr(self, name))):
                raise ValueError(f"{name}: control characters are not allowed")
        return self


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


class RegisterProjectRequest(Request):
    """Register a project (项目)."""

    id: UUID | None = None
    code: HumanCode
    name: Label
    brand: Label | None = None
    kind: ProjectKind
    purpose: Purpose
    in_project_library: bool = False


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


class ProviderRequest(Request):
    """What a session provider is."""

    role: ProviderRole


class RecordSessionRequest(Request):
    """A delivered child-care session."""

    id: UUID | None = None
    project_id: UUID
    provider_person_id: UUID
    held_on: date
    child_beneficiary_ids: list[UUID] = Field(max_length=200)
    minutes: int = Field(gt=0, le=24 * 60, strict=True)

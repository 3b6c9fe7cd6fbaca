"""Events published by the charity service (DOMAIN §8.4)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal, Self
from uuid import UUID

from pydantic import AwareDatetime, Field, StringConstraints, model_validator

from shared.events import topics
from shared.events.base import IntegrationEvent

# Bounded strings: a contract never carries free text of unbounded size (DOMAIN §9.1).
Label = Annotated[str, StringConstraints(min_length=1, max_length=200)]
HumanCode = Annotated[str, StringConstraints(min_length=1, max_length=64)]
# Machine codes (reason codes, region codes): one ASCII token, so no sentence can hide in them.
Code = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]
Count = Annotated[int, Field(ge=0)]
PositiveCount = Annotated[int, Field(ge=1)]
# Money in fen: a JSON number, never a string or a float (DOMAIN §3.5), hence strict.
Minor = Annotated[int, Field(ge=0, strict=True)]
# An amount that moves money: zero or negative amounts are refused at the door (DOMAIN §6).
PositiveMinor = Annotated[int, Field(gt=0, strict=True)]
Currency = Literal["CNY"]

FundSourceType = Literal["LOTTERY_WELFARE", "DONATION", "FISCAL"]
DonorType = Literal["INDIVIDUAL", "ORGANISATION"]
BenefitKind = Literal["CASH", "IN_KIND"]
ProjectKind = Literal[
    "RELIEF_GOODS",
    "SCHOLARSHIP",
    "ELDER_CANTEEN",
    "WRISTBAND",
    "PUBLIC_CLASS",
    "CHILD_CARE",
    "WEEKEND_MOTHERS",
    "HOME_TEACHING",
    "INSTITUTION_SUBSIDY",
]
ProjectPurpose = Literal[
    "SUPPORT_ELDERLY", "SUPPORT_DISABLED", "RESCUE_ORPHANS", "RELIEVE_POVERTY", "PUBLIC_GOOD"
]
BeneficiaryKind = Literal["ELDER", "CHILD", "STUDENT", "HOUSEHOLD", "INSTITUTION"]
ApprovalStage = Literal["SECTION_REVIEW", "LEADER_APPROVAL", "FINANCE_COSIGN"]


class FundOpened(IntegrationEvent):
    """A fund (资金池) was opened: a year's welfare-lottery fund, the donation fund, or fiscal."""

    TYPE: ClassVar[str] = "charity.fund.opened.v1"
    TOPIC: ClassVar[str] = topics.CHARITY_FUNDS
    AGGREGATE: ClassVar[str] = "fund"
    KEY_FIELD: ClassVar[str] = "fund_id"

    fund_id: UUID
    code: HumanCode
    source_type: FundSourceType
    fiscal_year: Annotated[int, Field(ge=2000, le=2100)] | None = None


class FundCredited(IntegrationEvent):
    """Money arrived in a fund (for lottery funds, from the finance bureau)."""

    TYPE: ClassVar[str] = "charity.fund.credited.v1"
    TOPIC: ClassVar[str] = topics.CHARITY_FUNDS
    AGGREGATE: ClassVar[str] = "fund"
    KEY_FIELD: ClassVar[str] = "fund_id"

    fund_id: UUID
    amount_minor: PositiveMinor
    currency: Currency
    credited_at: AwareDatetime
    reference: HumanCode


class DonationReceived(IntegrationEvent):
    """A donation (捐赠) was received; individual donors are never named."""

    TYPE: ClassVar[str] = "charity.donation.received.v1"
    TOPIC: ClassVar[str] = topics.CHARITY_DONATIONS
    AGGREGATE: ClassVar[str] = "donation"
    KEY_FIELD: ClassVar[str] = "donation_id"

    donation_id: UUID
    fund_id: UUID
    donor_type: DonorType
    anonymous: bool
    donor_display_name: Label | None = None
    kind: BenefitKind
    amount_minor: PositiveMinor
    currency: Currency
    designated_project_id: UUID | None = None
    received_at: AwareDatetime

    @model_validator(mode="after")
    def _display_name_only_for_named_organisations(self) -> Self:
        named = self.donor_type == "ORGANISATION" and not self.anonymous
        if self.donor_display_name is not None and not named:
            raise ValueError("donor_display_name is allowed only for non-anonymous organisations")
        return self


class ProjectRegistered(IntegrationEvent):
    """A charity project (项目) was registered."""

    TYPE: ClassVar[str] = "charity.project.registered.v1"
    TOPIC: ClassVar[str] = topics.CHARITY_PROJECTS
    AGGREGATE: ClassVar[str] = "project"
    KEY_FIELD: ClassVar[str] = "project_id"

    project_id: UUID
    code: HumanCode
    name: Label
    brand: Label | None = None
    kind: ProjectKind
    purpose: ProjectPurpose
    in_project_library: bool


class BeneficiaryRegistered(IntegrationEvent):
    """A beneficiary (受助对象) was registered; personal data stays in the charity vault."""

    TYPE: ClassVar[str] = "charity.beneficiary.registered.v1"
    TOPIC: ClassVar[str] = topics.CHARITY_BENEFICIARIES
    AGGREGATE: ClassVar[str] = "beneficiary"
    KEY_FIELD: ClassVar[str] = "beneficiary_id"

    beneficiary_id: UUID
    kind: BeneficiaryKind
    elder_id: UUID | None = None
    institution_id: UUID | None = None
    county_code: Code
    registered_at: AwareDatetime

    @model_validator(mode="after")
    def _links_match_kind(self) -> Self:
        if (self.kind == "ELDER") != (self.elder_id is not None):
            raise ValueError("elder_id is required for an ELDER beneficiary and only for one")
        if (self.kind == "INSTITUTION") != (self.institution_id is not None):
            raise ValueError(
                "institution_id is required for an INSTITUTION beneficiary and only for one"
            )
        return self


class BeneficiaryEnrolled(IntegrationEvent):
    """A beneficiary was enrolled in a project."""

    TYPE: ClassVar[str] = "charity.beneficiary.enrolled.v1"
    TOPIC: ClassVar[str] = topics.CHARITY_BENEFICIARIES
    AGGREGATE: ClassVar[str] = "beneficiary"
    KEY_FIELD: ClassVar[str] = "beneficiary_id"

    beneficiary_id: UUID
    project_id: UUID
    enrolled_at: AwareDatetime


class BeneficiaryDeactivated(IntegrationEvent):
    """A beneficiary was deactivated (for example when a linked elder died)."""

    TYPE: ClassVar[str] = "charity.beneficiary.deactivated.v1"
    TOPIC: ClassVar[str] = topics.CHARITY_BENEFICIARIES
    AGGREGATE: ClassVar[str] = "beneficiary"
    KEY_FIELD: ClassVar[str] = "beneficiary_id"

    beneficiary_id: UUID
    reason_code: Code
    deactivated_at: AwareDatetime


class AllocationSubmitted(IntegrationEvent):
    """An allocation (资金安排) of a fund's money to a project was submitted for approval."""

    TYPE: ClassVar[str] = "charity.allocation.submitted.v1"
    TOPIC: ClassVar[str] = topics.CHARITY_ALLOCATIONS
    AGGREGATE: ClassVar[str] = "allocation"
    KEY_FIELD: ClassVar[str] = "allocation_id"

    allocation_id: UUID
    code: HumanCode
    fund_id: UUID
    project_id: UUID
    amount_minor: PositiveMinor
    currency: Currency
    valid_until: date
    requester_id: UUID
    submitted_at: AwareDatetime


class AllocationStageApproved(IntegrationEvent):
    """One approval stage of an allocation was passed (four eyes: a different approver each)."""

    TYPE: ClassVar[str] = "charity.allocation.stage_approved.v1"
    TOPIC: ClassVar[str] = topics.CHARITY_ALLOCATIONS
    AGGREGATE: ClassVar[str] = "allocation"
    KEY_FIELD: ClassVar[str] = "allocation_id"

    allocation_id: UUID
    stage: ApprovalStage
    approver_id: UUID
    approved_at: AwareDatetime


class AllocationApproved(IntegrationEvent):
    """An allocation passed its last approval stage; its money may now be disbursed."""

    TYPE: ClassVar[str] = "charity.allocation.approved.v1"
    TOPIC: ClassVar[str] = topics.CHARITY_ALLOCATIONS
    AGGREGATE: ClassVar[str] = "allocation"
    KEY_FIELD: ClassVar[str] = "allocation_id"

    allocation_id: UUID
    fund_id: UUID
    project_id: UUID
    amount_minor: PositiveMinor
    approved_at: AwareDatetime


class AllocationRejected(IntegrationEvent):
    """An allocation was rejected at one of its approval stages."""

    TYPE: ClassVar[str] = "charity.allocation.rejected.v1"
    TOPIC: ClassVar[str] = topics.CHARITY_ALLOCATIONS
    AGGREGATE: ClassVar[str] = "allocation"
    KEY_FIELD: ClassVar[str] = "allocation_id"

    allocation_id: UUID
    stage: ApprovalStage
    approver_id: UUID
    reason_code: Code


class AllocationClosed(IntegrationEvent):
    """An allocation was closed and its unused remainder released back to the fund."""

    TYPE: ClassVar[str] = "charity.allocation.closed.v1"
    TOPIC: ClassVar[str] = topics.CHARITY_ALLOCATIONS
    AGGREGATE: ClassVar[str] = "allocation"
    KEY_FIELD: ClassVar[str] = "allocation_id"

    allocation_id: UUID
    fund_id: UUID
    released_minor: Minor
    closed_at: AwareDatetime


class DisbursementRequested(IntegrationEvent):
    """A payment or in-kind delivery (发放) to a beneficiary was requested and reserved."""

    TYPE: ClassVar[str] = "charity.disbursement.requested.v1"
    TOPIC: ClassVar[str] = topics.CHARITY_DISBURSEMENTS
    AGGREGATE: ClassVar[str] = "disbursement"
    KEY_FIELD: ClassVar[str] = "disbursement_id"

    disbursement_id: UUID
    allocation_id: UUID
    fund_id: UUID
    project_id: UUID
    beneficiary_id: UUID
    kind: BenefitKind
    amount_minor: PositiveMinor
    currency: Currency
    round_code: HumanCode
    requested_at: AwareDatetime


class DisbursementPaid(IntegrationEvent):
    """A cash disbursement was confirmed paid by the bank (the bank reference stays in charity)."""

    TYPE: ClassVar[str] = "charity.disbursement.paid.v1"
    TOPIC: ClassVar[str] = topics.CHARITY_DISBURSEMENTS
    AGGREGATE: ClassVar[str] = "disbursement"
    KEY_FIELD: ClassVar[str] = "disbursement_id"

    disbursement_id: UUID
    allocation_id: UUID
    amount_minor: PositiveMinor
    paid_at: AwareDatetime


class DisbursementDelivered(IntegrationEvent):
    """An in-kind disbursement was delivered against a signed receipt."""

    TYPE: ClassVar[str] = "charity.disbursement.delivered.v1"
    TOPIC: ClassVar[str] = topics.CHARITY_DISBURSEMENTS
    AGGREGATE: ClassVar[str] = "disbursement"
    KEY_FIELD: ClassVar[str] = "disbursement_id"

    disbursement_id: UUID
    allocation_id: UUID
    amount_minor: PositiveMinor
    delivered_at: AwareDatetime


class DisbursementFailed(IntegrationEvent):
    """A disbursement attempt failed; its reservation is kept for a retry."""

    TYPE: ClassVar[str] = "charity.disbursement.failed.v1"
    TOPIC: ClassVar[str] = topics.CHARITY_DISBURSEMENTS
    AGGREGATE: ClassVar[str] = "disbursement"
    KEY_FIELD: ClassVar[str] = "disbursement_id"

    disbursement_id: UUID
    reason_code: Code
    failed_at: AwareDatetime
    attempt: PositiveCount


class DisbursementRetried(IntegrationEvent):
    """A failed disbursement was requested again."""

    TYPE: ClassVar[str] = "charity.disbursement.retried.v1"
    TOPIC: ClassVar[str] = topics.CHARITY_DISBURSEMENTS
    AGGREGATE: ClassVar[str] = "disbursement"
    KEY_FIELD: ClassVar[str] = "disbursement_id"

    disbursement_id: UUID
    retried_at: AwareDatetime
    attempt: PositiveCount


class DisbursementCancelled(IntegrationEvent):
    """A disbursement was cancelled and its reservation released."""

    TYPE: ClassVar[str] = "charity.disbursement.cancelled.v1"
    TOPIC: ClassVar[str] = topics.CHARITY_DISBURSEMENTS
    AGGREGATE: ClassVar[str] = "disbursement"
    KEY_FIELD: ClassVar[str] = "disbursement_id"

    disbursement_id: UUID
    reason_code: Code
    cancelled_at: AwareDatetime


class ReconciliationCompleted(IntegrationEvent):
    """An allocation's settled disbursements were reconciled (对账) against confirmations."""

    TYPE: ClassVar[str] = "charity.reconciliation.completed.v1"
    TOPIC: ClassVar[str] = topics.CHARITY_RECONCILIATIONS
    AGGREGATE: ClassVar[str] = "reconciliation"
    KEY_FIELD: ClassVar[str] = "reconciliation_id"

    reconciliation_id: UUID
    allocation_id: UUID
    period_end_on: date
    expected_minor: Minor
    confirmed_minor: Minor
    discrepancy_count: Count


class ChildCareSessionDelivered(IntegrationEvent):
    """A child-care session (周末妈妈 / 送教上门) was delivered; children are never identified."""

    TYPE: ClassVar[str] = "charity.child_care_session.delivered.v1"
    TOPIC: ClassVar[str] = topics.CHARITY_CHILD_CARE_SESSIONS
    AGGREGATE: ClassVar[str] = "child_care_session"
    KEY_FIELD: ClassVar[str] = "session_id"

    session_id: UUID
    project_id: UUID
    held_on: date
    child_count: PositiveCount
    minutes: PositiveCount


EVENTS: tuple[type[IntegrationEvent], ...] = (
    FundOpened,
    FundCredited,
    DonationReceived,
    ProjectRegistered,
    BeneficiaryRegistered,
    BeneficiaryEnrolled,
    BeneficiaryDeactivated,
    AllocationSubmitted,
    AllocationStageApproved,
    AllocationApproved,
    AllocationRejected,
    AllocationClosed,
    DisbursementRequested,
    DisbursementPaid,
    DisbursementDelivered,
    DisbursementFailed,
    DisbursementRetried,
    DisbursementCancelled,
    ReconciliationCompleted,
    ChildCareSessionDelivered,
)

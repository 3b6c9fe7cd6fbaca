"""Home age-friendly modifications (居家适老化改造): 一户一策 plans, subsidy caps, acceptance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eldercare.domain.errors import InvalidInputError, in_future, invalid_state

APPLIED, ASSESSED, REJECTED = "APPLIED", "ASSESSED", "REJECTED"
APPROVED, COMPLETED, ACCEPTED = "APPROVED", "COMPLETED", "ACCEPTED"
# States that block a second application of the same household (ACCEPTED only inside the period).
OPEN_STATES = frozenset({APPLIED, ASSESSED, APPROVED, COMPLETED})
BASIC, OPTIONAL = "BASIC", "OPTIONAL"
INELIGIBLE = "INELIGIBLE"


@dataclass(frozen=True)
class PlanItem:
    """One item of the household's plan."""

    item_code: str
    category: str  # BASIC | OPTIONAL
    cost_minor: int


@dataclass(frozen=True)
class Costing:
    """What a checked plan costs and who pays."""

    basic_items: int
    optional_items: int
    subsidy_minor: int
    self_paid_minor: int


def cost_plan(
    plan: tuple[PlanItem, ...], *, subsidy_minor: int, self_paid_minor: int | None, cap_minor: int
) -> Costing:
    """Check a plan against the subsidy rules of DOMAIN §5.3 (422 on any breach)."""
    basic = [item for item in plan if item.category == BASIC]
    if not basic:
        raise InvalidInputError("basic_item_required", "改造方案至少包含一项基础类项目")
    if any(item.cost_minor < 0 for item in plan) or subsidy_minor < 0:
        raise InvalidInputError("invalid_amount", "金额须为不小于 0 的整数（分）")
    if subsidy_minor > cap_minor:
        raise InvalidInputError("subsidy_over_cap", f"补贴金额超过上限 {cap_minor} 分")
    if subsidy_minor > sum(item.cost_minor for item in basic):
        raise InvalidInputError("subsidy_exceeds_basic_items", "补贴金额不能超过基础类项目费用合计")
    self_paid = sum(item.cost_minor for item in plan) - subsidy_minor
    if self_paid_minor is not None and self_paid_minor != self_paid:
        raise InvalidInputError("self_paid_mismatch", "自付金额须等于全部项目费用减去补贴金额")
    return Costing(len(basic), len(plan) - len(basic), subsidy_minor, self_paid)


@dataclass
class HomeModification:
    """One household's modification, from application to acceptance."""

    id: UUID
    household_id: UUID
    elder_id: UUID
    county_code: str
    status: str
    plan: tuple[PlanItem, ...]
    subsidy_minor: int | None
    self_paid_minor: int | None
    contractor_org_id: UUID | None
    photo_ids: tuple[UUID, ...]
    acceptance_inspector_id: UUID | None
    reject_reason: str | None
    applied_at: datetime
    assessed_at: datetime | None
    rejected_at: datetime | None
    approved_at: datetime | None
    completed_at: datetime | None
    accepted_at: datetime | None
    version: int

    @classmethod
    def apply(
        cls,
        *,
        id: UUID,
        household_id: UUID,
        elder_id: UUID,
        county_code: str,
        now: datetime,
    ) -> HomeModification:
        """A new application."""
        return cls(
            id=id,
            household_id=household_id,
            elder_id=elder_id,
            county_code=county_code,
            status=APPLIED,
            plan=(),
            subsidy_minor=None,
            self_paid_minor=None,
            contractor_org_id=None,
            photo_ids=(),
            acceptance_inspector_id=None,
            reject_reason=None,
            applied_at=now,
            assessed_at=None,
            rejected_at=None,
            approved_at=None,
            completed_at=None,
            accepted_at=None,
            version=1,
        )

    def assess(self, plan: tuple[PlanItem, ...], costing: Costing, *, at: datetime) -> None:
        """Fix the plan and the subsidy."""
        if self.status != APPLIED:
            raise invalid_state("评估")
        self.plan = plan
        self.subsidy_minor = costing.subsidy_minor
        self.self_paid_minor = costing.self_paid_minor
        self.status = ASSESSED
        self.assessed_at = at
        self.version += 1

    def reject(self, reason_code: str, *, at: datetime) -> None:
        """Refuse the application at assessment."""
        if self.status != APPLIED:
            raise invalid_state("评估")
        self.status = REJECTED
        self.reject_reason = reason_code
        self.rejected_at = at
        self.version += 1

    def approve(self, *, at: datetime) -> None:
        """Approve an assessed plan."""
        if self.status != ASSESSED:
            raise invalid_state("审批")
        self.status = APPROVED
        self.approved_at = at
        self.version += 1

    def complete(
        self, contractor_org_id: UUID, photo_ids: tuple[UUID, ...], *, at: datetime
    ) -> None:
        """The contractor finished; photos prove it."""
        if not photo_ids:
            raise InvalidInputError("photos_required", "完工须至少上传一张照片")
        if self.status != APPROVED:
            raise invalid_state("完工")
        if self.approved_at is not None and at < self.approved_at:
            raise InvalidInputError("completed_before_approval", "完工时间不能早于审批时间")
        self.contractor_org_id = contractor_org_id
        self.photo_ids = photo_ids
        self.status = COMPLETED
        self.completed_at = at
        self.version += 1

    def accept(
        self, inspector_id: UUID, *, inspector_org_id: UUID | None, at: datetime, now: datetime
    ) -> None:
        """Acceptance by someone independent of the contractor (counts as 完成)."""
        if at > now:
            raise in_future("验收时间")
        if self.status != COMPLETED:
            raise invalid_state("验收（须先完工）")
        if self.contractor_org_id in (inspector_id, inspector_org_id):
            raise InvalidInputError("segregation_of_duties", "验收人不能是施工单位或其人员")
        if self.completed_at is not None and at < self.completed_at:
            raise InvalidInputError("accepted_before_completion", "验收时间不能早于完工时间")
        self.acceptance_inspector_id = inspector_id
        self.status = ACCEPTED
        self.accepted_at = at
        self.version += 1

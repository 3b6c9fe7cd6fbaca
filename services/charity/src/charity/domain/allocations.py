"""Allocations (资金安排/下达): a fund's money earmarked for a project, approved in stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Final
from uuid import UUID

from charity.domain import roles
from charity.domain.errors import ConflictError, ForbiddenError, InvalidInputError, invalid_state
from charity.domain.funds import Fund, Project, Purpose


class Stage(StrEnum):
    """An approval stage."""

    SECTION_REVIEW = "SECTION_REVIEW"  # 业务科室审核
    LEADER_APPROVAL = "LEADER_APPROVAL"  # 分管局领导
    FINANCE_COSIGN = "FINANCE_COSIGN"  # 市财政局会签 (lottery funds only)


LOTTERY_STAGES: Final = (Stage.SECTION_REVIEW, Stage.LEADER_APPROVAL, Stage.FINANCE_COSIGN)
OTHER_STAGES: Final = (Stage.SECTION_REVIEW, Stage.LEADER_APPROVAL)
STAGE_ROLE: Final = {
    Stage.SECTION_REVIEW: roles.APPROVER,
    Stage.LEADER_APPROVAL: roles.APPROVER,
    Stage.FINANCE_COSIGN: roles.FINANCE_BUREAU,
}
STAGE_LABEL: Final = {
    Stage.SECTION_REVIEW: "业务科室审核",
    Stage.LEADER_APPROVAL: "分管局领导审批",
    Stage.FINANCE_COSIGN: "市财政局会签",
}


class ExpenseClass(StrEnum):
    """What the money pays for; the lottery fund may not pay for the prohibited ones."""

    PROJECT = "PROJECT"  # 项目支出
    OVERSEAS_TRAVEL = "OVERSEAS_TRAVEL"  # 因公出国
    OFFICIAL_RECEPTION = "OFFICIAL_RECEPTION"  # 公务接待
    OFFICIAL_VEHICLE = "OFFICIAL_VEHICLE"  # 公务用车
    BASIC_EXPENDITURE = "BASIC_EXPENDITURE"  # 基本支出
    SALARIES = "SALARIES"  # 工资奖金津补贴
    BUILDINGS = "BUILDINGS"  # 楼堂馆所
    PROFIT_MAKING = "PROFIT_MAKING"  # 营利


LOTTERY_PROHIBITED: Final = frozenset(ExpenseClass) - {ExpenseClass.PROJECT}
LOTTERY_PURPOSES: Final = frozenset(Purpose)


class Decision(StrEnum):
    """An approver's decision."""

    APPROVE = "APPROVE"
    REJECT = "REJECT"


class AllocationStatus(StrEnum):
    """DRAFT → SUBMITTED → APPROVED → CLOSED; SUBMITTED → REJECTED; DRAFT → CANCELLED."""

    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class Approval:
    """One passed stage."""

    stage: Stage
    approver_id: UUID
    approved_at: datetime


@dataclass
class Allocation:
    """A budget envelope; ``version`` counts its published events (the draft is version 0)."""

    id: UUID
    code: str
    fund_id: UUID
    project_id: UUID
    amount_minor: int
    valid_until: date
    requester_id: UUID
    expense_class: ExpenseClass
    lottery: bool
    status: AllocationStatus = AllocationStatus.DRAFT
    approvals: list[Approval] = field(default_factory=list)
    version: int = 0

    @property
    def stages(self) -> tuple[Stage, ...]:
        """The stages this allocation must pass, in order."""
        return LOTTERY_STAGES if self.lottery else OTHER_STAGES

    @property
    def next_stage(self) -> Stage | None:
        """The stage waiting for a decision, if any."""
        done = len(self.approvals)
        return self.stages[done] if done < len(self.stages) else None

    def submit(self) -> None:
        """Send the draft for approval."""
        if self.status is not AllocationStatus.DRAFT:
            raise invalid_state("资金安排", self.status)
        self.status = AllocationStatus.SUBMITTED
        self.version += 1

    def cancel(self) -> None:
        """Drop a draft (no event: a draft was never announced)."""
        if self.status is not AllocationStatus.DRAFT:
            raise invalid_state("资金安排", self.status)
        self.status = AllocationStatus.CANCELLED

    def check_decision(self, stage: Stage, approver_id: UUID, approver_role: str) -> None:
        """State, stage and four-eyes rules for a decision at ``stage``."""
        if self.status is not AllocationStatus.SUBMITTED:
            raise invalid_state("资金安排", self.status)
        if stage not in self.stages:
            raise InvalidInputError(
                "stage_not_applicable", f"该资金安排无需“{STAGE_LABEL[stage]}”环节"
            )
        if STAGE_ROLE[stage] != approver_role:
            raise ForbiddenError(
                "four_eyes",
                f"“{STAGE_LABEL[stage]}”须由具有 {STAGE_ROLE[stage]} 角色的人员审批",
            )
        if approver_id == self.requester_id:
            raise ForbiddenError("four_eyes", "申请人不能审批自己提出的资金安排（四眼原则）")
        if any(a.approver_id == approver_id for a in self.approvals):
            raise ForbiddenError("four_eyes", "同一人不能审批同一资金安排的两个环节（四眼原则）")
        if stage != self.next_stage:
            raise ConflictError(
                "stage_out_of_order",
                f"审批须按顺序进行，当前待审环节为“{STAGE_LABEL[self.next_stage or stage]}”",
            )

    def approve(self, stage: Stage, approver_id: UUID, approver_role: str, at: datetime) -> bool:
        """Pass a stage; True when it was the last one and the allocation is now approved."""
        self.check_decision(stage, approver_id, approver_role)
        self.approvals.append(Approval(stage, approver_id, at))
        self.version += 1
        if self.next_stage is None:
            self.status = AllocationStatus.APPROVED
            self.version += 1
            return True
        return False

    def reject(self, stage: Stage, approver_id: UUID, approver_role: str) -> None:
        """Refuse at a stage; the allocation ends."""
        self.check_decision(stage, approver_id, approver_role)
        self.status = AllocationStatus.REJECTED
        self.version += 1

    def check_open_on(self, today: date) -> None:
        """Money may be disbursed only from an approved, unclosed, unexpired allocation."""
        if self.status is not AllocationStatus.APPROVED or today > self.valid_until:
            raise ConflictError(
                "allocation_not_open", "该资金安排未批准、已关闭或已过有效期，不能发放"
            )

    def close(self, *, open_disbursements: int, reconciled: bool) -> None:
        """End the allocation; its remainder goes back to the fund."""
        if self.status is not AllocationStatus.APPROVED:
            raise invalid_state("资金安排", self.status)
        if open_disbursements:
            raise ConflictError(
                "open_disbursements",
                f"尚有 {open_disbursements} 笔待发放或发放失败的记录，不能关闭",
            )
        if not reconciled:
            raise ConflictError(
                "reconciliation_required", "关闭前须完成一次无差异的对账，且对账后无新的发放结算"
            )
        self.status = AllocationStatus.CLOSED
        self.version += 1


def check_lottery_use(fund: Fund, project: Project, expense_class: ExpenseClass) -> None:
    """福彩公益金: only library projects of the five purposes, never the prohibited expenses."""
    if not fund.is_lottery:
        return
    if expense_class in LOTTERY_PROHIBITED:
        raise InvalidInputError(
            "prohibited_use", "福彩公益金不得用于该类支出（如公务接待、基本支出等）"
        )
    if project.purpose not in LOTTERY_PURPOSES or not project.in_project_library:
        raise InvalidInputError("not_in_project_library", "福彩公益金只能安排给已入库的项目")


def check_lottery_year(fund: Fund, today: date, *, next_year_use: bool) -> None:
    """当年筹集、次年使用, when the setting is on."""
    raised_in = fund.fiscal_year if fund.is_lottery else None
    if next_year_use and raised_in is not None and today.year <= raised_in:
        raise ConflictError(
            "lottery_not_yet_usable", "福彩公益金当年筹集、次年使用，本年度尚不能安排"
        )


def check_fund_covers(amount_minor: int, usable_minor: int) -> None:
    """The fund's usable money for the project must cover the allocation."""
    if amount_minor > usable_minor:
        raise ConflictError(
            "insufficient_fund_balance",
            f"资金池可用余额不足：需要 {amount_minor} 分，可用 {usable_minor} 分",
            extra={"available_minor": usable_minor},
        )


def check_valid_until(valid_until: date, today: date) -> None:
    """An allocation valid only in the past is useless."""
    if valid_until < today:
        raise InvalidInputError("valid_until_in_past", "有效期不能早于今天")

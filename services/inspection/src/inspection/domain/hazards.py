"""Hazard (隐患): reported, assigned a "五定" plan, rectified, verified; overdue is derived."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from inspection.domain.errors import ForbiddenError, InvalidInputError, in_future, invalid_state
from inspection.domain.policy import Policy

CATEGORIES = {
    "FIRE": "消防",
    "GAS": "燃气",
    "ELECTRICAL": "用电",
    "BUILDING": "建筑",
    "SPECIAL_EQUIPMENT": "特种设备",
    "FOOD": "食品",
    "MANAGEMENT": "管理",
    "OTHER": "其他",
}
# The five aspects of 民政部《养老机构重大事故隐患判定标准》 (DOMAIN §2.2).
MAJOR_BASES = {
    "FACILITY_DEFECT": "重要设施设备严重缺陷",
    "QUALIFICATION": "安全生产资格资质不符合法定要求",
    "DAILY_MANAGEMENT": "日常管理严重问题",
    "ILLEGAL_SERVICE": "严重违法违规提供服务",
    "OTHER": "其他",
}
GENERAL = "GENERAL"
MAJOR = "MAJOR"
REPORTED = "REPORTED"
IN_RECTIFICATION = "IN_RECTIFICATION"
SUBMITTED = "SUBMITTED"
VERIFIED = "VERIFIED"
# Statuses in which a passed deadline makes the hazard overdue (SUBMITTED waits on the verifier).
OVERDUE_STATUSES = (REPORTED, IN_RECTIFICATION)


def coded(value: str, table: dict[str, str], what: str) -> str:
    """The code of a value given as code or as its Chinese label; 422 otherwise."""
    if value in table:
        return value
    for code, label in table.items():
        if value == label:
            return code
    raise InvalidInputError(f"invalid_{what}", f"取值无效，可选：{'、'.join(table.values())}")


@dataclass(frozen=True)
class Plan:
    """The "五定/五到位" plan of an assignment, as given (completeness is checked on assign)."""

    responsible_person_id: uuid.UUID | None
    measures: str | None
    standard: str | None
    deadline_on: date | None
    funds_minor: object
    funds_source: str | None
    contingency_plan: str | None
    interim_measures: str | None
    verifier_id: uuid.UUID | None

    def missing(self, level: str) -> list[str]:
        """The plan fields a hazard of this level requires but the plan lacks."""
        required = ["responsible_person_id", "measures", "deadline_on"]
        if level == MAJOR:
            required = [
                "responsible_person_id",
                "measures",
                "standard",
                "funds_minor",
                "funds_source",
                "deadline_on",
                "contingency_plan",
                "interim_measures",
            ]
        return [name for name in required if getattr(self, name) in (None, "")]


@dataclass
class Hazard:
    """A hazard and its rectification record."""

    id: uuid.UUID
    hazard_no: str
    site_id: uuid.UUID
    inspection_id: uuid.UUID | None
    campaign_id: uuid.UUID | None
    category: str
    level: str
    major_basis: str | None
    description: str
    photo_ids: list[str]
    found_at: datetime
    found_on: date
    found_by: uuid.UUID
    status: str
    escalation_level: int
    extension_count: int
    rework_count: int
    responsible_person_id: uuid.UUID | None
    measures: str | None
    standard: str | None
    funds_minor: int
    funds_source: str | None
    deadline_on: date | None
    original_deadline_on: date | None
    contingency_plan: str | None
    interim_measures: str | None
    verifier_id: uuid.UUID | None
    assigned_at: datetime | None
    evidence_ids: list[str]
    submitted_at: datetime | None
    submission_note: str | None
    verified_at: datetime | None
    verification_note: str | None
    approaching_for: date | None
    overdue_at: datetime | None
    escalated_at: datetime | None
    version: int

    def assign(self, plan: Plan, *, today: date, now: datetime, policy: Policy) -> None:
        """Fix the 五定 plan and start rectification (only from REPORTED)."""
        if self.status != REPORTED:
            raise invalid_state("隐患", self.status)
        funds = _amount(plan.funds_minor)
        missing = plan.missing(self.level)
        deadline, responsible = plan.deadline_on, plan.responsible_person_id
        if missing or deadline is None or responsible is None:
            raise InvalidInputError(
                "wuding_incomplete",
                f"“五定”内容不完整，缺少：{'、'.join(missing)}",
                missing=missing,
            )
        self._check_deadline(deadline, today=today, policy=policy)
        # The verifier to notify on submission, named or by default the finder, is never the
        # person who rectifies (a finder made responsible needs another verifier named).
        verifier = plan.verifier_id or self.found_by
        if verifier == responsible:
            raise _segregation()
        self.responsible_person_id = responsible
        self.measures = plan.measures
        self.standard = plan.standard or None
        self.funds_minor = funds
        self.funds_source = plan.funds_source or None
        self.deadline_on = self.original_deadline_on = deadline
        self.contingency_plan = plan.contingency_plan or None
        self.interim_measures = plan.interim_measures or None
        self.verifier_id = verifier
        self.assigned_at = now
        self.status = IN_RECTIFICATION
        self.version += 1

    def extend(
        self, *, new_deadline_on: date, by_safety_lead: bool, today: date, policy: Policy
    ) -> date:
        """Move the deadline later; returns the old one. Late or repeated: safety lead only."""
        if self.status != IN_RECTIFICATION or self.deadline_on is None:
            raise invalid_state("隐患", self.status)
        if (today > self.deadline_on or self.extension_count >= 1) and not by_safety_lead:
            raise ForbiddenError(
                "needs_safety_lead", "逾期后或第二次延期，须由分管安全工作负责人批准"
            )
        self._check_deadline(new_deadline_on, today=today, policy=policy)
        if new_deadline_on <= self.deadline_on:
            raise InvalidInputError("deadline_not_later", "新的整改期限须晚于当前期限")
        old = self.deadline_on
        self.deadline_on = new_deadline_on
        self.extension_count += 1
        self.version += 1
        return old

    def submit(self, *, evidence_ids: Sequence[str], note: str | None, now: datetime) -> None:
        """Hand in the rectification with evidence, for verification."""
        if self.status != IN_RECTIFICATION:
            raise invalid_state("隐患", self.status)
        if not evidence_ids:
            raise InvalidInputError("evidence_required", "提交整改须附至少一项佐证材料")
        self.evidence_ids = list(evidence_ids)
        self.submission_note = note
        self.submitted_at = now
        self.status = SUBMITTED
        self.version += 1

    def verify(
        self,
        *,
        passed: bool,
        verifier_id: uuid.UUID,
        verifier_allowed: bool,
        note: str | None,
        now: datetime,
        recorded_by: uuid.UUID | None = None,
    ) -> None:
        """Accept (VERIFIED, final) or reject (back to rectification) a submission.

        Neither the verifier nor whoever records the verification is the responsible person.
        """
        if self.status != SUBMITTED:
            raise invalid_state("隐患", self.status)
        responsible = self.responsible_person_id
        if responsible is not None and responsible in (verifier_id, recorded_by):
            raise _segregation()
        if not verifier_allowed:
            raise ForbiddenError("verifier_not_authorized", "验收人须为领导小组成员或检查人员")
        self.verifier_id = verifier_id
        self.verification_note = note
        if passed:
            self.status = VERIFIED
            self.verified_at = now
        else:
            self.status = IN_RECTIFICATION
            self.rework_count += 1
        self.version += 1

    def _check_deadline(self, deadline_on: date, *, today: date, policy: Policy) -> None:
        if deadline_on <= today:
            raise InvalidInputError("deadline_in_past", "整改期限须晚于今天")
        window = policy.window_days(self.level)
        if deadline_on > self.found_on + timedelta(days=window):
            raise InvalidInputError("deadline_too_far", f"整改期限不得晚于发现之日起 {window} 天")

    def is_overdue(self, today: date) -> bool:
        """Past its deadline while still to be rectified (SUBMITTED is never overdue)."""
        return (
            self.status in OVERDUE_STATUSES
            and self.deadline_on is not None
            and today > self.deadline_on
        )

    def approaching_due(self, today: date, policy: Policy) -> bool:
        """Whether the T-3 reminder for the current deadline is due and not yet given."""
        if self.status != IN_RECTIFICATION or self.deadline_on is None:
            return False
        starts = self.deadline_on - timedelta(days=policy.reminder_days)
        return starts <= today <= self.deadline_on and self.approaching_for != self.deadline_on

    def mark_approaching(self, today: date) -> int:
        """Record the reminder for the current deadline; returns the days left."""
        assert self.deadline_on is not None  # noqa: S101 - only called when approaching_due
        self.approaching_for = self.deadline_on
        self.version += 1
        return (self.deadline_on - today).days

    def overdue_due(self, today: date) -> bool:
        """Whether the hazard just became overdue (escalation 0 → 1, once)."""
        return self.escalation_level == 0 and self.is_overdue(today)

    def mark_overdue(self, now: datetime) -> None:
        """Escalation level 1: overdue."""
        self.escalation_level = 1
        self.overdue_at = now
        self.version += 1

    def escalation_due(self, today: date, policy: Policy) -> bool:
        """Whether an overdue hazard has waited long enough for 挂牌督办 (1 → 2, once)."""
        if self.escalation_level != 1 or not self.is_overdue(today):
            return False
        assert self.deadline_on is not None  # noqa: S101 - is_overdue implies a deadline
        return today > self.deadline_on + timedelta(days=policy.escalation_days)

    def mark_escalated(self, now: datetime) -> None:
        """Escalation level 2: 挂牌督办 to the main leader."""
        self.escalation_level = 2
        self.escalated_at = now
        self.version += 1


def report(  # noqa: PLR0913 - the finding's own fields, keyword-only
    *,
    id: uuid.UUID,
    hazard_no: str,
    site_id: uuid.UUID,
    inspection_id: uuid.UUID | None,
    campaign_id: uuid.UUID | None,
    category: str,
    level: str,
    major_basis: str | None,
    description: str,
    photo_ids: Sequence[str],
    found_at: datetime,
    found_on: date,
    found_by: uuid.UUID,
    now: datetime,
) -> Hazard:
    """A newly reported hazard; a MAJOR one must say which aspect of the standard it meets."""
    if found_at > now:
        raise in_future("发现时间")
    basis = coded(major_basis, MAJOR_BASES, "major_basis") if major_basis else None
    if level == MAJOR and basis is None:
        raise InvalidInputError("major_basis_required", "重大隐患须注明判定依据（major_basis）")
    if level != MAJOR and basis is not None:
        raise InvalidInputError("major_basis_not_allowed", "一般隐患不填写重大隐患判定依据")
    return Hazard(
        id=id, hazard_no=hazard_no, site_id=site_id, inspection_id=inspection_id,
        campaign_id=campaign_id, category=coded(category, CATEGORIES, "category"), level=level,
        major_basis=basis, description=description, photo_ids=list(photo_ids),
        found_at=found_at, found_on=found_on, found_by=found_by, status=REPORTED,
        escalation_level=0, extension_count=0, rework_count=0, responsible_person_id=None,
        measures=None, standard=None, funds_minor=0, funds_source=None, deadline_on=None,
        original_deadline_on=None, contingency_plan=None, interim_measures=None,
        verifier_id=None, assigned_at=None, evidence_ids=[], submitted_at=None,
        submission_note=None, verified_at=None, verification_note=None, approaching_for=None,
        overdue_at=None, escalated_at=None, version=1,
    )  # fmt: skip


MAX_MINOR = 2**63 - 1  # what the ledger's bigint holds


def _amount(value: object) -> int:
    """Money in fen: a JSON integer ≥ 0 (not a float, not a string); absent means 0."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_MINOR:
        raise InvalidInputError("invalid_amount", "金额须为不小于 0 的整数（单位：分）")
    return value


def _segregation() -> InvalidInputError:
    return InvalidInputError("segregation_of_duties", "验收人不能是整改责任人")

"""Use cases of home age-friendly modifications (DOMAIN §5.3)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from eldercare.domain.elders import Elder
from eldercare.domain.errors import ConflictError, InvalidInputError
from eldercare.domain.home_modifications import (
    INELIGIBLE,
    HomeModification,
    PlanItem,
    cost_plan,
)
from eldercare.service_layer import personal_data as pd
from eldercare.service_layer.common import (
    Code,
    Command,
    Minor,
    get_or_404,
    get_or_422,
    new_id,
    not_after,
)
from eldercare.service_layer.ports import UnitOfWork
from shared.events.eldercare import (
    HomeModificationAccepted,
    HomeModificationApplied,
    HomeModificationApproved,
    HomeModificationAssessed,
    HomeModificationCompleted,
    HomeModificationRejected,
)


class PlanItemIn(Command):
    """One item of the plan (一户一策)."""

    item_code: Code
    category: Literal["BASIC", "OPTIONAL"]
    cost_minor: Minor


class ApplyHomeModification(Command):
    """A household applies; the elder is the primary applicant."""

    id: UUID | None = None
    household_id: UUID
    elder_id: UUID


class AssessHomeModification(Command):
    """Fix the plan and subsidy, or reject with a reason code."""

    plan: list[PlanItemIn] | None = Field(default=None, max_length=50)
    subsidy_minor: Minor | None = None
    self_paid_minor: Minor | None = Field(default=None, description="Default: total − subsidy")
    reject_reason: Code | None = Field(default=None, description="e.g. INELIGIBLE; no plan then")
    assessed_at: AwareDatetime | None = Field(default=None, description="Default: now")


class ApproveHomeModification(Command):
    """Approve an assessed plan."""


class CompleteHomeModification(Command):
    """The contractor finished; photos prove it."""

    contractor_org_id: UUID
    photo_ids: list[UUID] = Field(max_length=50)
    completed_at: AwareDatetime | None = Field(default=None, description="Default: now")


class AcceptHomeModification(Command):
    """Acceptance by an inspector independent of the contractor."""

    inspector_id: UUID
    inspector_org_id: UUID | None = Field(default=None, description="The inspector's employer")
    accepted_at: AwareDatetime | None = Field(default=None, description="Default: now")


def _period_start(now: datetime, years: int) -> datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


async def _eligible(uow: UnitOfWork, elder: Elder) -> bool:
    """ACTIVE, 60+ (guaranteed at registration) and a special-difficulty basis (in the vault)."""
    if not elder.is_active:
        return False
    stored = pd.decode(await uow.vault.load(elder.id, ["special_basis"]))
    return bool(stored.get("special_basis"))


async def apply(uow: UnitOfWork, cmd: ApplyHomeModification) -> HomeModification:
    """``HomeModificationApplied``; 422 ``not_eligible``, 409 ``duplicate_household``."""
    elder = await get_or_422(uow.elders, cmd.elder_id, "老人")
    elder.ensure_active()
    if not await _eligible(uow, elder):
        raise InvalidInputError("not_eligible", "申请人须为年满 60 周岁的特殊困难老年人")
    # One household at a time: concurrent applications of a household queue here.
    await uow.lookups.lock_household(cmd.household_id)
    since = _period_start(uow.now, uow.rules.home_mod_period_years)
    if await uow.lookups.household_blocked(cmd.household_id, accepted_since=since):
        raise ConflictError("duplicate_household", "该家庭已有进行中或周期内已验收的改造")
    mod = HomeModification.apply(
        id=new_id(cmd.id),
        household_id=cmd.household_id,
        elder_id=elder.id,
        county_code=elder.county_code,
        now=uow.now,
    )
    if not await uow.home_modifications.add(mod):
        raise ConflictError("already_exists", "该改造申请已存在")
    uow.publish(
        HomeModificationApplied(
            modification_id=mod.id,
            household_id=mod.household_id,
            elder_id=mod.elder_id,
            county_code=mod.county_code,
            applied_at=mod.applied_at,
        ),
        version=mod.version,
    )
    return mod


async def assess(
    uow: UnitOfWork, modification_id: UUID, cmd: AssessHomeModification
) -> HomeModification:
    """``HomeModificationAssessed`` or ``…Rejected`` (an ineligible elder is rejected)."""
    at = not_after(cmd.assessed_at, uow.now, "评估时间")
    if cmd.reject_reason is not None:
        if cmd.plan is not None:
            raise InvalidInputError("plan_with_rejection", "驳回申请时不能同时提交改造方案")
        return await _reject(uow, modification_id, cmd.reject_reason, at)
    if cmd.plan is None or cmd.subsidy_minor is None:
        raise InvalidInputError("plan_required", "评估须提交改造方案和补贴金额，或给出驳回原因")
    plan = tuple(PlanItem(i.item_code, i.category, i.cost_minor) for i in cmd.plan)
    costing = cost_plan(
        plan,
        subsidy_minor=cmd.subsidy_minor,
        self_paid_minor=cmd.self_paid_minor,
        cap_minor=uow.rules.home_mod_subsidy_cap_minor,
    )
    mod = await get_or_404(uow.home_modifications, modification_id, "改造申请")
    elder = await get_or_422(uow.elders, mod.elder_id, "老人", lock=False)
    if mod.status == "APPLIED" and not await _eligible(uow, elder):
        return await _reject(uow, modification_id, INELIGIBLE, at)
    mod.assess(plan, costing, at=at)
    await uow.home_modifications.save(mod)
    uow.publish(
        HomeModificationAssessed(
            modification_id=mod.id,
            elder_id=mod.elder_id,
            basic_item_count=costing.basic_items,
            optional_item_count=costing.optional_items,
            subsidy_minor=costing.subsidy_minor,
            self_paid_minor=costing.self_paid_minor,
            assessed_at=at,
        ),
        version=mod.version,
    )
    return mod


async def _reject(
    uow: UnitOfWork, modification_id: UUID, reason: str, at: datetime
) -> HomeModification:
    mod = await get_or_404(uow.home_modifications, modification_id, "改造申请")
    mod.reject(reason, at=at)
    await uow.home_modifications.save(mod)
    uow.publish(
        HomeModificationRejected(
            modification_id=mod.id, elder_id=mod.elder_id, reason_code=reason, rejected_at=at
        ),
        version=mod.version,
    )
    return mod


async def approve(
    uow: UnitOfWork, modification_id: UUID, cmd: ApproveHomeModification
) -> HomeModification:
    """``HomeModificationApproved``; 409 ``invalid_state`` unless ASSESSED."""
    mod = await get_or_404(uow.home_modifications, modification_id, "改造申请")
    mod.approve(at=uow.now)
    await uow.home_modifications.save(mod)
    uow.publish(
        HomeModificationApproved(modification_id=mod.id, approved_at=uow.now), version=mod.version
    )
    return mod


async def complete(
    uow: UnitOfWork, modification_id: UUID, cmd: CompleteHomeModification
) -> HomeModification:
    """``HomeModificationCompleted``; 422 ``photos_required``, 409 unless APPROVED."""
    at = not_after(cmd.completed_at, uow.now, "完工时间")
    mod = await get_or_404(uow.home_modifications, modification_id, "改造申请")
    mod.complete(cmd.contractor_org_id, tuple(cmd.photo_ids), at=at)
    await uow.home_modifications.save(mod)
    uow.publish(
        HomeModificationCompleted(
            modification_id=mod.id, contractor_org_id=cmd.contractor_org_id, completed_at=at
        ),
        version=mod.version,
    )
    return mod


async def accept(
    uow: UnitOfWork, modification_id: UUID, cmd: AcceptHomeModification
) -> HomeModification:
    """``HomeModificationAccepted`` (counts as 完成); 409 unless COMPLETED, 422 segregation."""
    mod = await get_or_404(uow.home_modifications, modification_id, "改造申请")
    at = cmd.accepted_at or uow.now
    mod.accept(cmd.inspector_id, inspector_org_id=cmd.inspector_org_id, at=at, now=uow.now)
    await uow.home_modifications.save(mod)
    uow.publish(
        HomeModificationAccepted(
            modification_id=mod.id,
            household_id=mod.household_id,
            elder_id=mod.elder_id,
            subsidy_minor=mod.subsidy_minor or 0,
            inspector_id=cmd.inspector_id,
            accepted_at=at,
        ),
        version=mod.version,
    )
    return mod

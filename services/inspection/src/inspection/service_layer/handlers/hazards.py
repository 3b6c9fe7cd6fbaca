"""Use cases of hazards: report, assign the 五定 plan, extend, submit, verify."""

from __future__ import annotations

import uuid

from inspection.domain import commands as cmds
from inspection.domain.campaigns import require_running
from inspection.domain.errors import InvalidInputError
from inspection.domain.hazards import Hazard, report
from inspection.domain.leaders import SAFETY_LEAD, acts_as
from inspection.domain.sites import usable_site
from inspection.service_layer import publishing as pub
from inspection.service_layer.guards import existing, no_pii
from inspection.service_layer.handlers.inspections import referenced_campaign
from inspection.service_layer.ports import Context, UnitOfWork
from shared.clock import local_date

# Token roles of bureau inspection staff, who may verify a rectification (DOMAIN §4.4).
INSPECTION_STAFF_ROLES = frozenset({"inspector", "safety_lead", "main_leader"})


async def report_hazard(cmd: cmds.ReportHazard, uow: UnitOfWork, ctx: Context) -> Hazard:
    """Report a hazard found by an inspection, or self-reported by a site."""
    no_pii(description=cmd.description)
    hazard_id = cmd.id
    found_at = cmd.found_at or ctx.now
    site_id, campaign_id = cmd.site_id, cmd.campaign_id
    if cmd.inspection_id is not None:
        inspection = await existing(uow.inspections, cmd.inspection_id, "检查")
        inspection.take_hazard(now=ctx.now, grace=ctx.policy.report_grace)
        site_id, campaign_id = inspection.site_id, inspection.campaign_id
        await uow.inspections.save(inspection)
    elif campaign_id is not None:
        require_running(await referenced_campaign(uow, campaign_id), local_date(found_at))
    if site_id is None:
        raise InvalidInputError("site_required", "自报隐患须注明机构（site_id）")
    site = usable_site(await uow.lookups.site(site_id))
    hazard = report(
        id=hazard_id,
        hazard_no=await uow.lookups.next_number("YH", local_date(found_at).year),
        site_id=site.id,
        inspection_id=cmd.inspection_id,
        campaign_id=campaign_id,
        category=cmd.category,
        level=cmd.level,
        major_basis=cmd.major_basis,
        description=cmd.description,
        photo_ids=cmd.photo_ids,
        found_at=found_at,
        found_on=local_date(found_at),
        found_by=cmd.found_by or _actor(ctx),
        now=ctx.now,
    )
    await uow.hazards.add(hazard)
    uow.publish(pub.hazard_reported(hazard), version=hazard.version)
    return hazard


async def assign_rectification(
    cmd: cmds.AssignRectification, uow: UnitOfWork, ctx: Context
) -> Hazard:
    """Fix the 五定 plan: responsible person, measures, standard, funds, deadline, plans."""
    no_pii(funds_source=cmd.plan.funds_source)
    hazard = await existing(uow.hazards, cmd.id, "隐患")
    hazard.assign(cmd.plan, today=ctx.today, now=ctx.now, policy=ctx.policy)
    await uow.hazards.save(hazard)
    uow.publish(pub.rectification_assigned(hazard), version=hazard.version)
    return hazard


async def extend_deadline(cmd: cmds.ExtendDeadline, uow: UnitOfWork, ctx: Context) -> Hazard:
    """Extend a deadline; once late or for a second time, only the safety lead may."""
    hazard = await existing(uow.hazards, cmd.id, "隐患")
    leaders = await uow.lookups.leaders()
    by_safety_lead = acts_as(leaders, ctx.actor, SAFETY_LEAD)
    old = hazard.extend(
        new_deadline_on=cmd.new_deadline_on,
        by_safety_lead=by_safety_lead,
        today=ctx.today,
        policy=ctx.policy,
    )
    await uow.hazards.save(hazard)
    uow.publish(pub.deadline_extended(hazard, old, _actor(ctx)), version=hazard.version)
    return hazard


async def submit_rectification(
    cmd: cmds.SubmitRectification, uow: UnitOfWork, ctx: Context
) -> Hazard:
    """Hand in the rectification with evidence."""
    no_pii(note=cmd.note)
    hazard = await existing(uow.hazards, cmd.id, "隐患")
    hazard.submit(evidence_ids=cmd.evidence_ids, note=cmd.note, now=ctx.now)
    await uow.hazards.save(hazard)
    uow.publish(pub.rectification_submitted(hazard), version=hazard.version)
    return hazard


async def verify_rectification(
    cmd: cmds.VerifyRectification, uow: UnitOfWork, ctx: Context
) -> Hazard:
    """Verify on site: PASS closes the hazard for good, FAIL sends it back to rework."""
    no_pii(note=cmd.note)
    hazard = await existing(uow.hazards, cmd.id, "隐患")
    leaders = await uow.lookups.leaders()
    allowed = any(leader.id == cmd.verifier_id for leader in leaders) or (
        cmd.verifier_id == ctx.actor and ctx.role in INSPECTION_STAFF_ROLES
    )
    hazard.verify(
        passed=cmd.passed,
        verifier_id=cmd.verifier_id,
        verifier_allowed=allowed,
        note=cmd.note,
        now=ctx.now,
        recorded_by=ctx.actor,
    )
    await uow.hazards.save(hazard)
    event = (
        pub.rectification_verified(hazard)
        if cmd.passed
        else pub.rectification_rejected(hazard, ctx.now)
    )
    uow.publish(event, version=hazard.version)
    return hazard


def _actor(ctx: Context) -> uuid.UUID:
    if ctx.actor is None:
        raise InvalidInputError("actor_required", "无法确定操作人")
    return ctx.actor

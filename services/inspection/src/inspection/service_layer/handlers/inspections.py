"""Use cases of inspections."""

from __future__ import annotations

import uuid

from inspection.domain import commands as cmds
from inspection.domain.campaigns import Campaign
from inspection.domain.errors import unknown_reference
from inspection.domain.inspections import Inspection, schedule
from inspection.domain.sites import usable_site
from inspection.service_layer import publishing as pub
from inspection.service_layer.guards import existing, no_pii
from inspection.service_layer.ports import Context, UnitOfWork
from shared.clock import local_date


async def referenced_campaign(uow: UnitOfWork, campaign_id: uuid.UUID) -> Campaign:
    """A campaign named by a command, or 422 unknown_reference."""
    campaign = await uow.campaigns.get(campaign_id)
    if campaign is None:
        raise unknown_reference("专项行动")
    return campaign


async def schedule_inspection(
    cmd: cmds.ScheduleInspection, uow: UnitOfWork, ctx: Context
) -> Inspection:
    """Schedule an inspection of an active site within a running campaign."""
    inspection_id = cmd.id
    site = usable_site(await uow.lookups.site(cmd.site_id))
    campaign = await referenced_campaign(uow, cmd.campaign_id)
    inspection = schedule(
        id=inspection_id,
        inspection_no="",
        site_id=site.id,
        type=cmd.type,
        campaign=campaign,
        lead_person_id=cmd.lead_person_id,
        participant_ids=cmd.participant_ids,
        planned_on=cmd.planned_on,
        announced=cmd.announced,
        checklist_ref=cmd.checklist_ref,
        leaders=await uow.lookups.leaders(),
    )
    inspection.inspection_no = await uow.lookups.next_number("JC", cmd.planned_on.year)
    await uow.inspections.add(inspection)
    uow.publish(pub.inspection_scheduled(inspection), version=inspection.version)
    return inspection


async def complete_inspection(
    cmd: cmds.CompleteInspection, uow: UnitOfWork, ctx: Context
) -> Inspection:
    """Report an inspection as carried out; only these count as 检查."""
    no_pii(summary=cmd.summary)
    inspection = await existing(uow.inspections, cmd.id, "检查")
    inspection.complete(
        completed_at=cmd.completed_at,
        completed_on=local_date(cmd.completed_at),
        participant_ids=cmd.participant_ids,
        summary=cmd.summary,
        now=ctx.now,
        campaign=await referenced_campaign(uow, inspection.campaign_id),
        leaders=await uow.lookups.leaders(),
    )
    await uow.inspections.save(inspection)
    uow.publish(pub.inspection_completed(inspection), version=inspection.version)
    return inspection


async def cancel_inspection(
    cmd: cmds.CancelInspection, uow: UnitOfWork, ctx: Context
) -> Inspection:
    """Call a scheduled inspection off."""
    no_pii(reason_code=cmd.reason_code, note=cmd.note)
    inspection = await existing(uow.inspections, cmd.id, "检查")
    inspection.cancel(reason_code=cmd.reason_code, note=cmd.note, now=ctx.now)
    await uow.inspections.save(inspection)
    uow.publish(pub.inspection_cancelled(inspection), version=inspection.version)
    return inspection

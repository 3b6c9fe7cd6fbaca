"""Use cases of campaigns and of the leadership group."""

from __future__ import annotations

from inspection.domain import commands as cmds
from inspection.domain.campaigns import Campaign
from inspection.domain.errors import ConflictError
from inspection.domain.leaders import Leader, plan_assignment, plan_removal
from inspection.service_layer import publishing as pub
from inspection.service_layer.guards import existing, no_pii
from inspection.service_layer.ports import Context, UnitOfWork


async def launch_campaign(cmd: cmds.LaunchCampaign, uow: UnitOfWork, ctx: Context) -> Campaign:
    """Launch a campaign; its name is unique among campaigns not yet closed."""
    no_pii(code=cmd.code, name=cmd.name, lead_unit=cmd.lead_unit)
    campaign = Campaign.launch(
        id=cmd.id,
        code=cmd.code,
        name=cmd.name,
        kind=cmd.kind,
        start_on=cmd.start_on,
        end_on=cmd.end_on,
        lead_unit=cmd.lead_unit,
    )
    if await uow.lookups.campaign_name_taken(cmd.name):
        raise ConflictError("duplicate_campaign", f"已有未结束的同名专项行动“{cmd.name}”")
    await uow.campaigns.add(campaign)
    uow.publish(pub.campaign_launched(campaign), version=campaign.version)
    return campaign


async def close_campaign(cmd: cmds.CloseCampaign, uow: UnitOfWork, ctx: Context) -> Campaign:
    """Close a campaign (once)."""
    campaign = await existing(uow.campaigns, cmd.id, "专项行动")
    campaign.close(end_on=cmd.end_on, today=ctx.today, now=ctx.now)
    await uow.campaigns.save(campaign)
    uow.publish(pub.campaign_closed(campaign), version=campaign.version)
    return campaign


async def assign_leader(cmd: cmds.AssignLeader, uow: UnitOfWork, ctx: Context) -> Leader:
    """Set a member's roles; naming a new safety lead takes the role from the previous one."""
    group = await uow.lookups.leaders()
    current = await uow.leaders.get(cmd.person_id)
    changes = plan_assignment(
        group,
        current,
        person_id=cmd.person_id,
        roles=cmd.roles,
        effective_from=cmd.effective_from,
    )
    if not changes:
        assert current is not None  # noqa: S101 - no change means the member exists as asked
        return current
    for change in changes:
        leader = change.leader
        if leader.version == 1:
            await uow.leaders.add(leader)
        else:
            await uow.leaders.save(leader)
        event = pub.leader_removed(leader, ctx.now) if change.removed else None
        uow.publish(event or pub.leader_assigned(leader), version=leader.version)
    return changes[0].leader


async def remove_leader(cmd: cmds.RemoveLeader, uow: UnitOfWork, ctx: Context) -> Leader:
    """Take a member out of the group, keeping a main leader and the safety lead."""
    group = await uow.lookups.leaders()
    change = plan_removal(group, await uow.leaders.get(cmd.person_id), now=ctx.now)
    await uow.leaders.save(change.leader)
    uow.publish(pub.leader_removed(change.leader, ctx.now), version=change.leader.version)
    return change.leader

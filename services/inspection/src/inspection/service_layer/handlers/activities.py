"""Use cases of drills, safety talks and safety meetings."""

from __future__ import annotations

from inspection.domain import commands as cmds
from inspection.domain.activities import Drill, SafetyMeeting, SafetyTalk, hold_meeting, hold_talk
from inspection.domain.sites import usable_site
from inspection.service_layer import publishing as pub
from inspection.service_layer.guards import existing, no_pii
from inspection.service_layer.ports import Context, UnitOfWork


async def plan_drill(cmd: cmds.PlanDrill, uow: UnitOfWork, ctx: Context) -> Drill:
    """Plan a drill at an active site."""
    drill_id = cmd.id
    site = usable_site(await uow.lookups.site(cmd.site_id))
    drill = Drill.plan(
        id=drill_id,
        site_id=site.id,
        drill_type=cmd.drill_type,
        planned_on=cmd.planned_on,
        scenario=cmd.scenario,
    )
    await uow.drills.add(drill)
    uow.publish(pub.drill_planned(drill), version=drill.version)
    return drill


async def record_drill(cmd: cmds.RecordDrill, uow: UnitOfWork, ctx: Context) -> Drill:
    """Record a planned drill as held (the site must still be active)."""
    drill = await existing(uow.drills, cmd.id, "演练")
    drill.record(
        held_at=cmd.held_at,
        participants=cmd.participants,
        residents_participating=cmd.residents_participating,
        evaluation=cmd.evaluation,
        now=ctx.now,
    )
    usable_site(await uow.lookups.site(drill.site_id))
    await uow.drills.save(drill)
    uow.publish(pub.drill_held(drill), version=drill.version)
    return drill


async def cancel_drill(cmd: cmds.CancelDrill, uow: UnitOfWork, ctx: Context) -> Drill:
    """Call a planned drill off."""
    no_pii(reason_code=cmd.reason_code)
    drill = await existing(uow.drills, cmd.id, "演练")
    drill.cancel(reason_code=cmd.reason_code, now=ctx.now)
    await uow.drills.save(drill)
    uow.publish(pub.drill_cancelled(drill), version=drill.version)
    return drill


async def record_safety_talk(
    cmd: cmds.RecordSafetyTalk, uow: UnitOfWork, ctx: Context
) -> SafetyTalk:
    """Record a talk held at the bureau (no venue) or at an active site."""
    talk_id = cmd.id
    if cmd.venue_site_id is not None:
        usable_site(await uow.lookups.site(cmd.venue_site_id))
    talk = hold_talk(
        SafetyTalk(
            id=talk_id,
            venue_site_id=cmd.venue_site_id,
            format=cmd.format,
            topic=cmd.topic,
            speaker_person_id=cmd.speaker_person_id,
            held_at=cmd.held_at,
            audience_count=cmd.audience_count,
            version=1,
        ),
        now=ctx.now,
    )
    await uow.talks.add(talk)
    uow.publish(pub.safety_talk_held(talk), version=talk.version)
    return talk


async def record_safety_meeting(
    cmd: cmds.RecordSafetyMeeting, uow: UnitOfWork, ctx: Context
) -> SafetyMeeting:
    """Record a safety meeting that took place."""
    meeting_id = cmd.id
    meeting = hold_meeting(
        SafetyMeeting(meeting_id, cmd.kind, cmd.held_at, cmd.agenda_ref, 1), now=ctx.now
    )
    await uow.meetings.add(meeting)
    uow.publish(pub.safety_meeting_held(meeting), version=meeting.version)
    return meeting

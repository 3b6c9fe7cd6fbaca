"""Time-driven use cases (sweepers): each fires at most once per hazard, member and period.

Each function handles ONE aggregate in the caller's transaction, so a sweep is a loop of small
transactions; the adapter supplies the candidates, the domain re-checks them under the row lock.
"""

from __future__ import annotations

import uuid

from inspection.domain.leaders import closed_periods
from inspection.service_layer import publishing as pub
from inspection.service_layer.ports import Context, UnitOfWork

APPROACHING = "approaching"
HAZARD_DEADLINES = "hazard-deadlines"
CADENCE = "cadence"
SWEEPS = (APPROACHING, HAZARD_DEADLINES, CADENCE)


async def remind_approaching(hazard_id: uuid.UUID, uow: UnitOfWork, ctx: Context) -> int:
    """HazardDeadlineApproaching once per deadline, from T-3 until the deadline day."""
    hazard = await uow.hazards.get(hazard_id)
    if hazard is None or not hazard.approaching_due(ctx.today, ctx.policy):
        return 0
    days_left = hazard.mark_approaching(ctx.today)
    await uow.hazards.save(hazard)
    uow.publish(pub.deadline_approaching(hazard, days_left), version=hazard.version)
    return 1


async def escalate_overdue(hazard_id: uuid.UUID, uow: UnitOfWork, ctx: Context) -> int:
    """HazardOverdue the first day past the deadline, HazardEscalated after 7 more, each once."""
    hazard = await uow.hazards.get(hazard_id)
    if hazard is None:
        return 0
    emitted = 0
    if hazard.overdue_due(ctx.today):
        hazard.mark_overdue(ctx.now)
        uow.publish(pub.hazard_overdue(hazard), version=hazard.version)
        emitted += 1
    if hazard.escalation_due(ctx.today, ctx.policy):
        hazard.mark_escalated(ctx.now)
        uow.publish(pub.hazard_escalated(hazard, ctx.today), version=hazard.version)
        emitted += 1
    if emitted:
        await uow.hazards.save(hazard)
    return emitted


async def judge_cadence(person_id: uuid.UUID, uow: UnitOfWork, ctx: Context) -> int:
    """LeaderCadenceBreached for each closed, not yet judged period without an inspection."""
    leader = await uow.leaders.get(person_id)
    if leader is None or not leader.active:
        return 0
    emitted = 0
    for kind in leader.cadences:
        judged_until = await uow.cadence.last_evaluated_end(leader.id, kind)
        for period in closed_periods(kind, leader.effective_from, ctx.today):
            if judged_until is not None and period.end_on <= judged_until:
                continue
            count = await uow.cadence.qualifying_inspections(leader.id, period)
            recorded = await uow.cadence.record(leader.id, period, qualifying=count, at=ctx.now)
            if recorded and count == 0:
                leader.version += 1
                uow.publish(pub.cadence_breached(leader, period), version=leader.version)
                emitted += 1
    if emitted:
        await uow.leaders.save(leader)
    return emitted

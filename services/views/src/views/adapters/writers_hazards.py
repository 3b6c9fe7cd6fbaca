"""Writers of the hazard rectification ledger (隐患整改台账) and of drills (inspection projection).

Hazard statuses: REPORTED → IN_RECTIFICATION → SUBMITTED → VERIFIED (a rejection goes back to
IN_RECTIFICATION). Overdue and escalation raise ``escalation_level`` and leave the status alone,
so "overdue" stays a function of status, deadline and the report date.
"""

from __future__ import annotations

from typing import Any

from shared.clock import local_date
from shared.events import inspection as ev
from shared.events.envelope import CloudEvent
from views.adapters.writing import Writers

W = Writers()

_REPORT_HAZARD = """
INSERT INTO p_hazards AS p (hazard_id, hazard_no, site_id, inspection_id, campaign_id, level,
    category, status, found_on, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, 'REPORTED', $8, $9)
ON CONFLICT (hazard_id) DO NOTHING
"""


@W.on(ev.HazardReported)
async def on_hazard_reported(conn: Any, e: ev.HazardReported, env: CloudEvent) -> None:
    """A hazard enters the ledger on its local finding date."""
    await conn.execute(
        _REPORT_HAZARD,
        e.hazard_id,
        e.hazard_no,
        e.site_id,
        e.inspection_id,
        e.campaign_id,
        e.level,
        e.category,
        local_date(e.found_at),
        env.aggregateversion,
    )


async def _update(conn: Any, env: CloudEvent, sets: str, *args: Any) -> None:
    """Apply ``sets`` ($3… are ``args``) to the hazard if this event is newer than the row."""
    sql = f"UPDATE p_hazards SET {sets}, version = $2 WHERE hazard_id = $1 AND version < $2"  # noqa: S608 - fixed fragments
    await conn.execute(sql, env.subject, env.aggregateversion, *args)


@W.on(ev.HazardRectificationAssigned)
async def on_rectification_assigned(
    conn: Any, e: ev.HazardRectificationAssigned, env: CloudEvent
) -> None:
    """The five-fixed plan is set: responsible person and deadline."""
    await _update(
        conn,
        env,
        "status = 'IN_RECTIFICATION', responsible_person_id = $3, deadline_on = $4, level = $5",
        e.responsible_person_id,
        e.deadline_on,
        e.level,
    )


@W.on(ev.HazardDeadlineExtended)
async def on_deadline_extended(conn: Any, e: ev.HazardDeadlineExtended, env: CloudEvent) -> None:
    """A later deadline (an extended hazard is overdue only after the new one)."""
    await _update(
        conn, env, "deadline_on = $3, extension_count = $4", e.new_deadline_on, e.extension_count
    )


@W.on(ev.HazardRectificationSubmitted)
async def on_rectification_submitted(
    conn: Any, e: ev.HazardRectificationSubmitted, env: CloudEvent
) -> None:
    """Rectification submitted for verification: no longer overdue whatever the deadline."""
    await _update(conn, env, "status = 'SUBMITTED', submitted_on = $3", local_date(e.submitted_at))


@W.on(ev.HazardRectificationRejected)
async def on_rectification_rejected(
    conn: Any, e: ev.HazardRectificationRejected, env: CloudEvent
) -> None:
    """Verification failed: back to rectification."""
    await _update(conn, env, "status = 'IN_RECTIFICATION', rework_count = $3", e.rework_count)


@W.on(ev.HazardRectificationVerified)
async def on_rectification_verified(
    conn: Any, e: ev.HazardRectificationVerified, env: CloudEvent
) -> None:
    """Verified: the hazard leaves the open ledger."""
    await _update(conn, env, "status = 'VERIFIED', verified_on = $3", local_date(e.verified_at))


@W.on(ev.HazardOverdue)
async def on_hazard_overdue(conn: Any, e: ev.HazardOverdue, env: CloudEvent) -> None:
    """Overdue (escalation level 1)."""
    await _update(conn, env, "escalation_level = GREATEST(escalation_level, $3)", 1)


@W.on(ev.HazardEscalated)
async def on_hazard_escalated(conn: Any, e: ev.HazardEscalated, env: CloudEvent) -> None:
    """Escalated to the main leader (挂牌督办, level 2)."""
    await _update(
        conn, env, "escalation_level = GREATEST(escalation_level, $3)", e.escalation_level
    )


@W.on(ev.DrillPlanned)
async def on_drill_planned(conn: Any, e: ev.DrillPlanned, env: CloudEvent) -> None:
    """A planned drill (it counts only once held)."""
    await conn.execute(
        "INSERT INTO p_drills AS p (drill_id, site_id, drill_type, status, planned_on, version)"
        " VALUES ($1, $2, $3, 'PLANNED', $4, $5) ON CONFLICT (drill_id) DO UPDATE"
        " SET site_id = EXCLUDED.site_id, drill_type = EXCLUDED.drill_type,"
        " status = EXCLUDED.status, planned_on = EXCLUDED.planned_on, version = EXCLUDED.version"
        " WHERE p.version < EXCLUDED.version",
        e.drill_id,
        e.site_id,
        e.drill_type,
        e.planned_on,
        env.aggregateversion,
    )


@W.on(ev.DrillHeld)
async def on_drill_held(conn: Any, e: ev.DrillHeld, env: CloudEvent) -> None:
    """A drill was held on its local date."""
    await conn.execute(
        "INSERT INTO p_drills AS p (drill_id, site_id, drill_type, status, held_on, participants,"
        " version) VALUES ($1, $2, $3, 'HELD', $4, $5, $6) ON CONFLICT (drill_id) DO UPDATE"
        " SET site_id = EXCLUDED.site_id, drill_type = EXCLUDED.drill_type,"
        " status = EXCLUDED.status, held_on = EXCLUDED.held_on,"
        " participants = EXCLUDED.participants, version = EXCLUDED.version"
        " WHERE p.version < EXCLUDED.version",
        e.drill_id,
        e.site_id,
        e.drill_type,
        local_date(e.held_at),
        e.participants,
        env.aggregateversion,
    )


@W.on(ev.DrillCancelled)
async def on_drill_cancelled(conn: Any, e: ev.DrillCancelled, env: CloudEvent) -> None:
    """A planned drill was called off."""
    await conn.execute(
        "UPDATE p_drills SET status = 'CANCELLED', version = $2"
        " WHERE drill_id = $1 AND version < $2",
        e.drill_id,
        env.aggregateversion,
    )

"""Writers of the eldercare projection, continued: wristbands, missing cases, volunteers."""

from __future__ import annotations

from typing import Any

from shared.clock import local_date
from shared.events import eldercare as ev
from shared.events.envelope import CloudEvent
from views.adapters.writing import Writers

W = Writers()


@W.on(ev.WristbandIssued)
async def on_wristband_issued(conn: Any, e: ev.WristbandIssued, env: CloudEvent) -> None:
    """A yellow wristband (no printed code: it is never published)."""
    await conn.execute(
        "INSERT INTO p_wristbands (wristband_id, elder_id, status, issued_on, version)"
        " VALUES ($1, $2, 'ACTIVE', $3, $4) ON CONFLICT DO NOTHING",
        e.wristband_id,
        e.elder_id,
        local_date(e.issued_at),
        env.aggregateversion,
    )


@W.on(ev.WristbandDeactivated)
async def on_wristband_deactivated(conn: Any, e: ev.WristbandDeactivated, env: CloudEvent) -> None:
    """A wristband was deactivated."""
    await conn.execute(
        "UPDATE p_wristbands SET status = 'INACTIVE', version = $2"
        " WHERE wristband_id = $1 AND version < $2",
        e.wristband_id,
        env.aggregateversion,
    )


@W.on(ev.MissingCaseReported)
async def on_missing_reported(conn: Any, e: ev.MissingCaseReported, env: CloudEvent) -> None:
    """An elder reported missing (no location is ever published)."""
    await conn.execute(
        "INSERT INTO p_missing_cases (case_id, elder_id, reported_on, version)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        e.case_id,
        e.elder_id,
        local_date(e.reported_at),
        env.aggregateversion,
    )


@W.on(ev.MissingCaseFound)
async def on_missing_found(conn: Any, e: ev.MissingCaseFound, env: CloudEvent) -> None:
    """The missing elder was found."""
    await conn.execute(
        "UPDATE p_missing_cases SET found_on = $3, version = $2"
        " WHERE case_id = $1 AND version < $2",
        e.case_id,
        env.aggregateversion,
        local_date(e.found_at),
    )


@W.on(ev.VolunteerCorpsFounded)
async def on_corps_founded(conn: Any, e: ev.VolunteerCorpsFounded, env: CloudEvent) -> None:
    """The corps (总队)."""
    await conn.execute(
        "INSERT INTO p_volunteer_corps (corps_id, name, status, founded_on, version)"
        " VALUES ($1, $2, 'ACTIVE', $3, $4) ON CONFLICT DO NOTHING",
        e.corps_id,
        e.name,
        local_date(e.founded_at),
        env.aggregateversion,
    )


@W.on(ev.VolunteerBranchFounded)
async def on_branch_founded(conn: Any, e: ev.VolunteerBranchFounded, env: CloudEvent) -> None:
    """A branch (分队); its rows are versioned by the corps aggregate they belong to."""
    await conn.execute(
        "INSERT INTO p_volunteer_branches AS p (branch_id, corps_id, name, county_code, status,"
        " founded_on, version) VALUES ($1, $2, $3, $4, 'ACTIVE', $5, $6)"
        " ON CONFLICT (branch_id) DO UPDATE SET corps_id = EXCLUDED.corps_id,"
        " name = EXCLUDED.name, county_code = EXCLUDED.county_code, status = EXCLUDED.status,"
        " founded_on = EXCLUDED.founded_on, version = EXCLUDED.version"
        " WHERE p.version < EXCLUDED.version",
        e.branch_id,
        e.corps_id,
        e.name,
        e.county_code,
        local_date(e.founded_at),
        env.aggregateversion,
    )
    await _touch_corps(conn, env)


@W.on(ev.VolunteerBranchDissolved)
async def on_branch_dissolved(conn: Any, e: ev.VolunteerBranchDissolved, env: CloudEvent) -> None:
    """A branch was dissolved."""
    await conn.execute(
        "UPDATE p_volunteer_branches SET status = 'DISSOLVED', version = $2"
        " WHERE branch_id = $1 AND version < $2",
        e.branch_id,
        env.aggregateversion,
    )
    await _touch_corps(conn, env)


async def _touch_corps(conn: Any, env: CloudEvent) -> None:
    await conn.execute(
        "UPDATE p_volunteer_corps SET version = $2 WHERE corps_id = $1 AND version < $2",
        env.subject,
        env.aggregateversion,
    )


@W.on(ev.VolunteerEnrolled)
async def on_volunteer_enrolled(conn: Any, e: ev.VolunteerEnrolled, env: CloudEvent) -> None:
    """A volunteer joined a branch."""
    await conn.execute(
        "INSERT INTO p_volunteers (volunteer_id, branch_id, status, version)"
        " VALUES ($1, $2, 'ACTIVE', $3) ON CONFLICT DO NOTHING",
        e.volunteer_id,
        e.branch_id,
        env.aggregateversion,
    )


@W.on(ev.VolunteerLeft)
async def on_volunteer_left(conn: Any, e: ev.VolunteerLeft, env: CloudEvent) -> None:
    """A volunteer left."""
    await conn.execute(
        "UPDATE p_volunteers SET status = 'LEFT', version = $2"
        " WHERE volunteer_id = $1 AND version < $2",
        e.volunteer_id,
        env.aggregateversion,
    )


@W.on(ev.VolunteerServiceRecorded)
async def on_volunteer_service(conn: Any, e: ev.VolunteerServiceRecorded, env: CloudEvent) -> None:
    """A service record (a fact) on its local start date."""
    await conn.execute(
        "INSERT INTO p_volunteer_services (record_id, volunteer_id, branch_id, service_type,"
        " elder_id, institution_id, served_on, minutes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT DO NOTHING",
        e.record_id,
        e.volunteer_id,
        e.branch_id,
        e.service_type,
        e.elder_id,
        e.institution_id,
        local_date(e.started_at),
        e.minutes,
    )

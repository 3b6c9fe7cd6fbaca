"""Writers of the eldercare projection: sites, elders, home modifications, meals, volunteers.

No personal data arrives here (events carry opaque ids and coarse attributes only), and the
``sex`` attribute of ``ElderRegistered`` is deliberately not stored: no view needs it.
"""

from __future__ import annotations

from typing import Any

from shared.clock import local_date
from shared.events import eldercare as ev
from shared.events.envelope import CloudEvent
from views.adapters.writing import Writers

W = Writers()


async def _update(conn: Any, table: str, key: str, env: CloudEvent, sets: str, *args: Any) -> None:
    """Apply ``sets`` ($3… are ``args``) to the row of ``env.subject`` if the event is newer."""
    sql = f"UPDATE {table} SET {sets}, version = $2 WHERE {key} = $1 AND version < $2"  # noqa: S608 - fixed fragments
    await conn.execute(sql, env.subject, env.aggregateversion, *args)


@W.on(ev.InstitutionRegistered)
async def on_institution_registered(
    conn: Any, e: ev.InstitutionRegistered, env: CloudEvent
) -> None:
    """A site of the master registry."""
    await conn.execute(
        "INSERT INTO p_sites AS p (site_id, filing_no, name, kind, county_code, township_code,"
        " beds, status, head_person_id, registered_on, version)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (site_id) DO UPDATE"
        " SET filing_no = EXCLUDED.filing_no, name = EXCLUDED.name, kind = EXCLUDED.kind,"
        " county_code = EXCLUDED.county_code, township_code = EXCLUDED.township_code,"
        " beds = EXCLUDED.beds, status = EXCLUDED.status,"
        " head_person_id = EXCLUDED.head_person_id, registered_on = EXCLUDED.registered_on,"
        " version = EXCLUDED.version WHERE p.version < EXCLUDED.version",
        e.institution_id,
        e.filing_no,
        e.name,
        e.kind,
        e.county_code,
        e.township_code,
        e.beds,
        e.status,
        e.head_person_id,
        local_date(e.registered_at),
        env.aggregateversion,
    )


@W.on(ev.InstitutionStatusChanged)
async def on_institution_status(conn: Any, e: ev.InstitutionStatusChanged, env: CloudEvent) -> None:
    """A site was suspended, reactivated or closed."""
    await _update(conn, "p_sites", "site_id", env, "status = $3", e.status)


@W.on(ev.InstitutionCapacityChanged)
async def on_institution_capacity(
    conn: Any, e: ev.InstitutionCapacityChanged, env: CloudEvent
) -> None:
    """A site's beds changed."""
    await _update(conn, "p_sites", "site_id", env, "beds = $3", e.beds)


@W.on(ev.ElderRegistered)
async def on_elder_registered(conn: Any, e: ev.ElderRegistered, env: CloudEvent) -> None:
    """An elder's record (opaque id, age band, area, care pillars)."""
    await conn.execute(
        "INSERT INTO p_elders AS p (elder_id, age_band, county_code, township_code, care_pillars,"
        " status, registered_on, version) VALUES ($1, $2, $3, $4, $5, 'ACTIVE', $6, $7)"
        " ON CONFLICT (elder_id) DO UPDATE SET age_band = EXCLUDED.age_band,"
        " county_code = EXCLUDED.county_code, township_code = EXCLUDED.township_code,"
        " care_pillars = EXCLUDED.care_pillars, registered_on = EXCLUDED.registered_on,"
        " version = EXCLUDED.version WHERE p.version < EXCLUDED.version",
        e.elder_id,
        e.age_band,
        e.county_code,
        e.township_code,
        ",".join(e.care_pillars),
        local_date(e.registered_at),
        env.aggregateversion,
    )


@W.on(ev.ElderAbilityAssessed)
async def on_elder_assessed(conn: Any, e: ev.ElderAbilityAssessed, env: CloudEvent) -> None:
    """Only the version moves: the assessment's level is health data and never published."""
    await _update(conn, "p_elders", "elder_id", env, "status = status")


@W.on(ev.ElderAdmitted)
async def on_elder_admitted(conn: Any, e: ev.ElderAdmitted, env: CloudEvent) -> None:
    """The elder lives in an institution now."""
    await _update(conn, "p_elders", "elder_id", env, "institution_id = $3", e.institution_id)


@W.on(ev.ElderDischarged)
async def on_elder_discharged(conn: Any, e: ev.ElderDischarged, env: CloudEvent) -> None:
    """The elder left the institution."""
    await _update(conn, "p_elders", "elder_id", env, "institution_id = NULL")


@W.on(ev.ElderDeceased)
async def on_elder_deceased(conn: Any, e: ev.ElderDeceased, env: CloudEvent) -> None:
    """The elder died: no longer active (nor a resident)."""
    await _update(conn, "p_elders", "elder_id", env, "status = 'DECEASED'")


@W.on(ev.ElderMovedOut)
async def on_elder_moved_out(conn: Any, e: ev.ElderMovedOut, env: CloudEvent) -> None:
    """The elder left the city's care."""
    await _update(conn, "p_elders", "elder_id", env, "status = 'MOVED_OUT'")


@W.on(ev.ElderErased)
async def on_elder_erased(conn: Any, e: ev.ElderErased, env: CloudEvent) -> None:
    """Erasure drops the elder's row; anonymous facts (meals, services) keep counting."""
    await conn.execute("DELETE FROM p_elders WHERE elder_id = $1", e.elder_id)


@W.on(ev.HomeModificationApplied)
async def on_home_mod_applied(conn: Any, e: ev.HomeModificationApplied, env: CloudEvent) -> None:
    """A household applied for an age-friendly modification."""
    await conn.execute(
        "INSERT INTO p_home_modifications AS p (modification_id, household_id, elder_id,"
        " county_code, status, applied_on, version) VALUES ($1, $2, $3, $4, 'APPLIED', $5, $6)"
        " ON CONFLICT (modification_id) DO NOTHING",
        e.modification_id,
        e.household_id,
        e.elder_id,
        e.county_code,
        local_date(e.applied_at),
        env.aggregateversion,
    )


@W.on(ev.HomeModificationAssessed)
async def on_home_mod_assessed(conn: Any, e: ev.HomeModificationAssessed, env: CloudEvent) -> None:
    """Assessed, with its subsidy."""
    await _update(
        conn,
        "p_home_modifications",
        "modification_id",
        env,
        "status = 'ASSESSED', subsidy_minor = $3",
        e.subsidy_minor,
    )


@W.on(ev.HomeModificationRejected)
async def on_home_mod_rejected(conn: Any, e: ev.HomeModificationRejected, env: CloudEvent) -> None:
    """Rejected as ineligible."""
    await _update(conn, "p_home_modifications", "modification_id", env, "status = 'REJECTED'")


@W.on(ev.HomeModificationApproved)
async def on_home_mod_approved(conn: Any, e: ev.HomeModificationApproved, env: CloudEvent) -> None:
    """Approved."""
    await _update(conn, "p_home_modifications", "modification_id", env, "status = 'APPROVED'")


@W.on(ev.HomeModificationCompleted)
async def on_home_mod_completed(
    conn: Any, e: ev.HomeModificationCompleted, env: CloudEvent
) -> None:
    """Works finished (not yet counted: only acceptance counts as 完成)."""
    await _update(conn, "p_home_modifications", "modification_id", env, "status = 'COMPLETED'")


@W.on(ev.HomeModificationAccepted)
async def on_home_mod_accepted(conn: Any, e: ev.HomeModificationAccepted, env: CloudEvent) -> None:
    """Accepted on its local date: the household counts as done."""
    await _update(
        conn,
        "p_home_modifications",
        "modification_id",
        env,
        "status = 'ACCEPTED', accepted_on = $3, subsidy_minor = $4, household_id = $5",
        local_date(e.accepted_at),
        e.subsidy_minor,
        e.household_id,
    )


@W.on(ev.MealPointEstablished)
async def on_meal_point_established(conn: Any, e: ev.MealPointEstablished, env: CloudEvent) -> None:
    """A meal point was built (it stays built whatever happens to it later)."""
    await conn.execute(
        "INSERT INTO p_meal_points (meal_point_id, name, type, operator_institution_id,"
        " county_code, status, established_on, version)"
        " VALUES ($1, $2, $3, $4, $5, 'ACTIVE', $6, $7) ON CONFLICT DO NOTHING",
        e.meal_point_id,
        e.name,
        e.type,
        e.operator_institution_id,
        e.county_code,
        local_date(e.established_at),
        env.aggregateversion,
    )


@W.on(ev.MealPointSuspended)
async def on_meal_point_suspended(conn: Any, e: ev.MealPointSuspended, env: CloudEvent) -> None:
    """Suspended."""
    await _update(conn, "p_meal_points", "meal_point_id", env, "status = 'SUSPENDED'")


@W.on(ev.MealPointResumed)
async def on_meal_point_resumed(conn: Any, e: ev.MealPointResumed, env: CloudEvent) -> None:
    """Open again."""
    await _update(conn, "p_meal_points", "meal_point_id", env, "status = 'ACTIVE'")


@W.on(ev.MealPointClosed)
async def on_meal_point_closed(conn: Any, e: ev.MealPointClosed, env: CloudEvent) -> None:
    """Closed for good."""
    await _update(conn, "p_meal_points", "meal_point_id", env, "status = 'CLOSED'")


@W.on(ev.MealServed)
async def on_meal_served(conn: Any, e: ev.MealServed, env: CloudEvent) -> None:
    """A meal (a fact) on its local date."""
    await conn.execute(
        "INSERT INTO p_meals (meal_id, meal_point_id, elder_id, served_on, slot, subsidy_minor)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        e.meal_id,
        e.meal_point_id,
        e.elder_id,
        local_date(e.served_at),
        e.slot,
        e.subsidy_minor,
    )

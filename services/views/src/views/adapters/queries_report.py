"""The exact queries of the year-to-date report (DOMAIN §10.2), run on the service's p_* views.

Parameters: $1 = year start (local date), $2 = the report date (inclusive), as in the design.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from views.adapters.sets import quoted

METRIC_SQL: dict[str, str] = {
    "safety_meetings": "SELECT COUNT(*) FROM p_safety_meetings WHERE held_on BETWEEN $1 AND $2",
    "campaigns_active": (
        "SELECT COUNT(*) FROM p_campaigns WHERE start_on <= $2 AND (end_on IS NULL OR end_on >= $1)"
    ),
    "inspections": (
        "SELECT COUNT(*) FROM p_inspections WHERE status = 'COMPLETED'"
        " AND completed_on BETWEEN $1 AND $2"
    ),
    "safety_talks": "SELECT COUNT(*) FROM p_safety_talks WHERE held_on BETWEEN $1 AND $2",
    "drills": "SELECT COUNT(*) FROM p_drills WHERE status = 'HELD' AND held_on BETWEEN $1 AND $2",
    "work_notices": "SELECT COUNT(*) FROM p_work_notices WHERE issued_on BETWEEN $1 AND $2",
    "charity_disbursed": (
        "SELECT COALESCE(SUM(d.amount_minor), 0)::bigint FROM p_disbursements d"
        " JOIN p_projects p ON p.project_id = d.project_id"
        " WHERE p.brand = '益行益善·益老益小' AND d.status IN ('PAID', 'DELIVERED')"
        " AND d.settled_on <= $2 AND $1::date IS NOT NULL"
    ),
    "child_person_times": (
        "SELECT COALESCE(SUM(s.child_count), 0)::bigint FROM p_child_care_sessions s"
        " JOIN p_projects p ON p.project_id = s.project_id"
        " WHERE p.kind IN ('WEEKEND_MOTHERS', 'HOME_TEACHING') AND s.held_on <= $2"
        " AND $1::date IS NOT NULL"
    ),
    "large_surveys": (
        "SELECT COUNT(*) FROM p_surveys WHERE scale = 'LARGE' AND status = 'COMPLETED'"
        " AND completed_on BETWEEN $1 AND $2"
    ),
    "problems_solved": (
        "SELECT COUNT(*) FROM p_problems WHERE status IN ('RESOLVED', 'CONFIRMED')"
        " AND resolved_on BETWEEN $1 AND $2"
    ),
    "home_modifications": (
        "SELECT COUNT(DISTINCT household_id) FROM p_home_modifications"
        " WHERE status = 'ACCEPTED' AND accepted_on BETWEEN $1 AND $2"
    ),
    # Status ignored: a point built and later suspended or closed was still built.
    "meal_points_built": (
        "SELECT COUNT(*) FROM p_meal_points WHERE established_on BETWEEN $1 AND $2"
    ),
    "volunteer_corps": (
        "SELECT COUNT(*) FROM p_volunteer_corps WHERE status = 'ACTIVE' AND founded_on <= $2"
        " AND $1::date IS NOT NULL"
    ),
    "volunteer_branches": (
        "SELECT COUNT(*) FROM p_volunteer_branches WHERE status = 'ACTIVE' AND founded_on <= $2"
        " AND $1::date IS NOT NULL"
    ),
}

EXTRA_SQL: dict[str, str] = {
    "hazards_found_ytd": "SELECT COUNT(*) FROM p_hazards WHERE found_on BETWEEN $1 AND $2",
    "hazards_open": "SELECT COUNT(*) FROM p_hazards WHERE status <> 'VERIFIED'",
    "hazards_overdue": (
        "SELECT COUNT(*) FROM p_hazards WHERE status IN ('REPORTED', 'IN_RECTIFICATION')"
        " AND deadline_on < $1"
    ),
    "meals_served_ytd": "SELECT COUNT(*) FROM p_meals WHERE served_on BETWEEN $1 AND $2",
    "wristbands_active": "SELECT COUNT(*) FROM p_wristbands WHERE status = 'ACTIVE'",
    "charity_disbursed_ytd_minor": (
        "SELECT COALESCE(SUM(d.amount_minor), 0)::bigint FROM p_disbursements d"
        " JOIN p_projects p ON p.project_id = d.project_id"
        " WHERE p.brand = '益行益善·益老益小' AND d.status IN ('PAID', 'DELIVERED')"
        " AND d.settled_on <= $2 AND d.settled_on >= $1"
    ),
}
_WINDOWLESS = {"hazards_open", "wristbands_active"}

_VOLUNTEER_YTD = (
    "SELECT COUNT(*) AS n, COALESCE(SUM(minutes), 0)::bigint AS minutes FROM p_volunteer_services"
    " WHERE served_on BETWEEN $1 AND $2"
)
_PILLARS = (
    "SELECT pillar, COUNT(*) AS n FROM p_elders,"
    " unnest(string_to_array(care_pillars, ',')) AS pillar"
    " WHERE status = 'ACTIVE' GROUP BY pillar ORDER BY pillar"
)
_CAMPAIGN_NAMES = (
    "SELECT name FROM p_campaigns WHERE start_on <= $2 AND (end_on IS NULL OR end_on >= $1)"
    " ORDER BY code"
)


async def metric_values(conn: Any, year_start: date, as_of: date) -> dict[str, int]:
    """Every metric of §10.2 for the window [year_start, as_of]."""
    return {
        key: int(await conn.fetchval(sql, year_start, as_of)) for key, sql in METRIC_SQL.items()
    }


async def campaign_names(conn: Any, year_start: date, as_of: date) -> list[str]:
    """The names of the campaigns counted in ``campaigns_active``, ordered by code."""
    return [r["name"] for r in await conn.fetch(_CAMPAIGN_NAMES, year_start, as_of)]


async def extras(conn: Any, year_start: date, as_of: date) -> dict[str, Any]:
    """The extras block of the report (§10.2)."""
    out: dict[str, Any] = {}
    for key, sql in EXTRA_SQL.items():
        if key in _WINDOWLESS:
            out[key] = int(await conn.fetchval(sql))
        elif key == "hazards_overdue":
            out[key] = int(await conn.fetchval(sql, as_of))
        else:
            out[key] = int(await conn.fetchval(sql, year_start, as_of))
    volunteer = await conn.fetchrow(_VOLUNTEER_YTD, year_start, as_of)
    out["volunteer_services_ytd"] = int(volunteer["n"])
    out["volunteer_minutes_ytd"] = int(volunteer["minutes"])
    out["elders_by_pillar"] = {r["pillar"]: int(r["n"]) for r in await conn.fetch(_PILLARS)}
    return out


async def watermark(conn: Any) -> dict[str, dict[str, int]]:
    """The highest consumed offset per topic and partition, over every projection's active set."""
    schemas = await conn.fetch(
        "SELECT schema_name FROM projection_sets WHERE state = 'ACTIVE' ORDER BY projection"
    )
    marks: dict[str, dict[str, int]] = {}
    for row in schemas:
        rows = await conn.fetch(
            "SELECT topic, kafka_partition, kafka_offset"  # noqa: S608 - checked identifier
            f" FROM {quoted(row['schema_name'])}.p_checkpoints ORDER BY topic, kafka_partition"
        )
        for r in rows:
            marks.setdefault(r["topic"], {})[str(r["kafka_partition"])] = int(r["kafka_offset"])
    return dict(sorted(marks.items()))

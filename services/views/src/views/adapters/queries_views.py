"""The exact queries of the cross-department views (DOMAIN §10.5-10.9).

Parameters follow the design: $1 = year start, $2 = report date (inclusive), then the ids.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

_INSTITUTION_COLUMNS = """
SELECT s.site_id, s.name, s.kind, s.county_code, s.beds, s.status,
  (SELECT COUNT(*) FROM p_inspections i WHERE i.site_id = s.site_id AND i.status = 'COMPLETED'
     AND i.completed_on BETWEEN $1 AND $2) AS inspections_ytd,
  (SELECT MAX(i.completed_on) FROM p_inspections i WHERE i.site_id = s.site_id
     AND i.status = 'COMPLETED' AND i.completed_on <= $2) AS last_inspection_on,
  (SELECT COUNT(*) FROM p_hazards h WHERE h.site_id = s.site_id
     AND h.found_on BETWEEN $1 AND $2) AS hazards_found_ytd,
  (SELECT COUNT(*) FROM p_hazards h WHERE h.site_id = s.site_id AND h.status <> 'VERIFIED')
     AS hazards_open,
  (SELECT COUNT(*) FROM p_hazards h WHERE h.site_id = s.site_id
     AND h.status IN ('REPORTED','IN_RECTIFICATION') AND h.deadline_on < $2) AS hazards_overdue,
  (SELECT COUNT(*) FROM p_hazards h WHERE h.site_id = s.site_id AND h.level = 'MAJOR'
     AND h.status <> 'VERIFIED') AS major_hazards_open,
  (SELECT COUNT(*) FROM p_drills d WHERE d.site_id = s.site_id AND d.status = 'HELD'
     AND d.held_on BETWEEN $1 AND $2) AS drills_ytd,
  (SELECT MAX(d.held_on) FROM p_drills d WHERE d.site_id = s.site_id AND d.status = 'HELD'
     AND d.held_on <= $2) AS last_drill_on,
  (SELECT COUNT(*) FROM p_work_notice_targets t WHERE t.site_id = s.site_id
     AND t.acked_on IS NULL) AS notices_unacked,
  (SELECT COUNT(*) FROM p_elders e WHERE e.institution_id = s.site_id AND e.status = 'ACTIVE')
     AS residents,
  (SELECT COUNT(*) FROM p_meals m JOIN p_meal_points mp ON mp.meal_point_id = m.meal_point_id
     WHERE mp.operator_institution_id = s.site_id
     AND m.served_on BETWEEN $1 AND $2) AS meals_served_ytd,
  (SELECT COUNT(*) FROM p_volunteer_services v WHERE v.institution_id = s.site_id
     AND v.served_on BETWEEN $1 AND $2) AS volunteer_services_ytd,
  (SELECT COALESCE(SUM(v.minutes),0)::bigint FROM p_volunteer_services v
     WHERE v.institution_id = s.site_id AND v.served_on BETWEEN $1 AND $2)
     AS volunteer_minutes_ytd,
  (SELECT COALESCE(SUM(d.amount_minor),0)::bigint FROM p_disbursements d
     JOIN p_beneficiaries b ON b.beneficiary_id = d.beneficiary_id
     WHERE b.institution_id = s.site_id AND d.status IN ('PAID','DELIVERED')
     AND d.settled_on <= $2) AS funds_received_minor,
  (SELECT COALESCE(SUM(d.amount_minor),0)::bigint FROM p_disbursements d
     JOIN p_beneficiaries b ON b.beneficiary_id = d.beneficiary_id
     WHERE b.institution_id = s.site_id AND d.status IN ('REQUESTED','FAILED'))
     AS funds_pending_minor
FROM p_sites s
"""

_INSTITUTION = _INSTITUTION_COLUMNS + "WHERE s.site_id = $3"
_INSTITUTIONS = "".join(
    (
        "SELECT * FROM (",
        _INSTITUTION_COLUMNS,
        "WHERE s.status = 'ACTIVE' AND ($3::text IS NULL OR s.county_code = $3)) x",
        " ORDER BY hazards_overdue DESC, major_hazards_open DESC, site_id",
    )
)

_ELDER = """
SELECT e.elder_id, e.age_band, e.county_code, e.township_code, e.care_pillars, e.status,
  e.institution_id,
  (SELECT hm.status FROM p_home_modifications hm WHERE hm.elder_id = e.elder_id
     ORDER BY hm.applied_on DESC, hm.modification_id DESC LIMIT 1) AS home_mod_status,
  (SELECT MAX(hm.accepted_on) FROM p_home_modifications hm WHERE hm.elder_id = e.elder_id
     AND hm.status = 'ACCEPTED') AS home_mod_accepted_on,
  (SELECT COUNT(*) FROM p_meals m WHERE m.elder_id = e.elder_id
     AND m.served_on BETWEEN $1 AND $2) AS meals_ytd,
  (SELECT MAX(m.served_on) FROM p_meals m WHERE m.elder_id = e.elder_id
     AND m.served_on <= $2) AS last_meal_on,
  (SELECT COUNT(DISTINCT m.meal_point_id) FROM p_meals m WHERE m.elder_id = e.elder_id
     AND m.served_on BETWEEN $1 AND $2) AS meal_points_used_ytd,
  (SELECT COUNT(*) FROM p_wristbands w WHERE w.elder_id = e.elder_id AND w.status = 'ACTIVE')
     AS wristband_active,
  (SELECT COUNT(*) FROM p_missing_cases c WHERE c.elder_id = e.elder_id) AS missing_cases,
  (SELECT COUNT(*) FROM p_missing_cases c WHERE c.elder_id = e.elder_id AND c.found_on IS NULL)
     AS missing_open,
  (SELECT COUNT(*) FROM p_volunteer_services v WHERE v.elder_id = e.elder_id
     AND v.served_on BETWEEN $1 AND $2) AS volunteer_visits_ytd,
  (SELECT COALESCE(SUM(d.amount_minor),0)::bigint FROM p_disbursements d
     JOIN p_beneficiaries b ON b.beneficiary_id = d.beneficiary_id
     WHERE b.elder_id = e.elder_id AND d.status IN ('PAID','DELIVERED')
     AND d.settled_on <= $2) AS charity_received_minor
FROM p_elders e
"""

# LEFT JOIN (the design says JOIN): a hazard whose site event has not arrived yet still shows.
_LEDGER = """
SELECT h.hazard_id, h.hazard_no, h.site_id, s.name AS site_name, h.level, h.category, h.status,
       h.found_on, h.deadline_on, h.responsible_person_id, h.extension_count,
       h.escalation_level, COALESCE(h.campaign_id, i.campaign_id) AS campaign_id,
       c.code AS campaign_code, c.name AS campaign_name,
       CASE WHEN h.status IN ('REPORTED','IN_RECTIFICATION') AND h.deadline_on < $1
            THEN 1 ELSE 0 END AS overdue
FROM p_hazards h
LEFT JOIN p_sites s ON s.site_id = h.site_id
LEFT JOIN p_inspections i ON i.inspection_id = h.inspection_id
LEFT JOIN p_campaigns c ON c.campaign_id = COALESCE(h.campaign_id, i.campaign_id)
WHERE ($2 OR h.status <> 'VERIFIED') AND ($3::uuid IS NULL OR h.site_id = $3)
ORDER BY overdue DESC, h.escalation_level DESC, h.deadline_on, h.hazard_id
"""

_CADENCE = """
SELECT r.person_id, r.cadence, pr.period_key, pr.period_start_on, pr.period_end_on
FROM p_cadence_requirements r
JOIN p_periods pr ON pr.kind = r.cadence
 AND pr.period_end_on >= $1 AND pr.period_end_on <= $2
 AND pr.period_start_on >= r.effective_from
WHERE NOT EXISTS (
  SELECT 1 FROM p_inspection_people ip JOIN p_inspections i ON i.inspection_id = ip.inspection_id
  WHERE ip.person_id = r.person_id AND i.status = 'COMPLETED'
    AND i.completed_on BETWEEN pr.period_start_on AND pr.period_end_on)
ORDER BY r.person_id, r.cadence, pr.period_key
"""
_RECORDED_BREACHES = """
SELECT person_id, period_kind AS cadence, period_key, period_start_on, period_end_on
FROM p_cadence_breaches WHERE period_end_on >= $1 AND period_end_on <= $2
ORDER BY person_id, period_kind, period_key
"""
_REQUIREMENTS = (
    "SELECT person_id, cadence, effective_from FROM p_cadence_requirements"
    " ORDER BY person_id, cadence"
)

_NOTICES = """
SELECT n.notice_id, n.notice_no, n.title, n.issued_on, n.ack_due_on, COUNT(*) AS targets,
       SUM(CASE WHEN t.acked_on IS NOT NULL THEN 1 ELSE 0 END) AS acked
FROM p_work_notices n JOIN p_work_notice_targets t ON t.notice_id = n.notice_id
WHERE n.issued_on BETWEEN $1 AND $2
GROUP BY n.notice_id, n.notice_no, n.title, n.issued_on, n.ack_due_on
ORDER BY n.issued_on, n.notice_id
"""
_UNACKED = """
SELECT t.notice_id, t.site_id, s.name AS site_name
FROM p_work_notice_targets t
JOIN p_work_notices n ON n.notice_id = t.notice_id
LEFT JOIN p_sites s ON s.site_id = t.site_id
WHERE t.acked_on IS NULL AND n.issued_on BETWEEN $1 AND $2
ORDER BY t.notice_id, s.name, t.site_id
"""


async def institution(conn: Any, year_start: date, as_of: date, site_id: UUID) -> Any:
    """Institution 360 of one site, or None."""
    return await conn.fetchrow(_INSTITUTION, year_start, as_of, site_id)


async def institutions(conn: Any, year_start: date, as_of: date, county: str | None) -> list[Any]:
    """Institution 360 of every active site (optionally one county), riskiest first."""
    return list(await conn.fetch(_INSTITUTIONS, year_start, as_of, county))


async def elder(conn: Any, year_start: date, as_of: date, elder_id: UUID) -> Any:
    """Elder 360 of one elder, or None."""
    return await conn.fetchrow(_ELDER + "WHERE e.elder_id = $3", year_start, as_of, elder_id)


async def elders(conn: Any, year_start: date, as_of: date) -> list[Any]:
    """Elder 360 of every elder (consistency checks)."""
    return list(await conn.fetch(_ELDER + "WHERE $3::int IS NULL", year_start, as_of, None))


async def hazard_ledger(
    conn: Any, as_of: date, *, include_verified: bool, site_id: UUID | None
) -> list[Any]:
    """The rectification ledger: open hazards (or all), overdue and escalated first."""
    return list(await conn.fetch(_LEDGER, as_of, include_verified, site_id))


async def cadence(conn: Any, year_start: date, as_of: date) -> dict[str, list[Any]]:
    """Cadence breaches computed from inspections, the recorded ones, and the requirements."""
    return {
        "computed": list(await conn.fetch(_CADENCE, year_start, as_of)),
        "recorded": list(await conn.fetch(_RECORDED_BREACHES, year_start, as_of)),
        "requirements": list(await conn.fetch(_REQUIREMENTS)),
    }


async def work_notices(conn: Any, year_start: date, as_of: date) -> dict[str, list[Any]]:
    """Work notices of the window with their acknowledgement counts and unacknowledged sites."""
    return {
        "notices": list(await conn.fetch(_NOTICES, year_start, as_of)),
        "unacked": list(await conn.fetch(_UNACKED, year_start, as_of)),
    }

"""Queries of the lottery-fund announcement (DOMAIN §10.10), the ledger checks and the dashboard."""

from __future__ import annotations

from datetime import date
from typing import Any

_FUND_HEADER = """
SELECT f.fund_id, f.code, f.fiscal_year,
  (SELECT COALESCE(SUM(c.amount_minor),0)::bigint FROM p_fund_credits c WHERE c.fund_id = f.fund_id)
     AS credited_minor,
  (SELECT COALESCE(SUM(a.amount_minor - a.released_minor),0)::bigint FROM p_allocations a
     WHERE a.fund_id = f.fund_id AND a.status IN ('APPROVED','CLOSED')) AS allocated_minor,
  (SELECT COALESCE(SUM(d.amount_minor),0)::bigint FROM p_disbursements d
     WHERE d.fund_id = f.fund_id AND d.status IN ('PAID','DELIVERED') AND d.settled_on <= $2)
     AS disbursed_minor
FROM p_funds f WHERE f.source_type = 'LOTTERY_WELFARE' AND f.fiscal_year = $1
ORDER BY f.code
"""

_FUND_LINES = """
SELECT p.purpose, p.name, p.code AS project_code, a.allocation_id, a.code AS allocation_code,
  a.amount_minor - a.released_minor AS allocated_minor,
  COALESCE(SUM(CASE WHEN d.status IN ('PAID','DELIVERED') THEN d.amount_minor END),0)::bigint
     AS disbursed_minor,
  COUNT(CASE WHEN d.status IN ('PAID','DELIVERED') THEN 1 END) AS beneficiaries_paid
FROM p_allocations a
JOIN p_projects p ON p.project_id = a.project_id
JOIN p_funds f ON f.fund_id = a.fund_id
LEFT JOIN p_disbursements d ON d.allocation_id = a.allocation_id AND d.settled_on <= $2
WHERE f.source_type = 'LOTTERY_WELFARE' AND f.fiscal_year = $1
  AND a.status IN ('APPROVED','CLOSED')
GROUP BY p.purpose, p.name, p.code, a.allocation_id, a.code, a.amount_minor, a.released_minor
ORDER BY p.purpose, a.allocation_id
"""

# Ledger invariants (§10.11): what an allocation has settled and reserved never exceeds its net
# amount, and what a fund allocated never exceeds what came in.
_ALLOCATION_BREACHES = """
SELECT a.allocation_id, a.amount_minor - a.released_minor AS net_minor,
  COALESCE(SUM(CASE WHEN d.status IN ('PAID','DELIVERED','REQUESTED','FAILED')
                    THEN d.amount_minor END), 0)::bigint AS used_minor
FROM p_allocations a LEFT JOIN p_disbursements d ON d.allocation_id = a.allocation_id
GROUP BY a.allocation_id, a.amount_minor, a.released_minor
HAVING COALESCE(SUM(CASE WHEN d.status IN ('PAID','DELIVERED','REQUESTED','FAILED')
                         THEN d.amount_minor END), 0)::bigint > a.amount_minor - a.released_minor
"""
_FUND_BREACHES = """
SELECT f.fund_id, f.code,
  (SELECT COALESCE(SUM(a.amount_minor - a.released_minor),0)::bigint FROM p_allocations a
     WHERE a.fund_id = f.fund_id AND a.status IN ('APPROVED','CLOSED')) AS allocated_minor,
  (SELECT COALESCE(SUM(c.amount_minor),0)::bigint FROM p_fund_credits c WHERE c.fund_id = f.fund_id)
  + (SELECT COALESCE(SUM(d.amount_minor),0)::bigint FROM p_donations d WHERE d.fund_id = f.fund_id)
     AS income_minor
FROM p_funds f
"""

_BY_PROJECT = """
SELECT p.project_id, p.code, p.name, p.brand,
  COALESCE((SELECT SUM(a.amount_minor - a.released_minor) FROM p_allocations a
     WHERE a.project_id = p.project_id AND a.status IN ('APPROVED','CLOSED')), 0)::bigint
     AS allocated_minor,
  COALESCE((SELECT SUM(d.amount_minor) FROM p_disbursements d
     WHERE d.project_id = p.project_id AND d.status IN ('PAID','DELIVERED')
     AND d.settled_on <= $1), 0)::bigint AS disbursed_minor
FROM p_projects p ORDER BY p.code
"""

_BY_MONTH = """
SELECT m.month,
  (SELECT COUNT(DISTINCT household_id) FROM p_home_modifications h WHERE h.status = 'ACCEPTED'
     AND h.accepted_on BETWEEN m.month AND LEAST((m.month + interval '1 month - 1 day')::date, $2))
     AS home_modifications,
  (SELECT COUNT(*) FROM p_meals x
     WHERE x.served_on BETWEEN m.month AND LEAST((m.month + interval '1 month - 1 day')::date, $2))
     AS meals
FROM (SELECT generate_series($1::date, $2::date, interval '1 month')::date AS month) m
ORDER BY m.month
"""

_HAZARDS_BY_CAMPAIGN = """
SELECT c.code, c.name,
  COUNT(h.hazard_id) FILTER (WHERE h.status <> 'VERIFIED') AS open,
  COUNT(h.hazard_id) FILTER (WHERE h.status IN ('REPORTED','IN_RECTIFICATION')
                               AND h.deadline_on < $1) AS overdue,
  COUNT(h.hazard_id) FILTER (WHERE h.found_on BETWEEN $2 AND $1) AS found_ytd
FROM p_hazards h
LEFT JOIN p_inspections i ON i.inspection_id = h.inspection_id
LEFT JOIN p_campaigns c ON c.campaign_id = COALESCE(h.campaign_id, i.campaign_id)
GROUP BY c.code, c.name ORDER BY c.code NULLS LAST
"""

# One person told of one event counts once, whatever the channels (notify sends HIGH alerts by
# e-mail and robot at once): the figures of DOMAIN §7 and §11.5 count (event, recipient).
_NOTIFICATION_HEALTH = """
SELECT
  COUNT(DISTINCT (source_event_id, recipient_person_id)) FILTER (WHERE sent_at IS NOT NULL) AS sent,
  COUNT(DISTINCT (source_event_id, recipient_person_id))
    FILTER (WHERE failed_attempts > 0) AS with_failed_attempt,
  COALESCE(SUM(failed_attempts), 0)::bigint AS failed_attempts,
  COUNT(*) FILTER (WHERE status = 'FAILED') AS failing_now,
  COUNT(*) FILTER (WHERE status = 'UNDELIVERABLE') AS undeliverable,
  COUNT(DISTINCT (source_event_id, recipient_person_id))
    FILTER (WHERE status = 'ACKNOWLEDGED') AS acknowledged,
  COUNT(*) FILTER (WHERE sent_at IS NOT NULL) AS messages_sent
FROM p_notifications
"""
_NOTIFICATIONS_BY_TEMPLATE = """
SELECT COALESCE(template_code, '') AS template_code,
  COUNT(DISTINCT (source_event_id, recipient_person_id)) AS n,
  COUNT(DISTINCT (source_event_id, recipient_person_id))
    FILTER (WHERE failed_attempts > 0) AS with_failed_attempt,
  COUNT(*) FILTER (WHERE status = 'UNDELIVERABLE') AS undeliverable,
  COUNT(DISTINCT (source_event_id, recipient_person_id))
    FILTER (WHERE status = 'ACKNOWLEDGED') AS acknowledged
FROM p_notifications GROUP BY 1 ORDER BY 2 DESC, 1
"""


async def lottery_fund(conn: Any, year: int, as_of: date) -> dict[str, list[Any]]:
    """Header rows (one per lottery fund of the year) and lines by purpose."""
    return {
        "funds": list(await conn.fetch(_FUND_HEADER, year, as_of)),
        "lines": list(await conn.fetch(_FUND_LINES, year, as_of)),
    }


async def ledger_breaches(conn: Any) -> dict[str, list[Any]]:
    """Allocations and funds that break the ledger invariants (empty when all hold)."""
    funds = [
        r for r in await conn.fetch(_FUND_BREACHES) if r["allocated_minor"] > r["income_minor"]
    ]
    return {"allocations": list(await conn.fetch(_ALLOCATION_BREACHES)), "funds": funds}


async def funds_by_project(conn: Any, as_of: date) -> list[Any]:
    """Allocated (net) and disbursed money per project."""
    return list(await conn.fetch(_BY_PROJECT, as_of))


async def by_month(conn: Any, year_start: date, as_of: date) -> list[Any]:
    """Accepted home modifications (households) and meals served per month of the window."""
    return list(await conn.fetch(_BY_MONTH, year_start, as_of))


async def hazards_by_campaign(conn: Any, year_start: date, as_of: date) -> list[Any]:
    """Open, overdue and found-this-year hazards per campaign."""
    return list(await conn.fetch(_HAZARDS_BY_CAMPAIGN, as_of, year_start))


async def notification_health(conn: Any) -> dict[str, Any]:
    """Delivery health of notifications: totals and per template."""
    totals = await conn.fetchrow(_NOTIFICATION_HEALTH)
    return {
        "totals": {k: int(v) for k, v in dict(totals).items()},
        "by_template": [dict(r) for r in await conn.fetch(_NOTIFICATIONS_BY_TEMPLATE)],
    }

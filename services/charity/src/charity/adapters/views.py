"""Read side: the state documents the HTTP API returns, straight from SQL."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from charity.adapters.ledger import PostgresLedger
from charity.domain.allocations import LOTTERY_STAGES, OTHER_STAGES, STAGE_ROLE

Doc = dict[str, Any]

_FUND = "SELECT id, code, source_type, fiscal_year, opened_at, version FROM funds WHERE id = $1"
_FUND_IDS = "SELECT id FROM funds ORDER BY opened_at, code"
_LEDGER = """
SELECT seq, kind, amount_minor, currency, from_account, to_account, allocation_id,
       disbursement_id, donation_id, project_id, reference, occurred_at
FROM ledger_entries WHERE fund_id = $1 AND seq > $2 ORDER BY seq LIMIT $3
"""
_PROJECT = """
SELECT id, code, name, brand, kind, purpose, in_project_library, registered_at,
       version AS aggregate_version
FROM projects
"""
_DONATION = """
SELECT id, receipt_no, fund_id, donor_id, donor_type, anonymous, donor_display_name, kind,
       amount_minor, 'CNY' AS currency, items, designated_project_id, received_at,
       version AS aggregate_version
FROM donations WHERE id = $1
"""
_ALLOCATION = """
SELECT id, code, fund_id, project_id, amount_minor, 'CNY' AS currency, valid_until, requester_id,
       expense_class, lottery, status, created_at, submitted_at, decided_at, closed_at, version
FROM allocations
"""
_DECISIONS = """
SELECT stage, decision, approver_id, reason_code, decided_at FROM allocation_decisions
WHERE allocation_id = $1
"""
_DISBURSEMENT = """
SELECT id, allocation_id, fund_id, project_id, beneficiary_id, kind, amount_minor,
       'CNY' AS currency, items, round_code, payee_account_token, status, attempt, requested_at,
       settled_at, settlement_ref, last_reason, version AS aggregate_version
FROM disbursements
"""
_RECONCILIATION = """
SELECT id, allocation_id, period_end_on, expected_minor, confirmed_minor, discrepancy_count,
       completed_at, version AS aggregate_version
FROM reconciliations WHERE id = $1
"""
_DISCREPANCIES = """
SELECT kind, reference, disbursement_id, expected_minor, confirmed_minor
FROM reconciliation_discrepancies WHERE reconciliation_id = $1 ORDER BY line
"""
_SESSION = """
SELECT id, project_id, provider_person_id, held_on, child_count, minutes, recorded_at,
       version AS aggregate_version
FROM child_care_sessions WHERE id = $1
"""
_SESSION_CHILDREN = """
SELECT beneficiary_id FROM child_care_session_children WHERE session_id = $1 ORDER BY beneficiary_id
"""
_PERSON_TIMES = """
SELECT count(*) AS sessions, coalesce(sum(child_count), 0) AS person_times,
       coalesce(sum(minutes), 0) AS minutes
FROM child_care_sessions
WHERE held_on BETWEEN $1 AND $2 AND ($3::uuid IS NULL OR project_id = $3)
"""
# Every internal account summed from the entries, beside the trigger-kept cache.
_TRIAL_BALANCE = """
WITH moves AS (
    SELECT to_account AS account, amount_minor AS amount FROM ledger_entries
    UNION ALL SELECT from_account, -amount_minor FROM ledger_entries
), derived AS (SELECT account, sum(amount) AS balance FROM moves GROUP BY account)
SELECT coalesce(d.account, c.account) AS account, coalesce(d.balance, 0) AS derived,
       coalesce(c.balance_minor, 0) AS cached
FROM derived d FULL JOIN account_balances c ON c.account = d.account
WHERE coalesce(d.account, c.account) NOT LIKE 'external:%'
"""
_TOTALS = "SELECT count(*) AS entries, coalesce(sum(amount_minor), 0) AS moved FROM ledger_entries"


async def fund(conn: asyncpg.Connection, fund_id: UUID) -> Doc | None:
    """A fund with its balances derived from the ledger."""
    row = await conn.fetchrow(_FUND, fund_id)
    if row is None:
        return None
    balance = await PostgresLedger(conn).fund_balance(fund_id)
    doc = dict(row)
    doc["aggregate_version"] = doc.pop("version")
    doc.update(
        currency="CNY",
        credited_minor=balance.credited_minor,
        donated_minor=balance.donated_minor,
        allocated_minor=balance.allocated_minor,
        released_minor=balance.released_minor,
        available_minor=balance.available_minor,
        undesignated_minor=balance.undesignated_minor,
        designated_minor={str(k): v for k, v in sorted(balance.designated_minor.items())},
    )
    return doc


async def funds(conn: asyncpg.Connection) -> list[Doc]:
    """Every fund."""
    found = [await fund(conn, r["id"]) for r in await conn.fetch(_FUND_IDS)]
    return [f for f in found if f is not None]


async def fund_ledger(
    conn: asyncpg.Connection, fund_id: UUID, *, after: int, limit: int
) -> list[Doc]:
    """A fund's entries in order, a page at a time."""
    return [dict(r) for r in await conn.fetch(_LEDGER, fund_id, after, limit)]


async def project(conn: asyncpg.Connection, project_id: UUID) -> Doc | None:
    """One project."""
    row = await conn.fetchrow(_PROJECT + " WHERE id = $1", project_id)
    return None if row is None else dict(row)


async def projects(conn: asyncpg.Connection) -> list[Doc]:
    """Every project."""
    return [dict(r) for r in await conn.fetch(_PROJECT + " ORDER BY code")]


async def donation(conn: asyncpg.Connection, donation_id: UUID) -> Doc | None:
    """One donation (the donor only as an opaque id)."""
    row = await conn.fetchrow(_DONATION, donation_id)
    return None if row is None else dict(row)


async def allocation(conn: asyncpg.Connection, allocation_id: UUID) -> Doc | None:
    """An allocation with its stages and its balances derived from the ledger."""
    row = await conn.fetchrow(_ALLOCATION + " WHERE id = $1", allocation_id)
    return None if row is None else await _allocation_doc(conn, dict(row))


async def allocations(conn: asyncpg.Connection, *, status: str | None) -> list[Doc]:
    """Allocations, optionally of one status."""
    sql = _ALLOCATION + " WHERE ($1::text IS NULL OR status = $1) ORDER BY created_at, code"
    return [await _allocation_doc(conn, dict(r)) for r in await conn.fetch(sql, status)]


async def _allocation_doc(conn: asyncpg.Connection, doc: Doc) -> Doc:
    decided = {r["stage"]: dict(r) for r in await conn.fetch(_DECISIONS, doc["id"])}
    stages = LOTTERY_STAGES if doc.pop("lottery") else OTHER_STAGES
    doc["stages"] = [
        {"stage": s.value, "required_role": STAGE_ROLE[s], **_decision(decided.get(s.value))}
        for s in stages
    ]
    pending = [s["stage"] for s in doc["stages"] if s["decision"] is None]
    doc["next_stage"] = pending[0] if pending and doc["status"] == "SUBMITTED" else None
    balance = await PostgresLedger(conn).allocation_balance(doc["id"], doc["amount_minor"])
    # Before approval nothing is earmarked, so nothing can be disbursed yet.
    approved = doc["status"] in ("APPROVED", "CLOSED")
    doc.update(
        reserved_minor=balance.reserved_minor,
        disbursed_minor=balance.disbursed_minor,
        released_minor=balance.released_minor,
        remaining_minor=balance.remaining_minor if approved else 0,
        aggregate_version=doc.pop("version"),
    )
    return doc


def _decision(row: Doc | None) -> Doc:
    keys = ("decision", "approver_id", "reason_code", "decided_at")
    return {k: (row or {}).get(k) for k in keys}


async def disbursement(conn: asyncpg.Connection, disbursement_id: UUID) -> Doc | None:
    """One disbursement."""
    row = await conn.fetchrow(_DISBURSEMENT + " WHERE id = $1", disbursement_id)
    return None if row is None else dict(row)


async def disbursements_of(
    conn: asyncpg.Connection, allocation_id: UUID, *, status: str | None
) -> list[Doc]:
    """An allocation's disbursements, optionally of one status."""
    where = " WHERE allocation_id = $1 AND ($2::text IS NULL OR status = $2)"
    sql = _DISBURSEMENT + where + " ORDER BY requested_at, id"
    return [dict(r) for r in await conn.fetch(sql, allocation_id, status)]


async def reconciliation(conn: asyncpg.Connection, reconciliation_id: UUID) -> Doc | None:
    """A reconciliation and its discrepancies."""
    row = await conn.fetchrow(_RECONCILIATION, reconciliation_id)
    if row is None:
        return None
    doc = dict(row)
    doc["discrepancies"] = [dict(r) for r in await conn.fetch(_DISCREPANCIES, reconciliation_id)]
    return doc


async def session(conn: asyncpg.Connection, session_id: UUID, *, with_children: bool) -> Doc | None:
    """A session; the children's ids only for the caseworker who may see them."""
    row = await conn.fetchrow(_SESSION, session_id)
    if row is None:
        return None
    doc = dict(row)
    if with_children:
        rows = await conn.fetch(_SESSION_CHILDREN, session_id)
        doc["child_beneficiary_ids"] = [r["beneficiary_id"] for r in rows]
    return doc


async def person_times(
    conn: asyncpg.Connection, *, first: date, last: date, project_id: UUID | None
) -> Doc:
    """Sessions, person-times (人次 = Σ child_count) and minutes between two local dates."""
    row = await conn.fetchrow(_PERSON_TIMES, first, last, project_id)
    return {k: int(row[k]) if row else 0 for k in ("sessions", "person_times", "minutes")}


async def ledger_check(conn: asyncpg.Connection) -> Doc:
    """Does the ledger balance: no internal account negative, the cache equal to the entries."""
    rows = await conn.fetch(_TRIAL_BALANCE)
    totals = await conn.fetchrow(_TOTALS) or {"entries": 0, "moved": 0}
    mismatched = [r["account"] for r in rows if r["derived"] != r["cached"]]
    negative = [r["account"] for r in rows if r["derived"] < 0]
    return {
        "balanced": not mismatched and not negative,
        "entries": int(totals["entries"]),
        "moved_minor": int(totals["moved"]),
        "accounts": len(rows),
        "mismatched_accounts": mismatched,
        "negative_accounts": negative,
    }

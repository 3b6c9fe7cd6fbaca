"""Writers of the charity projection: funds, donations, projects, allocations, disbursements.

Money is integer fen throughout. Disbursement statuses: REQUESTED → PAID | DELIVERED, or
FAILED → (retried) REQUESTED, or CANCELLED; ``settled_on`` is the local date of payment/delivery.
"""

from __future__ import annotations

from typing import Any

from shared.clock import local_date
from shared.events import charity as ev
from shared.events.envelope import CloudEvent
from views.adapters.writing import Writers

W = Writers()


async def _update(conn: Any, table: str, key: str, env: CloudEvent, sets: str, *args: Any) -> None:
    """Apply ``sets`` ($3… are ``args``) to the row of ``env.subject`` if the event is newer."""
    sql = f"UPDATE {table} SET {sets}, version = $2 WHERE {key} = $1 AND version < $2"  # noqa: S608 - fixed fragments
    await conn.execute(sql, env.subject, env.aggregateversion, *args)


@W.on(ev.FundOpened)
async def on_fund_opened(conn: Any, e: ev.FundOpened, env: CloudEvent) -> None:
    """A fund (a year's welfare-lottery fund, donations, fiscal)."""
    await conn.execute(
        "INSERT INTO p_funds (fund_id, code, source_type, fiscal_year, version)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        e.fund_id,
        e.code,
        e.source_type,
        e.fiscal_year,
        env.aggregateversion,
    )


@W.on(ev.FundCredited)
async def on_fund_credited(conn: Any, e: ev.FundCredited, env: CloudEvent) -> None:
    """Money into a fund: a fact per event."""
    await conn.execute(
        "INSERT INTO p_fund_credits (event_id, fund_id, amount_minor, credited_on, reference)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        env.id,
        e.fund_id,
        e.amount_minor,
        local_date(e.credited_at),
        e.reference,
    )
    await _update(conn, "p_funds", "fund_id", env, "code = code")


@W.on(ev.DonationReceived)
async def on_donation(conn: Any, e: ev.DonationReceived, env: CloudEvent) -> None:
    """A donation (donors are never named here)."""
    await conn.execute(
        "INSERT INTO p_donations (donation_id, fund_id, donor_type, kind, amount_minor,"
        " designated_project_id, received_on) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT DO NOTHING",
        e.donation_id,
        e.fund_id,
        e.donor_type,
        e.kind,
        e.amount_minor,
        e.designated_project_id,
        local_date(e.received_at),
    )


@W.on(ev.ProjectRegistered)
async def on_project(conn: Any, e: ev.ProjectRegistered, env: CloudEvent) -> None:
    """A project of the project library."""
    await conn.execute(
        "INSERT INTO p_projects (project_id, code, name, brand, kind, purpose,"
        " in_project_library, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT DO NOTHING",
        e.project_id,
        e.code,
        e.name,
        e.brand,
        e.kind,
        e.purpose,
        e.in_project_library,
        env.aggregateversion,
    )


@W.on(ev.BeneficiaryRegistered)
async def on_beneficiary(conn: Any, e: ev.BeneficiaryRegistered, env: CloudEvent) -> None:
    """A beneficiary, linked to an elder or a site where it is one."""
    await conn.execute(
        "INSERT INTO p_beneficiaries (beneficiary_id, kind, elder_id, institution_id, county_code,"
        " status, registered_on, version) VALUES ($1, $2, $3, $4, $5, 'ACTIVE', $6, $7)"
        " ON CONFLICT DO NOTHING",
        e.beneficiary_id,
        e.kind,
        e.elder_id,
        e.institution_id,
        e.county_code,
        local_date(e.registered_at),
        env.aggregateversion,
    )


@W.on(ev.BeneficiaryEnrolled)
async def on_enrolled(conn: Any, e: ev.BeneficiaryEnrolled, env: CloudEvent) -> None:
    """A beneficiary enrolled in a project."""
    await conn.execute(
        "INSERT INTO p_beneficiary_enrolments (beneficiary_id, project_id, enrolled_on)"
        " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        e.beneficiary_id,
        e.project_id,
        local_date(e.enrolled_at),
    )
    await _update(conn, "p_beneficiaries", "beneficiary_id", env, "status = status")


@W.on(ev.BeneficiaryDeactivated)
async def on_beneficiary_off(conn: Any, e: ev.BeneficiaryDeactivated, env: CloudEvent) -> None:
    """A beneficiary no longer receives."""
    await _update(conn, "p_beneficiaries", "beneficiary_id", env, "status = 'INACTIVE'")


@W.on(ev.AllocationSubmitted)
async def on_allocation_submitted(conn: Any, e: ev.AllocationSubmitted, env: CloudEvent) -> None:
    """An allocation awaiting approval."""
    await conn.execute(
        "INSERT INTO p_allocations (allocation_id, code, fund_id, project_id, amount_minor,"
        " status, submitted_on, version) VALUES ($1, $2, $3, $4, $5, 'SUBMITTED', $6, $7)"
        " ON CONFLICT DO NOTHING",
        e.allocation_id,
        e.code,
        e.fund_id,
        e.project_id,
        e.amount_minor,
        local_date(e.submitted_at),
        env.aggregateversion,
    )


@W.on(ev.AllocationStageApproved)
async def on_stage_approved(conn: Any, e: ev.AllocationStageApproved, env: CloudEvent) -> None:
    """One approval stage passed."""
    await _update(
        conn, "p_allocations", "allocation_id", env, "stages_approved = stages_approved + 1"
    )


@W.on(ev.AllocationApproved)
async def on_allocation_approved(conn: Any, e: ev.AllocationApproved, env: CloudEvent) -> None:
    """Approved: the money may be disbursed."""
    await _update(
        conn,
        "p_allocations",
        "allocation_id",
        env,
        "status = 'APPROVED', approved_on = $3, amount_minor = $4",
        local_date(e.approved_at),
        e.amount_minor,
    )


@W.on(ev.AllocationRejected)
async def on_allocation_rejected(conn: Any, e: ev.AllocationRejected, env: CloudEvent) -> None:
    """Rejected at a stage."""
    await _update(conn, "p_allocations", "allocation_id", env, "status = 'REJECTED'")


@W.on(ev.AllocationClosed)
async def on_allocation_closed(conn: Any, e: ev.AllocationClosed, env: CloudEvent) -> None:
    """Closed, releasing its unused remainder."""
    await _update(
        conn,
        "p_allocations",
        "allocation_id",
        env,
        "status = 'CLOSED', released_minor = $3, closed_on = $4",
        e.released_minor,
        local_date(e.closed_at),
    )


@W.on(ev.DisbursementRequested)
async def on_disbursement_requested(
    conn: Any, e: ev.DisbursementRequested, env: CloudEvent
) -> None:
    """A payment or delivery requested (reserved against its allocation)."""
    await conn.execute(
        "INSERT INTO p_disbursements (disbursement_id, allocation_id, fund_id, project_id,"
        " beneficiary_id, kind, amount_minor, round_code, status, requested_on, version)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'REQUESTED', $9, $10) ON CONFLICT DO NOTHING",
        e.disbursement_id,
        e.allocation_id,
        e.fund_id,
        e.project_id,
        e.beneficiary_id,
        e.kind,
        e.amount_minor,
        e.round_code,
        local_date(e.requested_at),
        env.aggregateversion,
    )


async def _disbursement(conn: Any, env: CloudEvent, sets: str, *args: Any) -> None:
    await _update(conn, "p_disbursements", "disbursement_id", env, sets, *args)


@W.on(ev.DisbursementPaid)
async def on_paid(conn: Any, e: ev.DisbursementPaid, env: CloudEvent) -> None:
    """Paid (cash) on its local date."""
    await _disbursement(
        conn,
        env,
        "status = 'PAID', settled_on = $3, amount_minor = $4",
        local_date(e.paid_at),
        e.amount_minor,
    )


@W.on(ev.DisbursementDelivered)
async def on_delivered(conn: Any, e: ev.DisbursementDelivered, env: CloudEvent) -> None:
    """Delivered (in kind) on its local date."""
    await _disbursement(
        conn,
        env,
        "status = 'DELIVERED', settled_on = $3, amount_minor = $4",
        local_date(e.delivered_at),
        e.amount_minor,
    )


@W.on(ev.DisbursementFailed)
async def on_failed(conn: Any, e: ev.DisbursementFailed, env: CloudEvent) -> None:
    """An attempt failed (the reservation stays)."""
    await _disbursement(conn, env, "status = 'FAILED', attempts = $3", e.attempt)


@W.on(ev.DisbursementRetried)
async def on_retried(conn: Any, e: ev.DisbursementRetried, env: CloudEvent) -> None:
    """Requested again."""
    await _disbursement(conn, env, "status = 'REQUESTED', attempts = $3", e.attempt)


@W.on(ev.DisbursementCancelled)
async def on_cancelled(conn: Any, e: ev.DisbursementCancelled, env: CloudEvent) -> None:
    """Cancelled: never counts as disbursed."""
    await _disbursement(conn, env, "status = 'CANCELLED'")


@W.on(ev.ReconciliationCompleted)
async def on_reconciled(conn: Any, e: ev.ReconciliationCompleted, env: CloudEvent) -> None:
    """A reconciliation (a fact)."""
    await conn.execute(
        "INSERT INTO p_reconciliations (reconciliation_id, allocation_id, period_end_on,"
        " expected_minor, confirmed_minor, discrepancy_count) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT DO NOTHING",
        e.reconciliation_id,
        e.allocation_id,
        e.period_end_on,
        e.expected_minor,
        e.confirmed_minor,
        e.discrepancy_count,
    )


@W.on(ev.ChildCareSessionDelivered)
async def on_child_care(conn: Any, e: ev.ChildCareSessionDelivered, env: CloudEvent) -> None:
    """A child-care session with its head count (children are never identified)."""
    await conn.execute(
        "INSERT INTO p_child_care_sessions (session_id, project_id, held_on, child_count, minutes)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        e.session_id,
        e.project_id,
        e.held_on,
        e.child_count,
        e.minutes,
    )

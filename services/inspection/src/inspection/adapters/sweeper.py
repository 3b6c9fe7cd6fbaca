"""Running the sweepers: candidates from SQL, then one small transaction per aggregate."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date, timedelta

import asyncpg

from inspection.adapters.unit_of_work import unit_of_work
from inspection.service_layer import sweeps
from inspection.service_layer.ports import Context, UnitOfWork

Step = Callable[[uuid.UUID, UnitOfWork, Context], Awaitable[int]]

_APPROACHING = """
SELECT id FROM hazards
WHERE status = 'IN_RECTIFICATION' AND deadline_on BETWEEN $1 AND $2
  AND approaching_for IS DISTINCT FROM deadline_on
ORDER BY deadline_on, id
"""
_PAST_DEADLINE = """
SELECT id FROM hazards
WHERE status IN ('REPORTED', 'IN_RECTIFICATION') AND deadline_on < $1 AND escalation_level < 2
ORDER BY deadline_on, id
"""
_ACTIVE_LEADERS = "SELECT id FROM leaders WHERE status = 'ACTIVE' ORDER BY id"
_RECORD_RUN = """
INSERT INTO sweep_runs (name, run_on, ran_at, emitted) VALUES ($1, $2, $3, $4)
ON CONFLICT (name, run_on) DO UPDATE
SET ran_at = EXCLUDED.ran_at, emitted = sweep_runs.emitted + EXCLUDED.emitted
"""
_LAST_DAILY_RUN = "SELECT max(run_on) FROM sweep_runs WHERE name = 'daily'"

_STEPS: dict[str, Step] = {
    sweeps.APPROACHING: sweeps.remind_approaching,
    sweeps.HAZARD_DEADLINES: sweeps.escalate_overdue,
    sweeps.CADENCE: sweeps.judge_cadence,
}


async def _candidates(pool: asyncpg.Pool, name: str, ctx: Context) -> list[uuid.UUID]:
    today = ctx.today
    if name == sweeps.APPROACHING:
        horizon = today + timedelta(days=ctx.policy.reminder_days)
        rows = await pool.fetch(_APPROACHING, today, horizon)
    elif name == sweeps.HAZARD_DEADLINES:
        rows = await pool.fetch(_PAST_DEADLINE, today)
    else:
        rows = await pool.fetch(_ACTIVE_LEADERS)
    return [row["id"] for row in rows]


async def run_sweep(pool: asyncpg.Pool, name: str, ctx: Context, *, schema: str) -> int:
    """Run one sweeper for the context's local day; returns how many events it emitted."""
    step = _STEPS[name]
    emitted = 0
    for item_id in await _candidates(pool, name, ctx):
        async with unit_of_work(pool, ctx, schema=schema) as uow:
            emitted += await step(item_id, uow, ctx)
    await pool.execute(_RECORD_RUN, name, ctx.today, ctx.now, emitted)
    return emitted


async def run_daily(pool: asyncpg.Pool, ctx: Context, *, schema: str) -> dict[str, int]:
    """Every sweeper, in the order the demo loader uses, and the day marked as swept."""
    result = {name: await run_sweep(pool, name, ctx, schema=schema) for name in sweeps.SWEEPS}
    await pool.execute(_RECORD_RUN, "daily", ctx.today, ctx.now, sum(result.values()))
    return result


async def last_daily_run(pool: asyncpg.Pool) -> date | None:
    """The latest local day the daily sweep ran for."""
    value: date | None = await pool.fetchval(_LAST_DAILY_RUN)
    return value

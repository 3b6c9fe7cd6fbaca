"""Demo-mode admin route: run a sweeper now, on the service's clock."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel

from inspection.adapters.sweeper import run_daily, run_sweep
from inspection.bootstrap import context
from inspection.entrypoints.http.roles import role
from shared.http.auth import Principal
from shared.http.problems import Problem, problem_responses
from shared.service import runtime_of

router = APIRouter(prefix="/_admin", tags=["演示 demo"])

SweepName = Literal["approaching", "hazard-deadlines", "cadence", "all"]


class SweepResult(BaseModel):
    """What a sweep emitted, per sweeper, for the local day it ran for."""

    run_on: date
    emitted: dict[str, int]


@router.post(
    "/sweeps/{name}",
    response_model=SweepResult,
    summary="立即运行定时任务（仅演示模式）",
    responses=problem_responses(401, 403, 404, 422),
)
async def run_sweeper(
    name: SweepName, request: Request, _: Annotated[Principal, role("run_sweep")]
) -> SweepResult:
    """Run a sweeper (approaching, hazard-deadlines, cadence, or all); each event fires once."""
    runtime = runtime_of(request)
    if not runtime.settings.demo_mode:
        raise Problem(404, "not_found", "仅在演示模式（DEMO_MODE=1）下提供")
    # Sweep events are the system's, whoever triggers them: same events as the daily run.
    ctx = context(runtime, None)
    schema = runtime.settings.schema_name
    if name == "all":
        emitted = await run_daily(runtime.pool, ctx, schema=schema)
    else:
        emitted = {name: await run_sweep(runtime.pool, name, ctx, schema=schema)}
    return SweepResult(run_on=ctx.today, emitted=emitted)

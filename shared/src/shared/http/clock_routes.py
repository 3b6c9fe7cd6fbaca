"""Demo-mode admin routes to read and move the service's simulated clock."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import AwareDatetime, BaseModel, BeforeValidator

from shared.clock import SimulatedClock
from shared.http.auth import Principal, require
from shared.http.problems import Problem, problem_responses

router = APIRouter(prefix="/_admin", tags=["演示 demo"])
Admin = Annotated[Principal, Depends(require("admin"))]


class ClockState(BaseModel):
    """The service's notion of now."""

    now: datetime
    simulated: bool


def _iso_text(value: object) -> object:
    # Pydantic would read a number as Unix seconds; the document says an ISO 8601 string.
    if not isinstance(value, str | datetime):
        raise ValueError("now must be an ISO 8601 date-time with an offset")
    return value


class SetClock(BaseModel):
    """Move the simulated clock to an instant."""

    now: Annotated[AwareDatetime, BeforeValidator(_iso_text)]


@router.get("/clock", response_model=ClockState, responses=problem_responses(401, 403))
async def get_clock(request: Request, _: Admin) -> ClockState:
    """What time the service thinks it is."""
    clock = request.app.state.runtime.clock
    return ClockState(now=clock.now(), simulated=isinstance(clock, SimulatedClock))


@router.post("/clock", response_model=ClockState, responses=problem_responses(401, 403, 409, 422))
async def set_clock(request: Request, body: SetClock, _: Admin) -> ClockState:
    """Set the simulated clock (demo mode only)."""
    clock = request.app.state.runtime.clock
    if not isinstance(clock, SimulatedClock):
        raise Problem(409, "clock_not_simulated", "该服务使用真实时钟，不能调整")
    clock.set(body.now)
    return ClockState(now=clock.now(), simulated=True)

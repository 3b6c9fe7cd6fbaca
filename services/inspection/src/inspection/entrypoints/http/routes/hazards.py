"""Routes of hazards (隐患) and their rectification."""

from __future__ import annotations

import dataclasses
import functools
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from inspection.adapters import queries
from inspection.domain import commands as cmds
from inspection.domain.hazards import OVERDUE_STATUSES, VERIFIED, Hazard, Plan
from inspection.entrypoints.http.commanding import execute
from inspection.entrypoints.http.roles import Reader, role
from inspection.entrypoints.http.routes.reading import one
from inspection.entrypoints.http.schemas.common import FilterCode, Limit, Offset, site_id_of
from inspection.entrypoints.http.schemas.inspections import (
    AssignRequest,
    ExtendRequest,
    FoundHazardRequest,
    HazardResponse,
    SelfReportedHazardRequest,
    SubmitRequest,
    VerifyRequest,
)
from inspection.service_layer.handlers import hazards as handlers
from inspection.service_layer.ports import Context, UnitOfWork
from shared.clock import local_date
from shared.http.auth import Principal
from shared.http.problems import problem_responses
from shared.service import runtime_of

router = APIRouter(tags=["隐患 hazards"])
TABLE = "hazards"
ERRORS = problem_responses(401, 403, 404, 409, 422)


def _renderer(request: Request) -> Callable[[Hazard], HazardResponse]:
    today = local_date(runtime_of(request).clock.now())

    def render_hazard(hazard: Hazard) -> HazardResponse:
        values = dataclasses.asdict(hazard)
        values["aggregate_version"] = values.pop("version")
        return HazardResponse.model_validate({**values, "overdue": hazard.is_overdue(today)})

    return render_hazard


async def _command(
    request: Request,
    who: Principal,
    scope: str,
    body: BaseModel,
    run: Callable[[UnitOfWork, Context], Awaitable[Hazard]],
    status_code: int = 200,
) -> JSONResponse:
    return await execute(
        request,
        who,
        scope=scope,
        payload=body,
        run=run,
        render=_renderer(request),
        status_code=status_code,
    )


def _report(body: FoundHazardRequest, inspection_id: uuid.UUID | None) -> cmds.ReportHazard:
    own = body if isinstance(body, SelfReportedHazardRequest) else None
    return cmds.ReportHazard(
        id=body.id or uuid.uuid4(),
        inspection_id=inspection_id,
        site_id=site_id_of(own.site_id) if own else None,
        campaign_id=own.campaign_id if own else None,
        category=body.category,
        level=body.level,
        major_basis=body.major_basis,
        description=body.description,
        photo_ids=tuple(body.photo_ids),
        found_at=body.found_at,
        found_by=body.found_by,
    )


@router.post(
    "/inspections/{inspection_id}/hazards",
    status_code=201,
    response_model=HazardResponse,
    summary="登记检查发现的隐患",
    responses=ERRORS,
)
async def report_found_hazard(
    inspection_id: uuid.UUID,
    body: FoundHazardRequest,
    request: Request,
    who: Annotated[Principal, role("report_hazard")],
) -> JSONResponse:
    """Report a hazard an inspection found: emits HazardReported.

    Refusals: 409 inspection_closed after 24 h, 409 site_inactive, 422 pii_in_free_text /
    major_basis_required.
    """
    cmd = _report(body, inspection_id)
    run = functools.partial(handlers.report_hazard, cmd)
    return await _command(request, who, "report_hazard", body, run, 201)


@router.post(
    "/hazards",
    status_code=201,
    response_model=HazardResponse,
    summary="机构自报隐患",
    responses=ERRORS,
)
async def self_report_hazard(
    body: SelfReportedHazardRequest,
    request: Request,
    who: Annotated[Principal, role("self_report_hazard")],
) -> JSONResponse:
    """Self-report a hazard: emits HazardReported (422 unknown_reference, 409 site_inactive)."""
    run = functools.partial(handlers.report_hazard, _report(body, None))
    return await _command(request, who, "self_report_hazard", body, run, 201)


@router.post(
    "/hazards/{hazard_id}/assign",
    response_model=HazardResponse,
    summary="下达整改（五定）",
    responses=ERRORS,
)
async def assign_rectification(
    hazard_id: uuid.UUID,
    body: AssignRequest,
    request: Request,
    who: Annotated[Principal, role("assign_rectification")],
) -> JSONResponse:
    """Assign the 五定 plan: emits HazardRectificationAssigned.

    Refusals: 422 wuding_incomplete / deadline_in_past / deadline_too_far / invalid_amount, 409
    invalid_state.
    """
    plan = Plan(**body.model_dump())
    cmd = cmds.AssignRectification(id=hazard_id, plan=plan)
    run = functools.partial(handlers.assign_rectification, cmd)
    return await _command(request, who, "assign_rectification", body, run)


@router.post(
    "/hazards/{hazard_id}/extend",
    response_model=HazardResponse,
    summary="延长整改期限",
    responses=ERRORS,
)
async def extend_deadline(
    hazard_id: uuid.UUID,
    body: ExtendRequest,
    request: Request,
    who: Annotated[Principal, role("extend_deadline")],
) -> JSONResponse:
    """Extend: emits HazardDeadlineExtended.

    Refusals: 403 needs_safety_lead when late or repeated, 422 deadline_in_past /
    deadline_not_later / deadline_too_far.
    """
    cmd = cmds.ExtendDeadline(
        id=hazard_id, new_deadline_on=body.new_deadline_on, reason=body.reason
    )
    run = functools.partial(handlers.extend_deadline, cmd)
    return await _command(request, who, "extend_deadline", body, run)


@router.post(
    "/hazards/{hazard_id}/submit",
    response_model=HazardResponse,
    summary="提交整改",
    responses=ERRORS,
)
async def submit_rectification(
    hazard_id: uuid.UUID,
    body: SubmitRequest,
    request: Request,
    who: Annotated[Principal, role("submit_rectification")],
) -> JSONResponse:
    """Submit: emits HazardRectificationSubmitted (422 evidence_required, 409 invalid_state)."""
    cmd = cmds.SubmitRectification(
        id=hazard_id, evidence_ids=tuple(body.evidence_ids), note=body.note
    )
    run = functools.partial(handlers.submit_rectification, cmd)
    return await _command(request, who, "submit_rectification", body, run)


@router.post(
    "/hazards/{hazard_id}/verify",
    response_model=HazardResponse,
    summary="验收整改",
    responses=ERRORS,
)
async def verify_rectification(
    hazard_id: uuid.UUID,
    body: VerifyRequest,
    request: Request,
    who: Annotated[Principal, role("verify_rectification")],
) -> JSONResponse:
    """Verify: emits HazardRectificationVerified.

    Refusals: PASS) or ...Rejected (FAIL) (422 segregation_of_duties, 403
    verifier_not_authorized, 409 invalid_state.
    """
    cmd = cmds.VerifyRectification(
        id=hazard_id, passed=body.result == "PASS", verifier_id=body.verifier_id, note=body.note
    )
    run = functools.partial(handlers.verify_rectification, cmd)
    return await _command(request, who, "verify_rectification", body, run)


@router.get(
    "/hazards",
    response_model=list[HazardResponse],
    summary="隐患台账",
    responses=problem_responses(401, 403, 422),
)
async def list_hazards(  # noqa: PLR0913 - query filters
    request: Request,
    _: Reader,
    status: FilterCode = None,
    site_id: uuid.UUID | None = None,
    level: FilterCode = None,
    open: bool | None = None,
    overdue: bool | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[HazardResponse]:
    """The hazard ledger (隐患整改台账), filtered.

    ``open`` = not VERIFIED; ``overdue`` = past its deadline (local date) while REPORTED or
    IN_RECTIFICATION.
    """
    today = local_date(runtime_of(request).clock.now())
    filters: list[queries.Filter] = [
        ("status = {}", status),
        ("site_id = {}", site_id),
        ("level = {}", level),
    ]
    if open is not None:
        filters.append(("status <> {}" if open else "status = {}", VERIFIED))
    if overdue is not None:
        late = "(status = ANY({}) AND deadline_on IS NOT NULL AND deadline_on < {})"
        filters.append((late if overdue else f"NOT {late}", (list(OVERDUE_STATUSES), today)))
    items = await queries.fetch_many(
        runtime_of(request).pool,
        TABLE,
        Hazard,
        filters=filters,
        order_by="found_at, hazard_no",
        limit=limit,
        offset=offset,
    )
    render_hazard = _renderer(request)
    return [render_hazard(item) for item in items]


@router.get(
    "/hazards/{hazard_id}",
    response_model=HazardResponse,
    summary="隐患详情",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_hazard(hazard_id: uuid.UUID, request: Request, _: Reader) -> HazardResponse:
    """One hazard with its rectification record."""
    return _renderer(request)(await one(request, TABLE, Hazard, hazard_id, "隐患"))

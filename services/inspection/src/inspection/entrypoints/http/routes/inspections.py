"""Routes of inspections (安全检查)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from inspection.adapters import queries
from inspection.domain import commands as cmds
from inspection.domain.inspections import Inspection
from inspection.entrypoints.http.commanding import execute
from inspection.entrypoints.http.roles import Reader, role
from inspection.entrypoints.http.routes.reading import one
from inspection.entrypoints.http.schemas.common import FilterCode, Limit, Offset, render, site_id_of
from inspection.entrypoints.http.schemas.inspections import (
    CancelRequest,
    CompleteInspectionRequest,
    InspectionResponse,
    ScheduleInspectionRequest,
)
from inspection.service_layer.handlers import inspections as handlers
from shared.http.auth import Principal
from shared.http.problems import problem_responses
from shared.service import runtime_of

router = APIRouter(prefix="/inspections", tags=["安全检查 inspections"])
TABLE = "inspections"


def _render(inspection: Inspection) -> InspectionResponse:
    return render(InspectionResponse, inspection)


@router.post(
    "",
    status_code=201,
    response_model=InspectionResponse,
    summary="安排检查",
    responses=problem_responses(401, 403, 409, 422),
)
async def schedule_inspection(
    body: ScheduleInspectionRequest,
    request: Request,
    who: Annotated[Principal, role("schedule_inspection")],
) -> JSONResponse:
    """Schedule: emits InspectionScheduled.

    Refusals: 422 unknown_reference / campaign_not_running / wrong_inspector, 409 site_inactive.
    """
    cmd = cmds.ScheduleInspection(
        id=body.id or uuid.uuid4(),
        site_id=site_id_of(body.site_id),
        type=body.type,
        campaign_id=body.campaign_id,
        lead_person_id=body.lead_person_id,
        participant_ids=tuple(body.participant_ids),
        planned_on=body.planned_on,
        announced=body.announced,
        checklist_ref=body.checklist_ref,
    )
    return await execute(
        request,
        who,
        scope="schedule_inspection",
        payload=body,
        run=lambda uow, ctx: handlers.schedule_inspection(cmd, uow, ctx),
        render=_render,
        status_code=201,
    )


@router.post(
    "/{inspection_id}/complete",
    response_model=InspectionResponse,
    summary="完成检查",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def complete_inspection(
    inspection_id: uuid.UUID,
    body: CompleteInspectionRequest,
    request: Request,
    who: Annotated[Principal, role("complete_inspection")],
) -> JSONResponse:
    """Complete: emits InspectionCompleted.

    Refusals: 422 in_future / campaign_not_running / pii_in_free_text, 409 invalid_state.
    """
    cmd = cmds.CompleteInspection(
        id=inspection_id,
        completed_at=body.completed_at,
        participant_ids=None if body.participant_ids is None else tuple(body.participant_ids),
        summary=body.summary,
    )
    return await execute(
        request,
        who,
        scope="complete_inspection",
        payload=body,
        run=lambda uow, ctx: handlers.complete_inspection(cmd, uow, ctx),
        render=_render,
    )


@router.post(
    "/{inspection_id}/cancel",
    response_model=InspectionResponse,
    summary="取消检查",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def cancel_inspection(
    inspection_id: uuid.UUID,
    body: CancelRequest,
    request: Request,
    who: Annotated[Principal, role("cancel_inspection")],
) -> JSONResponse:
    """Cancel: emits InspectionCancelled (409 invalid_state unless SCHEDULED)."""
    cmd = cmds.CancelInspection(id=inspection_id, reason_code=body.reason_code, note=body.note)
    return await execute(
        request,
        who,
        scope="cancel_inspection",
        payload=body,
        run=lambda uow, ctx: handlers.cancel_inspection(cmd, uow, ctx),
        render=_render,
    )


@router.get(
    "",
    response_model=list[InspectionResponse],
    summary="检查列表",
    responses=problem_responses(401, 403, 422),
)
async def list_inspections(  # noqa: PLR0913 - query filters
    request: Request,
    _: Reader,
    status: FilterCode = None,
    site_id: uuid.UUID | None = None,
    campaign_id: uuid.UUID | None = None,
    planned_from: date | None = None,
    planned_to: date | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[InspectionResponse]:
    """Inspections by status, site, campaign and planned date range."""
    items = await queries.fetch_many(
        runtime_of(request).pool,
        TABLE,
        Inspection,
        filters=[
            ("status = {}", status),
            ("site_id = {}", site_id),
            ("campaign_id = {}", campaign_id),
            ("planned_on >= {}", planned_from),
            ("planned_on <= {}", planned_to),
        ],
        order_by="planned_on, inspection_no",
        limit=limit,
        offset=offset,
    )
    return [_render(item) for item in items]


@router.get(
    "/{inspection_id}",
    response_model=InspectionResponse,
    summary="检查详情",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_inspection(
    inspection_id: uuid.UUID, request: Request, _: Reader
) -> InspectionResponse:
    """One inspection."""
    return _render(await one(request, TABLE, Inspection, inspection_id, "检查"))

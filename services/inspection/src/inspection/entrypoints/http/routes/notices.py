"""Routes of work notices (工作提示) and their acknowledgement by each institution."""

from __future__ import annotations

import functools
import uuid
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from inspection.adapters import queries
from inspection.domain import commands as cmds
from inspection.domain.notices import WorkNotice
from inspection.entrypoints.http.commanding import execute
from inspection.entrypoints.http.roles import Reader, role
from inspection.entrypoints.http.routes.reading import one
from inspection.entrypoints.http.schemas.activities import (
    AcknowledgeRequest,
    DraftWorkNoticeRequest,
    WorkNoticeResponse,
)
from inspection.entrypoints.http.schemas.common import FilterCode, Limit, Offset, render
from inspection.service_layer.handlers import notices as handlers
from shared.http.auth import Principal
from shared.http.problems import problem_responses
from shared.service import runtime_of

router = APIRouter(prefix="/work-notices", tags=["工作提示 work notices"])
TABLE = "work_notices"


def _render(notice: WorkNotice) -> WorkNoticeResponse:
    return render(WorkNoticeResponse, notice)


@router.post(
    "",
    status_code=201,
    response_model=WorkNoticeResponse,
    summary="起草工作提示",
    responses=problem_responses(401, 403, 409, 422),
)
async def draft_work_notice(
    body: DraftWorkNoticeRequest,
    request: Request,
    who: Annotated[Principal, role("draft_work_notice")],
) -> JSONResponse:
    """Draft a notice (no event until it is issued)."""
    cmd = cmds.DraftWorkNotice(
        id=body.id or uuid.uuid4(),
        title=body.title,
        content_ref=body.content_ref,
        issuer_person_id=body.issuer_person_id or who.person_id,
        target_site_ids=tuple(body.target_site_ids),
        target_kinds=tuple(body.target_kinds),
        require_ack=body.require_ack,
        ack_due_on=body.ack_due_on,
    )
    run = functools.partial(handlers.draft_work_notice, cmd)
    return await execute(
        request,
        who,
        scope="draft_work_notice",
        payload=body,
        run=run,
        render=_render,
        status_code=201,
    )


@router.post(
    "/{notice_id}/issue",
    response_model=WorkNoticeResponse,
    summary="下发工作提示",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def issue_work_notice(
    notice_id: uuid.UUID,
    request: Request,
    who: Annotated[Principal, role("issue_work_notice")],
) -> JSONResponse:
    """Issue a draft to its targets: emits WorkNoticeIssued with the expanded target sites.

    Refusals: 403 issuer_not_leader, 422 no_targets / invalid_ack_due / unknown_reference,
    409 invalid_state (issued already) / site_inactive.
    """
    cmd = cmds.IssueWorkNotice(id=notice_id)
    run = functools.partial(handlers.issue_work_notice, cmd)
    return await execute(
        request, who, scope="issue_work_notice", payload=None, run=run, render=_render
    )


@router.post(
    "/{notice_id}/acks",
    response_model=WorkNoticeResponse,
    summary="机构签收工作提示",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def acknowledge_work_notice(
    notice_id: uuid.UUID,
    body: AcknowledgeRequest,
    request: Request,
    who: Annotated[Principal, role("acknowledge_work_notice")],
) -> JSONResponse:
    """Acknowledge for a target site: emits WorkNoticeAcknowledged; a repeat is a no-op.

    Refusals: 422 not_a_target, 409 invalid_state (not issued).
    """
    cmd = cmds.AcknowledgeWorkNotice(id=notice_id, site_id=body.site_id)
    run = functools.partial(handlers.acknowledge_work_notice, cmd)
    return await execute(
        request, who, scope="acknowledge_work_notice", payload=body, run=run, render=_render
    )


@router.get(
    "",
    response_model=list[WorkNoticeResponse],
    summary="工作提示列表",
    responses=problem_responses(401, 403, 422),
)
async def list_work_notices(
    request: Request, _: Reader, status: FilterCode = None, limit: Limit = 100, offset: Offset = 0
) -> list[WorkNoticeResponse]:
    """Work notices with their acknowledgements."""
    items = await queries.fetch_many(
        runtime_of(request).pool,
        TABLE,
        WorkNotice,
        filters=[("status = {}", status)],
        order_by="notice_no",
        limit=limit,
        offset=offset,
    )
    return [_render(item) for item in items]


@router.get(
    "/{notice_id}",
    response_model=WorkNoticeResponse,
    summary="工作提示详情",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_work_notice(notice_id: uuid.UUID, request: Request, _: Reader) -> WorkNoticeResponse:
    """One work notice."""
    return _render(await one(request, TABLE, WorkNotice, notice_id, "工作提示"))

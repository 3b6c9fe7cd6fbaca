"""Routes of allocations (资金安排): draft, submit, staged four-eyes approvals, close."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from charity.adapters import views
from charity.adapters.unit_of_work import connection
from charity.domain.allocations import AllocationStatus
from charity.domain.commands import DecideStage, DraftAllocation
from charity.domain.errors import ForbiddenError
from charity.entrypoints.http import responses as r, schemas as s
from charity.entrypoints.http.common import (
    COMMAND_ERRORS,
    READ_ERRORS,
    CharityRoute,
    Doc,
    actor,
    execute,
    read,
)
from charity.entrypoints.http.deps import Approver, Closer, IdempotencyKey, Reader, Requester
from charity.service_layer import allocations as handlers
from shared.service import runtime_of

router = APIRouter(route_class=CharityRoute, tags=["资金安排 allocations"])


@router.post(
    "/allocations",
    status_code=201,
    response_model=r.AllocationResponse,
    responses=COMMAND_ERRORS,
    summary="拟定资金安排（草稿）",
)
async def draft_allocation(
    body: s.DraftAllocationRequest, request: Request, who: Requester, key: IdempotencyKey = None
) -> JSONResponse:
    """Draft an allocation (no event); the caller is the requester. Lottery rules apply now."""
    cmd = DraftAllocation(
        body.id or uuid4(),
        body.code,
        body.fund_id,
        body.project_id,
        body.amount_minor,
        body.valid_until,
        body.expense_class,
        actor(who),
    )
    return await execute(
        request,
        who,
        scope="allocations.draft",
        payload=body,
        idempotency_key=key,
        action=lambda uow: handlers.draft(uow, cmd),
        render=views.allocation,
        status_code=201,
    )


@router.post(
    "/allocations/{allocation_id}/submit",
    response_model=r.AllocationResponse,
    responses=COMMAND_ERRORS,
    summary="提交审批",
)
async def submit_allocation(
    allocation_id: UUID, request: Request, who: Requester, key: IdempotencyKey = None
) -> JSONResponse:
    """Send a draft for approval; emits AllocationSubmitted."""
    return await execute(
        request,
        who,
        scope="allocations.submit",
        payload={"allocation_id": allocation_id},
        idempotency_key=key,
        action=lambda uow: handlers.submit(uow, allocation_id),
        render=views.allocation,
    )


@router.post(
    "/allocations/{allocation_id}/cancel",
    response_model=r.AllocationResponse,
    responses=COMMAND_ERRORS,
    summary="撤销草稿",
)
async def cancel_allocation(
    allocation_id: UUID, request: Request, who: Requester, key: IdempotencyKey = None
) -> JSONResponse:
    """Drop a draft (DRAFT → CANCELLED); nothing was announced, so no event."""
    return await execute(
        request,
        who,
        scope="allocations.cancel",
        payload={"allocation_id": allocation_id},
        idempotency_key=key,
        action=lambda uow: handlers.cancel(uow, allocation_id),
        render=views.allocation,
    )


@router.post(
    "/allocations/{allocation_id}/approvals",
    response_model=r.AllocationResponse,
    responses=COMMAND_ERRORS,
    summary="审批环节决定（四眼原则）",
)
async def decide_stage(
    allocation_id: UUID,
    body: s.DecisionRequest,
    request: Request,
    who: Approver,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Approve or reject a stage (four eyes).

    Emits AllocationStageApproved (+ AllocationApproved after the last stage) or
    AllocationRejected. Never the requester, one stage per person, and the stage's role
    (SECTION_REVIEW / LEADER_APPROVAL: approver; FINANCE_COSIGN: finance_bureau); else 403.
    """
    if body.approver_id is not None and body.approver_id != who.person_id:
        raise ForbiddenError("four_eyes", "审批人须为当前登录的本人（approver_id 与令牌不符）")
    cmd = DecideStage(allocation_id, body.stage, body.decision, actor(who), body.reason_code)
    return await execute(
        request,
        who,
        scope="allocations.decide",
        payload={"allocation_id": allocation_id, "body": body},
        idempotency_key=key,
        action=lambda uow: handlers.decide(uow, cmd),
        render=views.allocation,
    )


@router.post(
    "/allocations/{allocation_id}/close",
    response_model=r.AllocationResponse,
    responses=COMMAND_ERRORS,
    summary="关闭资金安排（余额退回资金池）",
)
async def close_allocation(
    allocation_id: UUID, request: Request, who: Closer, key: IdempotencyKey = None
) -> JSONResponse:
    """Close an approved, reconciled allocation; emits AllocationClosed {released_minor}."""
    return await execute(
        request,
        who,
        scope="allocations.close",
        payload={"allocation_id": allocation_id},
        idempotency_key=key,
        action=lambda uow: handlers.close(uow, allocation_id),
        render=views.allocation,
    )


@router.get(
    "/allocations",
    response_model=list[r.AllocationResponse],
    responses=READ_ERRORS,
    summary="资金安排列表",
)
async def list_allocations(
    request: Request, _: Reader, status: Annotated[AllocationStatus | None, Query()] = None
) -> list[Doc]:
    """Allocations, optionally of one status."""
    async with connection(runtime_of(request).pool) as conn:
        return await views.allocations(conn, status=status)


@router.get(
    "/allocations/{allocation_id}",
    response_model=r.AllocationResponse,
    responses=READ_ERRORS,
    summary="资金安排",
)
async def get_allocation(allocation_id: UUID, request: Request, _: Reader) -> Doc:
    """An allocation with its stages and balances."""
    return await read(request, views.allocation, allocation_id, "资金安排")

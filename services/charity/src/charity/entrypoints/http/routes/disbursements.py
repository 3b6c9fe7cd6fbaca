"""Routes of disbursements (发放): request against an allocation, settle, fail, retry, cancel."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from charity.adapters import views
from charity.adapters.unit_of_work import connection
from charity.domain.commands import RequestDisbursement, SettleDisbursement
from charity.domain.disbursements import DisbursementStatus
from charity.domain.funds import BenefitKind, Item
from charity.entrypoints.http import responses as r, schemas as s
from charity.entrypoints.http.common import (
    COMMAND_ERRORS,
    READ_ERRORS,
    CharityRoute,
    Doc,
    execute,
    read,
)
from charity.entrypoints.http.deps import (
    DeliveryConfirmer,
    DisbursementRequester,
    IdempotencyKey,
    Reader,
    Settler,
)
from charity.service_layer import disbursements as handlers
from shared.service import runtime_of

router = APIRouter(route_class=CharityRoute, tags=["发放 disbursements"])


@router.post(
    "/allocations/{allocation_id}/disbursements",
    status_code=201,
    response_model=r.DisbursementResponse,
    responses=COMMAND_ERRORS,
    summary="申请发放（预留资金）",
)
async def request_disbursement(
    allocation_id: UUID,
    body: s.RequestDisbursementRequest,
    request: Request,
    who: DisbursementRequester,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Request a disbursement; emits DisbursementRequested and reserves the amount.

    Never more than the allocation's remaining balance: checked under the allocation's row
    lock, and the database refuses any overdraw.
    """
    cmd = RequestDisbursement(
        body.id or uuid4(),
        allocation_id,
        body.beneficiary_id,
        body.kind,
        body.amount_minor,
        body.round_code,
        tuple(Item(**i.model_dump()) for i in body.items),
    )
    return await execute(
        request,
        who,
        scope="disbursements.request",
        payload={"allocation_id": allocation_id, "body": body},
        idempotency_key=key,
        action=lambda uow: handlers.request(uow, cmd),
        render=views.disbursement,
        status_code=201,
    )


@router.post(
    "/disbursements/{disbursement_id}/confirm-paid",
    response_model=r.DisbursementResponse,
    responses=COMMAND_ERRORS,
    summary="确认到账（现金）",
)
async def confirm_paid(
    disbursement_id: UUID,
    body: s.ConfirmPaidRequest,
    request: Request,
    who: Settler,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Cash confirmed by the bank; emits DisbursementPaid (a repeat is a no-op)."""
    cmd = SettleDisbursement(disbursement_id, BenefitKind.CASH, body.bank_ref, body.paid_at)
    return await execute(
        request,
        who,
        scope="disbursements.paid",
        payload={"disbursement_id": disbursement_id, "body": body},
        idempotency_key=key,
        action=lambda uow: handlers.settle(uow, cmd),
        render=views.disbursement,
    )


@router.post(
    "/disbursements/{disbursement_id}/confirm-delivered",
    response_model=r.DisbursementResponse,
    responses=COMMAND_ERRORS,
    summary="确认送达（实物）",
)
async def confirm_delivered(
    disbursement_id: UUID,
    body: s.ConfirmDeliveredRequest,
    request: Request,
    who: DeliveryConfirmer,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Goods delivered against a signed receipt; emits DisbursementDelivered (a repeat: no-op)."""
    cmd = SettleDisbursement(
        disbursement_id, BenefitKind.IN_KIND, body.receipt_ref, body.delivered_at
    )
    return await execute(
        request,
        who,
        scope="disbursements.delivered",
        payload={"disbursement_id": disbursement_id, "body": body},
        idempotency_key=key,
        action=lambda uow: handlers.settle(uow, cmd),
        render=views.disbursement,
    )


@router.post(
    "/disbursements/{disbursement_id}/fail",
    response_model=r.DisbursementResponse,
    responses=COMMAND_ERRORS,
    summary="发放失败",
)
async def fail(
    disbursement_id: UUID,
    body: s.ReasonRequest,
    request: Request,
    who: Settler,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """A failed attempt; emits DisbursementFailed. The reservation is kept for a retry."""
    return await execute(
        request,
        who,
        scope="disbursements.fail",
        payload={"disbursement_id": disbursement_id, "body": body},
        idempotency_key=key,
        action=lambda uow: handlers.fail(uow, disbursement_id, body.reason_code),
        render=views.disbursement,
    )


@router.post(
    "/disbursements/{disbursement_id}/retry",
    response_model=r.DisbursementResponse,
    responses=COMMAND_ERRORS,
    summary="重新发放",
)
async def retry(
    disbursement_id: UUID, request: Request, who: Settler, key: IdempotencyKey = None
) -> JSONResponse:
    """Request a failed disbursement again; emits DisbursementRetried."""
    return await execute(
        request,
        who,
        scope="disbursements.retry",
        payload={"disbursement_id": disbursement_id},
        idempotency_key=key,
        action=lambda uow: handlers.retry(uow, disbursement_id),
        render=views.disbursement,
    )


@router.post(
    "/disbursements/{disbursement_id}/cancel",
    response_model=r.DisbursementResponse,
    responses=COMMAND_ERRORS,
    summary="取消发放（释放预留）",
)
async def cancel(
    disbursement_id: UUID,
    body: s.ReasonRequest,
    request: Request,
    who: Settler,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Cancel an open disbursement; emits DisbursementCancelled and releases the reservation."""
    return await execute(
        request,
        who,
        scope="disbursements.cancel",
        payload={"disbursement_id": disbursement_id, "body": body},
        idempotency_key=key,
        action=lambda uow: handlers.cancel(uow, disbursement_id, body.reason_code),
        render=views.disbursement,
    )


@router.get(
    "/disbursements/{disbursement_id}",
    response_model=r.DisbursementResponse,
    responses=READ_ERRORS,
    summary="发放记录",
)
async def get_disbursement(disbursement_id: UUID, request: Request, _: Reader) -> Doc:
    """One disbursement."""
    return await read(request, views.disbursement, disbursement_id, "发放记录")


@router.get(
    "/allocations/{allocation_id}/disbursements",
    response_model=list[r.DisbursementResponse],
    responses=READ_ERRORS,
    summary="资金安排下的发放记录",
)
async def list_disbursements(
    allocation_id: UUID,
    request: Request,
    _: Reader,
    status: Annotated[DisbursementStatus | None, Query()] = None,
) -> list[Doc]:
    """An allocation's disbursements."""
    await read(request, views.allocation, allocation_id, "资金安排")
    async with connection(runtime_of(request).pool) as conn:
        return await views.disbursements_of(conn, allocation_id, status=status)

"""Routes of reconciliation (对账)."""

from __future__ import annotations

from uuid import UUID, uuid4

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from charity.adapters import views
from charity.domain.commands import Reconcile
from charity.domain.reconciliation import PaymentResult
from charity.entrypoints.http import responses as r, schemas as s
from charity.entrypoints.http.common import (
    COMMAND_ERRORS,
    READ_ERRORS,
    CharityRoute,
    Doc,
    execute,
    read,
)
from charity.entrypoints.http.deps import IdempotencyKey, Reader, Reconciler
from charity.service_layer import reconciliations as handlers

router = APIRouter(route_class=CharityRoute, tags=["对账 reconciliations"])


@router.post(
    "/reconciliations",
    status_code=201,
    response_model=r.ReconciliationResponse,
    responses=COMMAND_ERRORS,
    summary="对账",
)
async def reconcile(
    body: s.ReconcileRequest, request: Request, who: Reconciler, key: IdempotencyKey = None
) -> JSONResponse:
    """Reconcile an allocation's settled disbursements with the payment results.

    Emits ReconciliationCompleted {expected, confirmed, discrepancy_count}. Without
    ``payment_results`` the confirmations recorded at settlement are the results.
    """
    results = None
    if body.payment_results is not None:
        results = tuple(PaymentResult(r.reference, r.amount_minor) for r in body.payment_results)
    cmd = Reconcile(body.id or uuid4(), body.allocation_id, body.period_end_on, results)
    return await execute(
        request,
        who,
        scope="reconciliations.run",
        payload=body,
        idempotency_key=key,
        action=lambda uow: handlers.run(uow, cmd),
        render=views.reconciliation,
        status_code=201,
    )


@router.get(
    "/reconciliations/{reconciliation_id}",
    response_model=r.ReconciliationResponse,
    responses=READ_ERRORS,
    summary="对账结果",
)
async def get_reconciliation(reconciliation_id: UUID, request: Request, _: Reader) -> Doc:
    """A reconciliation and its discrepancies."""
    return await read(request, views.reconciliation, reconciliation_id, "对账记录")

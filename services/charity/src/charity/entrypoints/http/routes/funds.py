"""Routes of funds (资金池), their ledger, projects (项目) and donations (捐赠)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from charity.adapters import views
from charity.adapters.unit_of_work import connection
from charity.domain.commands import (
    CreditFund,
    DonorDetails,
    OpenFund,
    RecordDonation,
    RegisterProject,
)
from charity.domain.funds import Item
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
    FundOfficer,
    IdempotencyKey,
    LedgerChecker,
    ProjectRegistrar,
    Reader,
)
from charity.service_layer import funds as handlers
from shared.service import runtime_of

router = APIRouter(route_class=CharityRoute, tags=["资金池 funds"])


@router.post(
    "/funds",
    status_code=201,
    response_model=r.FundResponse,
    responses=COMMAND_ERRORS,
    summary="开设资金池",
)
async def open_fund(
    body: s.OpenFundRequest, request: Request, who: FundOfficer, key: IdempotencyKey = None
) -> JSONResponse:
    """Open a fund; emits FundOpened. A lottery fund names its fiscal year (one per year)."""
    cmd = OpenFund(body.id or uuid4(), body.code, body.source_type, body.fiscal_year)
    return await execute(
        request,
        who,
        scope="funds.open",
        payload=body,
        idempotency_key=key,
        action=lambda uow: handlers.open_fund(uow, cmd),
        render=views.fund,
        status_code=201,
    )


@router.post(
    "/funds/{fund_id}/credits",
    status_code=201,
    response_model=r.FundResponse,
    responses=COMMAND_ERRORS,
    summary="资金到账",
)
async def credit_fund(
    fund_id: UUID,
    body: s.CreditFundRequest,
    request: Request,
    who: FundOfficer,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Book money arriving in a fund; emits FundCredited. A duplicate reference is 409."""
    cmd = CreditFund(fund_id, body.amount_minor, body.credited_at, body.reference)
    return await execute(
        request,
        who,
        scope="funds.credit",
        payload={"fund_id": fund_id, "body": body},
        idempotency_key=key,
        action=lambda uow: handlers.credit_fund(uow, cmd),
        render=views.fund,
        status_code=201,
    )


@router.get(
    "/funds", response_model=list[r.FundResponse], responses=READ_ERRORS, summary="资金池列表"
)
async def list_funds(request: Request, _: Reader) -> list[Doc]:
    """Every fund with its balances."""
    async with connection(runtime_of(request).pool) as conn:
        return await views.funds(conn)


@router.get(
    "/funds/{fund_id}", response_model=r.FundResponse, responses=READ_ERRORS, summary="资金池"
)
async def get_fund(fund_id: UUID, request: Request, _: Reader) -> Doc:
    """A fund with its balances derived from the ledger."""
    return await read(request, views.fund, fund_id, "资金池")


@router.get(
    "/funds/{fund_id}/ledger",
    response_model=list[r.LedgerEntryResponse],
    responses=READ_ERRORS,
    summary="资金池台账",
)
async def fund_ledger(
    fund_id: UUID,
    request: Request,
    _: Reader,
    after: Annotated[int, Query(ge=0, description="entries after this seq")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[Doc]:
    """A fund's ledger entries in order (page with ``after`` = the last seq seen)."""
    await read(request, views.fund, fund_id, "资金池")
    async with connection(runtime_of(request).pool) as conn:
        return await views.fund_ledger(conn, fund_id, after=after, limit=limit)


@router.get(
    "/ledger/check",
    response_model=r.LedgerCheckResponse,
    responses=READ_ERRORS,
    summary="台账平衡检查",
)
async def check_ledger(request: Request, _: LedgerChecker) -> Doc:
    """Whether every internal account, summed from the entries, is non-negative and cached right."""
    async with connection(runtime_of(request).pool) as conn:
        return await views.ledger_check(conn)


@router.post(
    "/projects",
    status_code=201,
    response_model=r.ProjectResponse,
    responses=COMMAND_ERRORS,
    summary="登记项目",
    tags=["项目 projects"],
)
async def register_project(
    body: s.RegisterProjectRequest,
    request: Request,
    who: ProjectRegistrar,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Register a project; emits ProjectRegistered. The brand is "益行益善·益老益小" or none."""
    cmd = RegisterProject(
        body.id or uuid4(),
        body.code,
        body.name,
        body.brand,
        body.kind,
        body.purpose,
        body.in_project_library,
    )
    return await execute(
        request,
        who,
        scope="projects.register",
        payload=body,
        idempotency_key=key,
        action=lambda uow: handlers.register_project(uow, cmd),
        render=views.project,
        status_code=201,
    )


@router.get(
    "/projects",
    response_model=list[r.ProjectResponse],
    responses=READ_ERRORS,
    summary="项目列表",
    tags=["项目 projects"],
)
async def list_projects(request: Request, _: Reader) -> list[Doc]:
    """Every project."""
    async with connection(runtime_of(request).pool) as conn:
        return await views.projects(conn)


@router.get(
    "/projects/{project_id}",
    response_model=r.ProjectResponse,
    responses=READ_ERRORS,
    summary="项目",
    tags=["项目 projects"],
)
async def get_project(project_id: UUID, request: Request, _: Reader) -> Doc:
    """One project."""
    return await read(request, views.project, project_id, "项目")


@router.post(
    "/donations",
    status_code=201,
    response_model=r.DonationResponse,
    responses=COMMAND_ERRORS,
    summary="登记捐赠",
    tags=["捐赠 donations"],
)
async def record_donation(
    body: s.RecordDonationRequest, request: Request, who: FundOfficer, key: IdempotencyKey = None
) -> JSONResponse:
    """Record a donation into the donation fund; emits DonationReceived (no donor data)."""
    donor = None if body.donor is None else DonorDetails(**body.donor.model_dump())
    cmd = RecordDonation(
        body.id or uuid4(),
        body.receipt_no,
        body.fund_id,
        body.donor_type,
        body.anonymous,
        body.kind,
        body.amount_minor,
        body.received_at,
        donor_id=body.donor_id,
        donor=donor,
        donor_display_name=body.donor_display_name,
        items=tuple(Item(**i.model_dump()) for i in body.items),
        designated_project_id=body.designated_project_id,
    )
    return await execute(
        request,
        who,
        scope="donations.record",
        payload=body,
        idempotency_key=key,
        action=lambda uow: handlers.record_donation(uow, cmd),
        render=views.donation,
        status_code=201,
    )


@router.get(
    "/donations/{donation_id}",
    response_model=r.DonationResponse,
    responses=READ_ERRORS,
    summary="捐赠",
    tags=["捐赠 donations"],
)
async def get_donation(donation_id: UUID, request: Request, _: Reader) -> Doc:
    """One donation."""
    return await read(request, views.donation, donation_id, "捐赠")

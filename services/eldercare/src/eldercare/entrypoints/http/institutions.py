"""Routes of the institution registry (DOMAIN §5.1)."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from eldercare.entrypoints.http.deps import CountyFilter, IdempotencyKey, run
from eldercare.entrypoints.http.roles import Reader, RegistryAdmin, SiteManager
from eldercare.entrypoints.http.schemas import InstitutionOut
from eldercare.service_layer import institutions as uc
from eldercare.service_layer.common import get_or_404
from shared.http.problems import problem_responses

router = APIRouter(prefix="/institutions", tags=["机构 institutions"])
Verb = Literal["suspend", "reactivate", "close"]


@router.post(
    "",
    status_code=201,
    response_model=InstitutionOut,
    summary="登记机构",
    responses=problem_responses(401, 403, 409, 422),
)
async def register(
    body: uc.RegisterInstitution, request: Request, who: RegistryAdmin, key: IdempotencyKey = None
) -> JSONResponse:
    """Register a site (``InstitutionRegistered``); 409 ``duplicate_filing_no``."""
    return await run(
        request,
        who,
        lambda uow: uc.register_institution(uow, body),
        InstitutionOut.of,
        status_code=201,
        key=key,
        body=body,
    )


@router.post(
    "/{institution_id}/{verb}",
    response_model=InstitutionOut,
    summary="暂停、恢复或关闭机构",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def change_status(
    institution_id: UUID,
    verb: Verb,
    body: uc.ChangeInstitutionStatus,
    request: Request,
    who: RegistryAdmin,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """``InstitutionStatusChanged``; 409 ``invalid_state`` / ``has_residents``."""
    return await run(
        request,
        who,
        lambda uow: uc.change_institution_status(uow, institution_id, verb, body),
        InstitutionOut.of,
        key=key,
        body=body,
        path={"institution_id": institution_id, "verb": verb},
    )


@router.patch(
    "/{institution_id}/capacity",
    response_model=InstitutionOut,
    summary="调整床位数",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def change_capacity(
    institution_id: UUID,
    body: uc.ChangeCapacity,
    request: Request,
    who: SiteManager,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """``InstitutionCapacityChanged``; 409 ``capacity_below_occupancy``, 422 ``invalid_beds``."""
    return await run(
        request,
        who,
        lambda uow: uc.change_capacity(uow, institution_id, body),
        InstitutionOut.of,
        key=key,
        body=body,
        path={"institution_id": institution_id},
    )


@router.get(
    "/{institution_id}",
    response_model=InstitutionOut,
    summary="机构详情",
    responses=problem_responses(401, 403, 404),
)
async def get_one(institution_id: UUID, request: Request, who: Reader) -> JSONResponse:
    """One site."""
    return await run(
        request,
        who,
        lambda uow: get_or_404(uow.institutions, institution_id, "机构", lock=False),
        InstitutionOut.of,
    )


@router.get(
    "",
    response_model=list[InstitutionOut],
    summary="机构列表",
    responses=problem_responses(401, 403, 422),
)
async def list_all(
    request: Request,
    who: Reader,
    county_code: CountyFilter = None,
    status: Literal["ACTIVE", "SUSPENDED", "CLOSED"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> JSONResponse:
    """Sites, filtered by county and status, by id."""
    return await run(
        request,
        who,
        lambda uow: uow.institutions.find(
            limit=limit, offset=offset, county_code=county_code, status=status
        ),
        lambda sites: [InstitutionOut.of(s) for s in sites],
    )

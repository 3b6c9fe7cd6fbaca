"""Routes of home age-friendly modifications (居家适老化改造, DOMAIN §5.3)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from eldercare.domain.home_modifications import HomeModification
from eldercare.entrypoints.http.deps import IdempotencyKey, run
from eldercare.entrypoints.http.roles import Caseworker, Reader
from eldercare.entrypoints.http.schemas import HomeModificationOut
from eldercare.service_layer import home_modifications as uc
from eldercare.service_layer.common import Command, get_or_404
from shared.http.auth import Principal
from shared.http.problems import problem_responses

router = APIRouter(prefix="/home-modifications", tags=["适老化改造 home modifications"])
_ERRORS = problem_responses(401, 403, 404, 409, 422)


@router.post(
    "",
    status_code=201,
    response_model=HomeModificationOut,
    summary="申请适老化改造",
    responses=problem_responses(401, 403, 409, 422),
)
async def apply(
    body: uc.ApplyHomeModification, request: Request, who: Caseworker, key: IdempotencyKey = None
) -> JSONResponse:
    """``HomeModificationApplied``; 422 ``not_eligible``, 409 ``duplicate_household``."""
    return await run(
        request,
        who,
        lambda uow: uc.apply(uow, body),
        HomeModificationOut.of,
        status_code=201,
        key=key,
        body=body,
    )


async def _command(
    request: Request,
    who: Principal,
    modification_id: UUID,
    body: Command,
    key: str | None,
    handler: Callable[[Any, UUID, Any], Awaitable[HomeModification]],
) -> JSONResponse:
    return await run(
        request,
        who,
        lambda uow: handler(uow, modification_id, body),
        HomeModificationOut.of,
        key=key,
        body=body,
        path={"modification_id": modification_id},
    )


@router.post(
    "/{modification_id}/assess",
    response_model=HomeModificationOut,
    summary="评估（一户一策）或驳回",
    responses=_ERRORS,
)
async def assess(
    modification_id: UUID,
    body: uc.AssessHomeModification,
    request: Request,
    who: Caseworker,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """``HomeModificationAssessed`` or ``HomeModificationRejected``.

    422 ``subsidy_over_cap``, ``subsidy_exceeds_basic_items``, ``self_paid_mismatch``,
    ``basic_item_required``; 409 ``invalid_state`` unless APPLIED. An elder no longer eligible
    is rejected with the reason ``INELIGIBLE``.
    """
    return await _command(request, who, modification_id, body, key, uc.assess)


@router.post(
    "/{modification_id}/approve",
    response_model=HomeModificationOut,
    summary="审批",
    responses=_ERRORS,
)
async def approve(
    modification_id: UUID,
    body: uc.ApproveHomeModification,
    request: Request,
    who: Caseworker,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """``HomeModificationApproved``; 409 ``invalid_state`` unless ASSESSED."""
    return await _command(request, who, modification_id, body, key, uc.approve)


@router.post(
    "/{modification_id}/complete",
    response_model=HomeModificationOut,
    summary="完工",
    responses=_ERRORS,
)
async def complete(
    modification_id: UUID,
    body: uc.CompleteHomeModification,
    request: Request,
    who: Caseworker,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """``HomeModificationCompleted``; 422 ``photos_required``, 409 unless APPROVED."""
    return await _command(request, who, modification_id, body, key, uc.complete)


@router.post(
    "/{modification_id}/accept",
    response_model=HomeModificationOut,
    summary="验收（计为完成）",
    responses=_ERRORS,
)
async def accept(
    modification_id: UUID,
    body: uc.AcceptHomeModification,
    request: Request,
    who: Caseworker,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """``HomeModificationAccepted``; 409 ``invalid_state`` unless COMPLETED.

    422 ``segregation_of_duties`` when the inspector is the contractor, ``in_future``,
    ``accepted_before_completion``.
    """
    return await _command(request, who, modification_id, body, key, uc.accept)


@router.get(
    "/{modification_id}",
    response_model=HomeModificationOut,
    summary="改造详情",
    responses=problem_responses(401, 403, 404),
)
async def get_one(modification_id: UUID, request: Request, who: Reader) -> JSONResponse:
    """One modification."""
    return await run(
        request,
        who,
        lambda uow: get_or_404(uow.home_modifications, modification_id, "改造申请", lock=False),
        HomeModificationOut.of,
    )


Status = Literal["APPLIED", "ASSESSED", "REJECTED", "APPROVED", "COMPLETED", "ACCEPTED"]


@router.get(
    "",
    response_model=list[HomeModificationOut],
    summary="改造列表",
    responses=problem_responses(401, 403, 422),
)
async def list_all(  # noqa: PLR0913 - filters and paging
    request: Request,
    who: Reader,
    household_id: UUID | None = None,
    elder_id: UUID | None = None,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> JSONResponse:
    """Modifications by household, elder and status."""
    return await run(
        request,
        who,
        lambda uow: uow.home_modifications.find(
            limit=limit, offset=offset, household_id=household_id, elder_id=elder_id, status=status
        ),
        lambda mods: [HomeModificationOut.of(m) for m in mods],
    )

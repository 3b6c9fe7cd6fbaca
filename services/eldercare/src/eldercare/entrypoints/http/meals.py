"""Routes of meal points (益老食堂) and meals (DOMAIN §5.4)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from eldercare.entrypoints.http.deps import CountyFilter, IdempotencyKey, run
from eldercare.entrypoints.http.roles import MealPointManager, MealStaff, Reader
from eldercare.entrypoints.http.schemas import MealOut, MealPointOut
from eldercare.service_layer import meals as uc
from eldercare.service_layer.common import get_or_404
from shared.http.problems import problem_responses

router = APIRouter(prefix="/meal-points", tags=["助餐 meal points and meals"])


@router.post(
    "",
    status_code=201,
    response_model=MealPointOut,
    summary="建成助餐点",
    responses=problem_responses(401, 403, 409, 422),
)
async def establish(
    body: uc.EstablishMealPoint, request: Request, who: MealPointManager, key: IdempotencyKey = None
) -> JSONResponse:
    """``MealPointEstablished`` (starts OPEN); 422 ``license_required``/``invalid_capacity``."""
    return await run(
        request,
        who,
        lambda uow: uc.establish_meal_point(uow, body),
        MealPointOut.of,
        status_code=201,
        key=key,
        body=body,
    )


@router.post(
    "/{meal_point_id}/meals",
    status_code=201,
    response_model=MealOut,
    summary="记录助餐",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def serve(
    meal_point_id: UUID,
    body: uc.ServeMeal,
    request: Request,
    who: MealStaff,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """``MealServed``; 409 ``meal_point_closed``/``duplicate_meal``/``capacity_exceeded``.

    422 ``outside_service_hours``, ``in_future``, ``amounts_mismatch``, ``subsidy_over_cap``;
    409 ``elder_not_active`` for an elder who died, moved out or was erased.
    """
    return await run(
        request,
        who,
        lambda uow: uc.serve_meal(uow, meal_point_id, body),
        MealOut.of,
        status_code=201,
        key=key,
        body=body,
        path={"meal_point_id": meal_point_id},
    )


@router.post(
    "/{meal_point_id}/{verb}",
    response_model=MealPointOut,
    summary="暂停、恢复或关闭助餐点",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def change_status(
    meal_point_id: UUID,
    verb: Literal["suspend", "resume", "close"],
    body: uc.ChangeMealPointStatus,
    request: Request,
    who: MealPointManager,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """``MealPointSuspended``, ``MealPointResumed`` or ``MealPointClosed``; 409 on a bad state."""
    return await run(
        request,
        who,
        lambda uow: uc.change_meal_point_status(uow, meal_point_id, verb, body),
        MealPointOut.of,
        key=key,
        body=body,
        path={"meal_point_id": meal_point_id, "verb": verb},
    )


@router.get(
    "/{meal_point_id}",
    response_model=MealPointOut,
    summary="助餐点详情",
    responses=problem_responses(401, 403, 404),
)
async def get_one(meal_point_id: UUID, request: Request, who: Reader) -> JSONResponse:
    """One point."""
    return await run(
        request,
        who,
        lambda uow: get_or_404(uow.meal_points, meal_point_id, "助餐点", lock=False),
        MealPointOut.of,
    )


@router.get(
    "",
    response_model=list[MealPointOut],
    summary="助餐点列表",
    responses=problem_responses(401, 403, 422),
)
async def list_all(
    request: Request,
    who: Reader,
    county_code: CountyFilter = None,
    status: Literal["OPEN", "SUSPENDED", "CLOSED"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> JSONResponse:
    """Points, by county and status."""
    return await run(
        request,
        who,
        lambda uow: uow.meal_points.find(
            limit=limit, offset=offset, county_code=county_code, status=status
        ),
        lambda points: [MealPointOut.of(p) for p in points],
    )


@router.get(
    "/{meal_point_id}/meals",
    response_model=list[MealOut],
    summary="助餐记录",
    responses=problem_responses(401, 403, 422),
)
async def list_meals(
    meal_point_id: UUID,
    request: Request,
    who: Reader,
    served_on: date | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> JSONResponse:
    """Meals of a point, optionally of one local date."""
    return await run(
        request,
        who,
        lambda uow: uow.meals.find(
            limit=limit, offset=offset, meal_point_id=meal_point_id, served_on=served_on
        ),
        lambda meals: [MealOut.of(m) for m in meals],
    )

"""Routes of yellow wristbands (黄手环) and missing-person cases (DOMAIN §5.5)."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from eldercare.entrypoints.http.deps import IdempotencyKey, run
from eldercare.entrypoints.http.roles import Caseworker, MissingReporter, WristbandReader
from eldercare.entrypoints.http.schemas import MissingCaseOut, WristbandOut
from eldercare.service_layer import wristbands as uc
from eldercare.service_layer.common import get_or_404
from shared.http.problems import problem_responses

router = APIRouter(tags=["黄手环与走失 wristbands and missing cases"])


@router.post(
    "/wristbands",
    status_code=201,
    response_model=WristbandOut,
    summary="发放黄手环",
    responses=problem_responses(401, 403, 409, 422),
)
async def issue(
    body: uc.IssueWristband, request: Request, who: Caseworker, key: IdempotencyKey = None
) -> JSONResponse:
    """``WristbandIssued``; 409 ``already_has_wristband``, ``duplicate_code``, ``elder_not_active``.

    The printed code is stored here only; the event never carries it.
    """
    return await run(
        request,
        who,
        lambda uow: uc.issue_wristband(uow, body),
        WristbandOut.of,
        status_code=201,
        key=key,
        body=body,
    )


@router.post(
    "/wristbands/{wristband_id}/deactivate",
    response_model=WristbandOut,
    summary="停用黄手环",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def deactivate(
    wristband_id: UUID,
    body: uc.DeactivateWristband,
    request: Request,
    who: Caseworker,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """``WristbandDeactivated``; 409 ``invalid_state``."""
    return await run(
        request,
        who,
        lambda uow: uc.deactivate_wristband(uow, wristband_id, body),
        WristbandOut.of,
        key=key,
        body=body,
        path={"wristband_id": wristband_id},
    )


@router.get(
    "/wristbands/{wristband_id}",
    response_model=WristbandOut,
    summary="黄手环详情",
    responses=problem_responses(401, 403, 404),
)
async def get_band(wristband_id: UUID, request: Request, who: WristbandReader) -> JSONResponse:
    """One band (health:read: a yellow wristband implies dementia risk)."""
    return await run(
        request,
        who,
        lambda uow: get_or_404(uow.wristbands, wristband_id, "黄手环", lock=False),
        WristbandOut.of,
    )


@router.get(
    "/wristbands",
    response_model=list[WristbandOut],
    summary="黄手环列表",
    responses=problem_responses(401, 403, 422),
)
async def list_bands(
    request: Request,
    who: WristbandReader,
    elder_id: UUID | None = None,
    status: Literal["ACTIVE", "DEACTIVATED"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> JSONResponse:
    """Bands, by elder and status (health:read)."""
    return await run(
        request,
        who,
        lambda uow: uow.wristbands.find(
            limit=limit, offset=offset, elder_id=elder_id, status=status
        ),
        lambda bands: [WristbandOut.of(b) for b in bands],
    )


@router.post(
    "/missing-cases",
    status_code=201,
    response_model=MissingCaseOut,
    summary="报告老人走失（紧急）",
    responses=problem_responses(401, 403, 409, 422, 503),
)
async def report(
    body: uc.ReportMissing, request: Request, who: MissingReporter, key: IdempotencyKey = None
) -> JSONResponse:
    """``MissingCaseReported`` (URGENT for notify); 409 ``case_already_open``.

    The last-seen place goes to the vault; the event carries the county only.
    """
    return await run(
        request,
        who,
        lambda uow: uc.report_missing(uow, body),
        MissingCaseOut.of,
        status_code=201,
        key=key,
        body=body,
    )


@router.post(
    "/missing-cases/{case_id}/found",
    response_model=MissingCaseOut,
    summary="走失老人已找到",
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def found(
    case_id: UUID,
    body: uc.FoundMissing,
    request: Request,
    who: MissingReporter,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """``MissingCaseFound``; 422 ``found_before_reported``, 409 ``invalid_state``."""
    return await run(
        request,
        who,
        lambda uow: uc.found_missing(uow, case_id, body),
        MissingCaseOut.of,
        key=key,
        body=body,
        path={"case_id": case_id},
    )


@router.get(
    "/missing-cases/{case_id}",
    response_model=MissingCaseOut,
    summary="走失报告详情",
    responses=problem_responses(401, 403, 404),
)
async def get_case(case_id: UUID, request: Request, who: MissingReporter) -> JSONResponse:
    """One case (without whereabouts), for the staff who report and close cases."""
    return await run(
        request,
        who,
        lambda uow: get_or_404(uow.missing_cases, case_id, "走失报告", lock=False),
        MissingCaseOut.of,
    )

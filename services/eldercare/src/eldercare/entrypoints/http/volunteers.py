"""Routes of the 银龄行动 volunteer corps, volunteers and their services (DOMAIN §5.6)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from eldercare.entrypoints.http.deps import IdempotencyKey, run
from eldercare.entrypoints.http.roles import Coordinator, Reader, VolunteerPiiReader
from eldercare.entrypoints.http.schemas import (
    BranchOut,
    CorpsOut,
    VolunteerOut,
    VolunteerPersonalData,
    VolunteerServiceOut,
)
from eldercare.service_layer import volunteers as uc
from eldercare.service_layer.common import Purpose, get_or_404
from eldercare.service_layer.personal_data import MaskedVolunteer
from shared.http.problems import problem_responses

router = APIRouter(tags=["银龄行动 volunteers"])
_ERRORS = problem_responses(401, 403, 404, 409, 422)
Paging = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def _masked(view: MaskedVolunteer) -> VolunteerOut:
    return VolunteerOut.of(view.volunteer, view.name, view.phone)


@router.post(
    "/volunteer-corps",
    status_code=201,
    response_model=CorpsOut,
    summary="成立志愿服务总队",
    responses=problem_responses(401, 403, 409, 422),
)
async def found_corps(
    body: uc.FoundCorps, request: Request, who: Coordinator, key: IdempotencyKey = None
) -> JSONResponse:
    """``VolunteerCorpsFounded``."""
    return await run(
        request,
        who,
        lambda uow: uc.found_corps(uow, body),
        lambda corps: CorpsOut.of(corps, []),
        status_code=201,
        key=key,
        body=body,
    )


@router.post(
    "/volunteer-corps/{corps_id}/branches",
    status_code=201,
    response_model=BranchOut,
    summary="成立分队",
    responses=_ERRORS,
)
async def found_branch(
    corps_id: UUID,
    body: uc.FoundBranch,
    request: Request,
    who: Coordinator,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """``VolunteerBranchFounded``; 409 ``duplicate_branch_name``."""
    return await run(
        request,
        who,
        lambda uow: uc.found_branch(uow, corps_id, body),
        BranchOut.of,
        status_code=201,
        key=key,
        body=body,
        path={"corps_id": corps_id},
    )


@router.post(
    "/volunteer-corps/{corps_id}/branches/{branch_id}/dissolve",
    response_model=BranchOut,
    summary="解散分队",
    responses=_ERRORS,
)
async def dissolve_branch(
    corps_id: UUID,
    branch_id: UUID,
    body: uc.DissolveBranch,
    request: Request,
    who: Coordinator,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """``VolunteerBranchDissolved``; 409 ``invalid_state``."""
    return await run(
        request,
        who,
        lambda uow: uc.dissolve_branch(uow, corps_id, branch_id, body),
        BranchOut.of,
        key=key,
        body=body,
        path={"corps_id": corps_id, "branch_id": branch_id},
    )


@router.get(
    "/volunteer-corps/{corps_id}",
    response_model=CorpsOut,
    summary="总队与分队",
    responses=problem_responses(401, 403, 404),
)
async def get_corps(corps_id: UUID, request: Request, who: Reader) -> JSONResponse:
    """The corps and all its branches."""

    async def load(uow: Any) -> CorpsOut:
        corps = await get_or_404(uow.corps, corps_id, "志愿服务总队", lock=False)
        return CorpsOut.of(corps, await uow.branches.find(limit=1000, offset=0, corps_id=corps_id))

    return await run(request, who, load, lambda out: out)


@router.post(
    "/volunteers",
    status_code=201,
    response_model=VolunteerOut,
    summary="志愿者加入分队",
    responses=problem_responses(401, 403, 409, 422, 503),
)
async def enroll(
    body: uc.EnrollVolunteer, request: Request, who: Coordinator, key: IdempotencyKey = None
) -> JSONResponse:
    """``VolunteerEnrolled`` (ids and age band); 409 ``branch_dissolved``, 422 ``invalid_phone``."""
    return await run(
        request,
        who,
        lambda uow: uc.enroll(uow, body),
        _masked,
        status_code=201,
        key=key,
        body=body,
    )


@router.post(
    "/volunteers/{volunteer_id}/leave",
    response_model=VolunteerOut,
    summary="志愿者退出",
    responses=_ERRORS,
)
async def leave(
    volunteer_id: UUID,
    body: uc.LeaveCorps,
    request: Request,
    who: Coordinator,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """``VolunteerLeft``; 409 ``invalid_state``."""
    return await run(
        request,
        who,
        lambda uow: uc.leave(uow, volunteer_id, body),
        VolunteerOut.of,
        key=key,
        body=body,
        path={"volunteer_id": volunteer_id},
    )


@router.get(
    "/volunteers/{volunteer_id}",
    response_model=VolunteerOut,
    summary="志愿者（脱敏）",
    responses=problem_responses(401, 403, 404, 503),
)
async def get_volunteer(volunteer_id: UUID, request: Request, who: Reader) -> JSONResponse:
    """A volunteer with masked name and phone."""
    return await run(request, who, lambda uow: uc.volunteer_view(uow, volunteer_id), _masked)


@router.get(
    "/volunteers/{volunteer_id}/personal-data",
    response_model=VolunteerPersonalData,
    summary="志愿者个人信息明文（留痕审计）",
    responses=problem_responses(401, 403, 404, 422, 503),
)
async def reveal_volunteer(
    volunteer_id: UUID,
    request: Request,
    who: VolunteerPiiReader,
    purpose: Annotated[Purpose, Query(description="Why the data is needed (audited)")],
) -> JSONResponse:
    """Name, phone and birth date in clear for the coordinator; audited."""
    return await run(
        request,
        who,
        lambda uow: uc.reveal_volunteer(uow, volunteer_id, purpose=purpose),
        lambda clear: VolunteerPersonalData(volunteer_id=volunteer_id, **clear),
    )


@router.get(
    "/volunteers",
    response_model=list[VolunteerOut],
    summary="志愿者列表",
    responses=problem_responses(401, 403, 422),
)
async def list_volunteers(
    request: Request,
    who: Reader,
    branch_id: UUID | None = None,
    status: Literal["ACTIVE", "LEFT"] | None = None,
    limit: Paging = 100,
    offset: Offset = 0,
) -> JSONResponse:
    """Volunteers by branch and status (no personal data)."""
    return await run(
        request,
        who,
        lambda uow: uow.volunteers.find(
            limit=limit, offset=offset, branch_id=branch_id, status=status
        ),
        lambda found: [VolunteerOut.of(v) for v in found],
    )


@router.post(
    "/volunteer-services",
    status_code=201,
    response_model=VolunteerServiceOut,
    summary="记录志愿服务",
    responses=_ERRORS,
)
async def record_service(
    body: uc.RecordService, request: Request, who: Coordinator, key: IdempotencyKey = None
) -> JSONResponse:
    """``VolunteerServiceRecorded``; 422 ``invalid_minutes``/``target_required``/``in_future``.

    409 ``volunteer_not_active``, ``branch_not_active``, ``elder_not_active``,
    ``institution_not_active``.
    """
    return await run(
        request,
        who,
        lambda uow: uc.record_service(uow, body),
        VolunteerServiceOut.of,
        status_code=201,
        key=key,
        body=body,
    )


@router.get(
    "/volunteer-services",
    response_model=list[VolunteerServiceOut],
    summary="志愿服务记录",
    responses=problem_responses(401, 403, 422),
)
async def list_services(
    request: Request,
    who: Reader,
    volunteer_id: UUID | None = None,
    branch_id: UUID | None = None,
    limit: Paging = 100,
    offset: Offset = 0,
) -> JSONResponse:
    """Service records by volunteer and branch."""
    return await run(
        request,
        who,
        lambda uow: uow.volunteer_services.find(
            limit=limit, offset=offset, volunteer_id=volunteer_id, branch_id=branch_id
        ),
        lambda found: [VolunteerServiceOut.of(r) for r in found],
    )

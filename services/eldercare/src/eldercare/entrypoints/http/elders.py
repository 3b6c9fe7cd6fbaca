"""Routes of elder records (DOMAIN §5.2) and their personal data (§9)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from eldercare.domain.elders import Elder
from eldercare.entrypoints.http.deps import CountyFilter, IdempotencyKey, run
from eldercare.entrypoints.http.roles import (
    CareStaff,
    Caseworker,
    Eraser,
    PiiReader,
    Reader,
    readable_elder_fields,
)
from eldercare.entrypoints.http.schemas import ElderOut, ElderPersonalData
from eldercare.service_layer import elders as uc, personal_data as pd
from eldercare.service_layer.common import Command, Purpose
from shared.http.auth import Principal
from shared.http.problems import Problem, problem_responses

router = APIRouter(prefix="/elders", tags=["老人档案 elders"])
ElderField = Literal[
    "name",
    "id_card_no",
    "phone",
    "address",
    "birth_date",
    "emergency_contacts",
    "special_basis",
    "ability_level",
    "dementia_risk",
]


@router.post(
    "",
    status_code=201,
    response_model=ElderOut,
    summary="登记老人档案",
    responses=problem_responses(401, 403, 409, 422, 503),
)
async def register(
    body: uc.RegisterElder, request: Request, who: Caseworker, key: IdempotencyKey = None
) -> JSONResponse:
    """``ElderRegistered``; 422 ``invalid_id_card``/``not_elderly``/``invalid_phone``, 409.

    A duplicate ID number is 409 ``duplicate_elder``, with the existing ``elder_id`` only for
    callers allowed to read personal data.
    """
    return await run(
        request,
        who,
        lambda uow: uc.register_elder(uow, body),
        ElderOut.of,
        status_code=201,
        key=key,
        body=body,
    )


async def _command(
    request: Request,
    who: Principal,
    elder_id: UUID,
    body: Command,
    key: str | None,
    handler: Callable[[Any, UUID, Any], Awaitable[Elder]],
) -> JSONResponse:
    return await run(
        request,
        who,
        lambda uow: handler(uow, elder_id, body),
        ElderOut.from_elder,
        key=key,
        body=body,
        path={"elder_id": elder_id},
    )


@router.post(
    "/{elder_id}/assessments",
    response_model=ElderOut,
    summary="能力评估",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def assess_ability(
    elder_id: UUID,
    body: uc.AssessAbility,
    request: Request,
    who: CareStaff,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """``ElderAbilityAssessed`` (no level in the event); 409 ``elder_not_active``."""
    return await _command(request, who, elder_id, body, key, uc.assess_ability)


@router.post(
    "/{elder_id}/admit",
    response_model=ElderOut,
    summary="入住机构",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def admit(
    elder_id: UUID,
    body: uc.AdmitElder,
    request: Request,
    who: CareStaff,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """``ElderAdmitted``; 409 ``already_resident``/``no_free_bed``/``institution_not_active``."""
    return await _command(request, who, elder_id, body, key, uc.admit_elder)


@router.post(
    "/{elder_id}/discharge",
    response_model=ElderOut,
    summary="离开机构",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def discharge(
    elder_id: UUID,
    body: uc.DischargeElder,
    request: Request,
    who: CareStaff,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """``ElderDischarged``; 409 ``not_resident``."""
    return await _command(request, who, elder_id, body, key, uc.discharge_elder)


@router.post(
    "/{elder_id}/record-death",
    response_model=ElderOut,
    summary="登记死亡",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def record_death(
    elder_id: UUID,
    body: uc.RecordDeath,
    request: Request,
    who: Caseworker,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """``ElderDeceased`` (+ ``WristbandDeactivated``); 422 ``died_on_in_future``."""
    return await _command(request, who, elder_id, body, key, uc.record_death)


@router.post(
    "/{elder_id}/move-out",
    response_model=ElderOut,
    summary="迁出",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def move_out(
    elder_id: UUID, body: uc.MoveOut, request: Request, who: Caseworker, key: IdempotencyKey = None
) -> JSONResponse:
    """``ElderMovedOut``; 409 ``still_resident``/``elder_not_active``."""
    return await _command(request, who, elder_id, body, key, uc.move_out)


@router.post(
    "/{elder_id}/erase",
    response_model=ElderOut,
    summary="删除个人信息（密钥销毁）",
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def erase(
    elder_id: UUID, body: pd.EraseElder, request: Request, who: Eraser, key: IdempotencyKey = None
) -> JSONResponse:
    """Shred the elder's data key: ``ElderErased`` (id only); 409 ``already_erased``."""
    return await run(
        request,
        who,
        lambda uow: pd.erase_elder(uow, elder_id, body),
        ElderOut.of,
        key=key,
        body=body,
        path={"elder_id": elder_id},
    )


@router.patch(
    "/{elder_id}/contact",
    response_model=ElderOut,
    summary="更新联系方式（无事件，审计）",
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def update_contact(
    elder_id: UUID,
    body: pd.UpdateContact,
    request: Request,
    who: Caseworker,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Change phone, address or emergency contacts in the vault; audited, no event."""
    return await run(
        request,
        who,
        lambda uow: pd.update_contact(uow, elder_id, body),
        ElderOut.of,
        key=key,
        body=body,
        path={"elder_id": elder_id},
    )


@router.get(
    "/{elder_id}",
    response_model=ElderOut,
    summary="老人档案（脱敏）",
    responses=problem_responses(401, 403, 404, 503),
)
async def get_one(elder_id: UUID, request: Request, who: Reader) -> JSONResponse:
    """The record with masked personal data (张*三, 430***********1234, 138****1234)."""
    return await run(request, who, lambda uow: pd.elder_view(uow, elder_id), ElderOut.of)


@router.get(
    "/{elder_id}/personal-data",
    response_model=ElderPersonalData,
    summary="查看个人信息明文（需授权，留痕审计）",
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def reveal(
    elder_id: UUID,
    request: Request,
    who: PiiReader,
    purpose: Annotated[Purpose, Query(description="Why the data is needed (audited)")],
    fields: Annotated[list[ElderField] | None, Query(description="Default: all allowed")] = None,
) -> JSONResponse:
    """Clear personal data for a role with the scope; each read writes an audit row."""
    allowed = readable_elder_fields(who)
    wanted = list(fields) if fields else list(allowed)
    if not set(wanted) <= set(allowed):
        raise Problem(403, "forbidden_scope", "当前角色无权查看所请求的个人信息字段")
    return await run(
        request,
        who,
        lambda uow: pd.reveal_elder(uow, elder_id, fields=wanted, purpose=purpose),
        lambda clear: ElderPersonalData(elder_id=elder_id, **clear, fields=list(clear)),
    )


@router.get(
    "",
    response_model=list[ElderOut],
    summary="老人档案列表（脱敏）",
    responses=problem_responses(401, 403, 422, 503),
)
async def list_all(  # noqa: PLR0913 - filters and paging
    request: Request,
    who: Reader,
    county_code: CountyFilter = None,
    status: Literal["ACTIVE", "DECEASED", "MOVED_OUT"] | None = None,
    institution_id: UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> JSONResponse:
    """Records with masked personal data, filtered, by id."""

    async def page(uow: Any) -> list[pd.ElderView]:
        found = await uow.elders.find(
            limit=limit,
            offset=offset,
            county_code=county_code,
            status=status,
            institution_id=institution_id,
        )
        return [await pd.view_of(uow, elder) for elder in found]

    return await run(request, who, page, lambda views: [ElderOut.of(v) for v in views])

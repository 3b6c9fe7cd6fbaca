"""Routes of the safety leadership group and its cadence, and of the site replica."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from inspection.adapters import queries
from inspection.domain import commands as cmds
from inspection.domain.leaders import Leader
from inspection.entrypoints.http.commanding import execute
from inspection.entrypoints.http.roles import Reader, role
from inspection.entrypoints.http.routes.reading import one
from inspection.entrypoints.http.schemas.campaigns import (
    AssignLeaderRequest,
    CadenceBreachResponse,
    LeaderResponse,
    SiteResponse,
)
from inspection.entrypoints.http.schemas.common import FilterCode, Limit, Offset
from inspection.service_layer.handlers import campaigns as handlers
from shared.http.auth import Principal
from shared.http.problems import problem_responses
from shared.service import runtime_of

router = APIRouter(tags=["领导小组 leaders"])
TABLE = "leaders"


def _render(leader: Leader) -> LeaderResponse:
    values = dataclasses.asdict(leader)
    values["aggregate_version"] = values.pop("version")
    return LeaderResponse.model_validate({**values, "cadences": leader.cadences})


@router.put(
    "/leaders/{person_id}",
    response_model=LeaderResponse,
    summary="任命领导小组成员（设置角色）",
    responses=problem_responses(401, 403, 409, 422),
)
async def assign_leader(
    person_id: uuid.UUID,
    body: AssignLeaderRequest,
    request: Request,
    who: Annotated[Principal, role("assign_leader")],
) -> JSONResponse:
    """Set roles: emits LeaderAssigned (none if unchanged); a new SAFETY_LEAD takes over."""
    cmd = cmds.AssignLeader(
        person_id=person_id, roles=tuple(body.roles), effective_from=body.effective_from
    )
    return await execute(
        request,
        who,
        scope="assign_leader",
        payload=body,
        run=lambda uow, ctx: handlers.assign_leader(cmd, uow, ctx),
        render=_render,
    )


@router.delete(
    "/leaders/{person_id}",
    response_model=LeaderResponse,
    summary="移出领导小组",
    responses=problem_responses(401, 403, 404, 409),
)
async def remove_leader(
    person_id: uuid.UUID, request: Request, who: Annotated[Principal, role("remove_leader")]
) -> JSONResponse:
    """Remove a member: emits LeaderRemoved (409 leadership_incomplete for the last one)."""
    cmd = cmds.RemoveLeader(person_id=person_id)
    return await execute(
        request,
        who,
        scope="remove_leader",
        payload=None,
        run=lambda uow, ctx: handlers.remove_leader(cmd, uow, ctx),
        render=_render,
    )


@router.get(
    "/leaders",
    response_model=list[LeaderResponse],
    summary="领导小组成员",
    responses=problem_responses(401, 403, 422),
)
async def list_leaders(
    request: Request,
    _: Reader,
    status: FilterCode = "ACTIVE",
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[LeaderResponse]:
    """Members of the group (active ones by default; status=REMOVED for former members)."""
    items = await queries.fetch_many(
        runtime_of(request).pool,
        TABLE,
        Leader,
        filters=[("status = {}", status)],
        limit=limit,
        offset=offset,
    )
    return [_render(item) for item in items]


@router.get(
    "/leaders/cadence-breaches",
    response_model=list[CadenceBreachResponse],
    summary="领导带班检查未落实记录",
    responses=problem_responses(401, 403, 422),
)
async def list_cadence_breaches(
    request: Request,
    _: Reader,
    person_id: uuid.UUID | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[CadenceBreachResponse]:
    """Closed weeks/months in which a member completed no inspection."""
    rows = await queries.cadence_breaches(
        runtime_of(request).pool, person_id=person_id, limit=limit, offset=offset
    )
    return [CadenceBreachResponse.model_validate(row) for row in rows]


@router.get(
    "/leaders/{person_id}",
    response_model=LeaderResponse,
    summary="领导小组成员详情",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_leader(person_id: uuid.UUID, request: Request, _: Reader) -> LeaderResponse:
    """One member (also a former one)."""
    return _render(await one(request, TABLE, Leader, person_id, "领导小组成员"))


@router.get(
    "/sites",
    response_model=list[SiteResponse],
    tags=["机构副本 sites"],
    summary="机构本地副本（来自 eldercare.institutions）",
    responses=problem_responses(401, 403, 422),
)
async def list_sites(
    request: Request, _: Reader, limit: Limit = 100, offset: Offset = 0
) -> list[SiteResponse]:
    """The local replica of institutions this service checks references against."""
    rows = await queries.sites(runtime_of(request).pool, limit=limit, offset=offset)
    return [SiteResponse.model_validate(row) for row in rows]

"""Routes of child-care sessions (周末妈妈 / 送教上门 / 童心童行) and their providers."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID, uuid4

import asyncpg
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from charity.adapters import views
from charity.adapters.unit_of_work import connection
from charity.domain import roles
from charity.domain.commands import RecordSession, RegisterProvider
from charity.entrypoints.http import responses as r, schemas as s
from charity.entrypoints.http.common import (
    COMMAND_ERRORS,
    READ_ERRORS,
    CharityRoute,
    Doc,
    execute,
)
from charity.entrypoints.http.deps import ChildCareRecorder, IdempotencyKey, Reader
from charity.service_layer import childcare as handlers
from shared.http.problems import Problem
from shared.service import runtime_of

router = APIRouter(route_class=CharityRoute, tags=["儿童关爱 child care"])


@router.put(
    "/child-care-providers/{person_id}",
    response_model=r.ProviderResponse,
    responses=COMMAND_ERRORS,
    summary="登记服务提供者（教师 / 周末妈妈）",
)
async def register_provider(
    person_id: UUID, body: s.ProviderRequest, request: Request, who: ChildCareRecorder
) -> JSONResponse:
    """Register what a provider is (TEACHER for 送教上门); staff reference data, no event."""
    cmd = RegisterProvider(person_id, body.role)

    async def render(_: asyncpg.Connection, pid: UUID) -> Doc:
        return {"person_id": pid, "role": body.role}

    return await execute(
        request,
        who,
        scope="providers.put",
        payload={"person_id": person_id, "body": body},
        idempotency_key=None,
        action=lambda uow: handlers.register_provider(uow, cmd),
        render=render,
    )


@router.post(
    "/child-care-sessions",
    status_code=201,
    response_model=r.SessionResponse,
    responses=COMMAND_ERRORS,
    summary="记录儿童关爱服务",
)
async def record_session(
    body: s.RecordSessionRequest,
    request: Request,
    who: ChildCareRecorder,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Record a delivered session; emits ChildCareSessionDelivered with a count, never child ids.

    周末妈妈 only on Saturdays, Sundays and statutory holidays (调休 working days excluded);
    送教上门 one child per session, by a registered teacher.
    """
    cmd = RecordSession(
        body.id or uuid4(),
        body.project_id,
        body.provider_person_id,
        body.held_on,
        tuple(body.child_beneficiary_ids),
        body.minutes,
    )

    async def render(conn: asyncpg.Connection, sid: UUID) -> Doc | None:
        return await views.session(conn, sid, with_children=True)

    return await execute(
        request,
        who,
        scope="sessions.record",
        payload=body,
        idempotency_key=key,
        action=lambda uow: handlers.record_session(uow, cmd),
        render=render,
        status_code=201,
    )


@router.get(
    "/child-care-sessions/person-times",
    response_model=r.PersonTimesResponse,
    responses=READ_ERRORS,
    summary="服务人次统计",
)
async def person_times(
    request: Request,
    _: Reader,
    year: Annotated[int, Query(ge=2000, le=2100)],
    project_id: Annotated[UUID | None, Query()] = None,
) -> Doc:
    """Person-times (人次 = Σ children per session, not sessions) by local date in a year."""
    async with connection(runtime_of(request).pool) as conn:
        counts = await views.person_times(
            conn, first=date(year, 1, 1), last=date(year, 12, 31), project_id=project_id
        )
    return {"year": year, "project_id": project_id, **counts}


@router.get(
    "/child-care-sessions/{session_id}",
    response_model=r.SessionResponse,
    responses=READ_ERRORS,
    summary="服务记录",
)
async def get_session(session_id: UUID, request: Request, who: Reader) -> Doc:
    """A session; the children's ids only for caseworkers (children's data, child:read)."""
    async with connection(runtime_of(request).pool) as conn:
        doc = await views.session(conn, session_id, with_children=who.role == roles.CASEWORKER)
    if doc is None:
        raise Problem(404, "not_found", "服务记录不存在")
    return doc

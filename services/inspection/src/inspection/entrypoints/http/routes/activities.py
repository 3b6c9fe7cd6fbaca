"""Routes of drills (应急演练), safety talks (安全宣讲) and safety meetings (安全生产专题会议)."""

from __future__ import annotations

import functools
import uuid
from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime

from inspection.adapters import queries
from inspection.domain import commands as cmds
from inspection.domain.activities import Drill, SafetyMeeting, SafetyTalk
from inspection.entrypoints.http.commanding import execute
from inspection.entrypoints.http.roles import Reader, role
from inspection.entrypoints.http.routes.reading import one
from inspection.entrypoints.http.schemas.activities import (
    DrillResponse,
    PlanDrillRequest,
    RecordDrillRequest,
    SafetyMeetingRequest,
    SafetyMeetingResponse,
    SafetyTalkRequest,
    SafetyTalkResponse,
)
from inspection.entrypoints.http.schemas.common import (
    FilterCode,
    Limit,
    Offset,
    ReasonRequest,
    render,
    site_id_of,
)
from inspection.service_layer.handlers import activities as handlers
from shared.http.auth import Principal
from shared.http.problems import problem_responses
from shared.service import runtime_of

router = APIRouter()
CREATE_ERRORS = problem_responses(401, 403, 409, 422)
CHANGE_ERRORS = problem_responses(401, 403, 404, 409, 422)
READ_ERRORS = problem_responses(401, 403, 422)
ONE_ERRORS = problem_responses(401, 403, 404, 422)
DRILLS: list[str | Enum] = ["应急演练 drills"]
TALKS: list[str | Enum] = ["安全宣讲 safety talks"]
MEETINGS: list[str | Enum] = ["安全生产专题会议 safety meetings"]


def _drill(drill: Drill) -> DrillResponse:
    return render(DrillResponse, drill)


def _talk(talk: SafetyTalk) -> SafetyTalkResponse:
    return render(SafetyTalkResponse, talk)


def _meeting(meeting: SafetyMeeting) -> SafetyMeetingResponse:
    return render(SafetyMeetingResponse, meeting)


@router.post(
    "/drills",
    status_code=201,
    response_model=DrillResponse,
    tags=DRILLS,
    summary="计划应急演练",
    responses=CREATE_ERRORS,
)
async def plan_drill(
    body: PlanDrillRequest, request: Request, who: Annotated[Principal, role("plan_drill")]
) -> JSONResponse:
    """Plan a drill: emits DrillPlanned (422 unknown_reference, 409 site_inactive)."""
    cmd = cmds.PlanDrill(
        id=body.id or uuid.uuid4(),
        site_id=site_id_of(body.site_id),
        drill_type=body.drill_type,
        planned_on=body.planned_on,
        scenario=body.scenario,
    )
    run = functools.partial(handlers.plan_drill, cmd)
    return await execute(
        request, who, scope="plan_drill", payload=body, run=run, render=_drill, status_code=201
    )


@router.post(
    "/drills/{drill_id}/record",
    response_model=DrillResponse,
    tags=DRILLS,
    summary="记录演练已举行",
    responses=CHANGE_ERRORS,
)
async def record_drill(
    drill_id: uuid.UUID,
    body: RecordDrillRequest,
    request: Request,
    who: Annotated[Principal, role("record_drill")],
) -> JSONResponse:
    """Record a drill as held: emits DrillHeld.

    Refusals: 422 in_future / invalid_participants, 409 invalid_state (cancelled or held) /
    site_inactive.
    """
    cmd = cmds.RecordDrill(
        id=drill_id,
        held_at=body.held_at,
        participants=body.participants,
        residents_participating=body.residents_participating,
        evaluation=body.evaluation,
    )
    run = functools.partial(handlers.record_drill, cmd)
    return await execute(request, who, scope="record_drill", payload=body, run=run, render=_drill)


@router.post(
    "/drills/{drill_id}/cancel",
    response_model=DrillResponse,
    tags=DRILLS,
    summary="取消演练",
    responses=CHANGE_ERRORS,
)
async def cancel_drill(
    drill_id: uuid.UUID,
    body: ReasonRequest,
    request: Request,
    who: Annotated[Principal, role("cancel_drill")],
) -> JSONResponse:
    """Cancel a planned drill: emits DrillCancelled (409 invalid_state unless PLANNED)."""
    cmd = cmds.CancelDrill(id=drill_id, reason_code=body.reason_code)
    run = functools.partial(handlers.cancel_drill, cmd)
    return await execute(request, who, scope="cancel_drill", payload=body, run=run, render=_drill)


@router.get(
    "/drills",
    response_model=list[DrillResponse],
    tags=DRILLS,
    summary="演练列表",
    responses=READ_ERRORS,
)
async def list_drills(
    request: Request,
    _: Reader,
    status: FilterCode = None,
    site_id: uuid.UUID | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[DrillResponse]:
    """Drills by status and site (only HELD ones count)."""
    items = await queries.fetch_many(
        runtime_of(request).pool,
        "drills",
        Drill,
        filters=[("status = {}", status), ("site_id = {}", site_id)],
        order_by="planned_on, id",
        limit=limit,
        offset=offset,
    )
    return [_drill(item) for item in items]


@router.get(
    "/drills/{drill_id}",
    response_model=DrillResponse,
    tags=DRILLS,
    summary="演练详情",
    responses=ONE_ERRORS,
)
async def get_drill(drill_id: uuid.UUID, request: Request, _: Reader) -> DrillResponse:
    """One drill."""
    return _drill(await one(request, "drills", Drill, drill_id, "演练"))


@router.post(
    "/safety-talks",
    status_code=201,
    response_model=SafetyTalkResponse,
    tags=TALKS,
    summary="记录安全宣讲",
    responses=CREATE_ERRORS,
)
async def record_safety_talk(
    body: SafetyTalkRequest,
    request: Request,
    who: Annotated[Principal, role("record_safety_talk")],
) -> JSONResponse:
    """Record a talk held: emits SafetyTalkHeld (422 in_future / invalid_audience)."""
    cmd = cmds.RecordSafetyTalk(
        id=body.id or uuid.uuid4(),
        venue_site_id=None if body.venue_site_id is None else site_id_of(body.venue_site_id),
        format=body.format,
        topic=body.topic,
        speaker_person_id=body.speaker_person_id,
        held_at=body.held_at,
        audience_count=body.audience_count,
    )
    run = functools.partial(handlers.record_safety_talk, cmd)
    return await execute(
        request,
        who,
        scope="record_safety_talk",
        payload=body,
        run=run,
        render=_talk,
        status_code=201,
    )


@router.get(
    "/safety-talks",
    response_model=list[SafetyTalkResponse],
    tags=TALKS,
    summary="宣讲列表",
    responses=READ_ERRORS,
)
async def list_safety_talks(
    request: Request,
    _: Reader,
    held_from: AwareDatetime | None = None,
    held_to: AwareDatetime | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[SafetyTalkResponse]:
    """Safety talks, optionally within an instant range."""
    items = await queries.fetch_many(
        runtime_of(request).pool,
        "safety_talks",
        SafetyTalk,
        filters=[("held_at >= {}", held_from), ("held_at < {}", held_to)],
        order_by="held_at, id",
        limit=limit,
        offset=offset,
    )
    return [_talk(item) for item in items]


@router.get(
    "/safety-talks/{talk_id}",
    response_model=SafetyTalkResponse,
    tags=TALKS,
    summary="宣讲详情",
    responses=ONE_ERRORS,
)
async def get_safety_talk(talk_id: uuid.UUID, request: Request, _: Reader) -> SafetyTalkResponse:
    """One safety talk."""
    return _talk(await one(request, "safety_talks", SafetyTalk, talk_id, "宣讲"))


@router.post(
    "/safety-meetings",
    status_code=201,
    response_model=SafetyMeetingResponse,
    tags=MEETINGS,
    summary="记录安全生产专题会议",
    responses=CREATE_ERRORS,
)
async def record_safety_meeting(
    body: SafetyMeetingRequest,
    request: Request,
    who: Annotated[Principal, role("record_safety_meeting")],
) -> JSONResponse:
    """Record a meeting held: emits SafetyMeetingHeld (422 in_future)."""
    cmd = cmds.RecordSafetyMeeting(
        id=body.id or uuid.uuid4(), kind=body.kind, held_at=body.held_at, agenda_ref=body.agenda_ref
    )
    run = functools.partial(handlers.record_safety_meeting, cmd)
    return await execute(
        request,
        who,
        scope="record_safety_meeting",
        payload=body,
        run=run,
        render=_meeting,
        status_code=201,
    )


@router.get(
    "/safety-meetings",
    response_model=list[SafetyMeetingResponse],
    tags=MEETINGS,
    summary="会议列表",
    responses=READ_ERRORS,
)
async def list_safety_meetings(
    request: Request, _: Reader, limit: Limit = 100, offset: Offset = 0
) -> list[SafetyMeetingResponse]:
    """Safety meetings."""
    items = await queries.fetch_many(
        runtime_of(request).pool,
        "safety_meetings",
        SafetyMeeting,
        order_by="held_at, id",
        limit=limit,
        offset=offset,
    )
    return [_meeting(item) for item in items]


@router.get(
    "/safety-meetings/{meeting_id}",
    response_model=SafetyMeetingResponse,
    tags=MEETINGS,
    summary="会议详情",
    responses=ONE_ERRORS,
)
async def get_safety_meeting(
    meeting_id: uuid.UUID, request: Request, _: Reader
) -> SafetyMeetingResponse:
    """One safety meeting."""
    return _meeting(await one(request, "safety_meetings", SafetyMeeting, meeting_id, "会议"))

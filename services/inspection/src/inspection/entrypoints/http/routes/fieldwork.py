"""Routes of surveys (调研) and citizens' problems (群众身边实际问题)."""

from __future__ import annotations

import functools
import uuid
from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from inspection.adapters import queries
from inspection.domain import commands as cmds
from inspection.domain.fieldwork import Problem, Survey
from inspection.entrypoints.http.commanding import execute
from inspection.entrypoints.http.roles import Reader, role
from inspection.entrypoints.http.routes.reading import one
from inspection.entrypoints.http.schemas.common import FilterCode, Limit, Offset, render
from inspection.entrypoints.http.schemas.fieldwork import (
    CompleteSurveyRequest,
    LaunchSurveyRequest,
    ProblemResponse,
    RegisterProblemRequest,
    ReopenProblemRequest,
    ResolveProblemRequest,
    SurveyResponse,
)
from inspection.service_layer.handlers import fieldwork as handlers
from shared.http.auth import Principal
from shared.http.problems import problem_responses
from shared.service import runtime_of

router = APIRouter()
SURVEYS: list[str | Enum] = ["调研 surveys"]
PROBLEMS: list[str | Enum] = ["群众身边实际问题 problems"]
CHANGE_ERRORS = problem_responses(401, 403, 404, 409, 422)


def _survey(survey: Survey) -> SurveyResponse:
    return render(SurveyResponse, survey)


def _problem(problem: Problem) -> ProblemResponse:
    return render(ProblemResponse, problem)


@router.post(
    "/surveys",
    status_code=201,
    response_model=SurveyResponse,
    tags=SURVEYS,
    summary="启动调研",
    responses=problem_responses(401, 403, 409, 422),
)
async def launch_survey(
    body: LaunchSurveyRequest, request: Request, who: Annotated[Principal, role("launch_survey")]
) -> JSONResponse:
    """Launch a survey: emits SurveyLaunched (422 in_future)."""
    cmd = cmds.LaunchSurvey(
        id=body.id or uuid.uuid4(),
        title=body.title,
        theme=body.theme,
        scale=body.scale,
        lead_person_id=body.lead_person_id,
        launched_at=body.launched_at,
        report_ref=body.report_ref,
    )
    run = functools.partial(handlers.launch_survey, cmd)
    return await execute(
        request,
        who,
        scope="launch_survey",
        payload=body,
        run=run,
        render=_survey,
        status_code=201,
    )


@router.post(
    "/surveys/{survey_id}/complete",
    response_model=SurveyResponse,
    tags=SURVEYS,
    summary="完成调研",
    responses=CHANGE_ERRORS,
)
async def complete_survey(
    survey_id: uuid.UUID,
    body: CompleteSurveyRequest,
    request: Request,
    who: Annotated[Principal, role("complete_survey")],
) -> JSONResponse:
    """Complete a survey: emits SurveyCompleted (422 in_future / invalid_period, 409)."""
    cmd = cmds.CompleteSurvey(
        id=survey_id, completed_at=body.completed_at, report_ref=body.report_ref
    )
    run = functools.partial(handlers.complete_survey, cmd)
    return await execute(
        request, who, scope="complete_survey", payload=body, run=run, render=_survey
    )


@router.get(
    "/surveys",
    response_model=list[SurveyResponse],
    tags=SURVEYS,
    summary="调研列表",
    responses=problem_responses(401, 403, 422),
)
async def list_surveys(
    request: Request,
    _: Reader,
    status: FilterCode = None,
    scale: FilterCode = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[SurveyResponse]:
    """Surveys by status and scale."""
    items = await queries.fetch_many(
        runtime_of(request).pool,
        "surveys",
        Survey,
        filters=[("status = {}", status), ("scale = {}", scale)],
        order_by="launched_at, id",
        limit=limit,
        offset=offset,
    )
    return [_survey(item) for item in items]


@router.get(
    "/surveys/{survey_id}",
    response_model=SurveyResponse,
    tags=SURVEYS,
    summary="调研详情",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_survey(survey_id: uuid.UUID, request: Request, _: Reader) -> SurveyResponse:
    """One survey."""
    return _survey(await one(request, "surveys", Survey, survey_id, "调研"))


@router.post(
    "/problems",
    status_code=201,
    response_model=ProblemResponse,
    tags=PROBLEMS,
    summary="登记群众身边实际问题",
    responses=problem_responses(401, 403, 409, 422),
)
async def register_problem(
    body: RegisterProblemRequest,
    request: Request,
    who: Annotated[Principal, role("register_problem")],
) -> JSONResponse:
    """Register a problem: emits ProblemRegistered.

    Refusals: 422 survey_required / unknown_reference / pii_in_free_text.
    """
    cmd = cmds.RegisterProblem(
        id=body.id or uuid.uuid4(),
        source=body.source,
        survey_id=body.survey_id,
        county_code=body.county_code,
        township_code=body.township_code,
        category=body.category,
        summary=body.summary,
        owner_unit=body.owner_unit,
    )
    run = functools.partial(handlers.register_problem, cmd)
    return await execute(
        request,
        who,
        scope="register_problem",
        payload=body,
        run=run,
        render=_problem,
        status_code=201,
    )


@router.post(
    "/problems/{problem_id}/resolve",
    response_model=ProblemResponse,
    tags=PROBLEMS,
    summary="问题已解决",
    responses=CHANGE_ERRORS,
)
async def resolve_problem(
    problem_id: uuid.UUID,
    body: ResolveProblemRequest,
    request: Request,
    who: Annotated[Principal, role("resolve_problem")],
) -> JSONResponse:
    """Resolve: emits ProblemResolved (409 invalid_state when resolved or confirmed)."""
    cmd = cmds.ResolveProblem(id=problem_id, resolution=body.resolution, note=body.note)
    run = functools.partial(handlers.resolve_problem, cmd)
    return await execute(
        request, who, scope="resolve_problem", payload=body, run=run, render=_problem
    )


@router.post(
    "/problems/{problem_id}/reopen",
    response_model=ProblemResponse,
    tags=PROBLEMS,
    summary="问题重新打开",
    responses=CHANGE_ERRORS,
)
async def reopen_problem(
    problem_id: uuid.UUID,
    body: ReopenProblemRequest,
    request: Request,
    who: Annotated[Principal, role("reopen_problem")],
) -> JSONResponse:
    """Reopen: emits ProblemReopened (409 invalid_state unless RESOLVED)."""
    cmd = cmds.ReopenProblem(id=problem_id, reason_code=body.reason_code, note=body.note)
    run = functools.partial(handlers.reopen_problem, cmd)
    return await execute(
        request, who, scope="reopen_problem", payload=body, run=run, render=_problem
    )


@router.post(
    "/problems/{problem_id}/confirm",
    response_model=ProblemResponse,
    tags=PROBLEMS,
    summary="确认问题已解决",
    responses=CHANGE_ERRORS,
)
async def confirm_problem(
    problem_id: uuid.UUID, request: Request, who: Annotated[Principal, role("confirm_problem")]
) -> JSONResponse:
    """Confirm a resolution: emits ProblemConfirmed (409 invalid_state unless RESOLVED)."""
    run = functools.partial(handlers.confirm_problem, cmds.ConfirmProblem(id=problem_id))
    return await execute(
        request, who, scope="confirm_problem", payload=None, run=run, render=_problem
    )


@router.get(
    "/problems",
    response_model=list[ProblemResponse],
    tags=PROBLEMS,
    summary="问题列表",
    responses=problem_responses(401, 403, 422),
)
async def list_problems(
    request: Request,
    _: Reader,
    status: FilterCode = None,
    survey_id: uuid.UUID | None = None,
    source: FilterCode = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[ProblemResponse]:
    """Problems by status, survey and source."""
    items = await queries.fetch_many(
        runtime_of(request).pool,
        "problems",
        Problem,
        filters=[("status = {}", status), ("survey_id = {}", survey_id), ("source = {}", source)],
        order_by="registered_at, id",
        limit=limit,
        offset=offset,
    )
    return [_problem(item) for item in items]


@router.get(
    "/problems/{problem_id}",
    response_model=ProblemResponse,
    tags=PROBLEMS,
    summary="问题详情",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_problem(problem_id: uuid.UUID, request: Request, _: Reader) -> ProblemResponse:
    """One problem."""
    return _problem(await one(request, "problems", Problem, problem_id, "问题"))

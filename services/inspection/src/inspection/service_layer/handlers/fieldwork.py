"""Use cases of surveys and citizens' problems."""

from __future__ import annotations

from inspection.domain import commands as cmds
from inspection.domain.errors import InvalidInputError, unknown_reference
from inspection.domain.fieldwork import (
    IN_PROGRESS,
    OPEN,
    Problem,
    Survey,
    launch_survey as launched,
    require_survey_link,
)
from inspection.service_layer import publishing as pub
from inspection.service_layer.guards import existing, no_pii
from inspection.service_layer.ports import Context, UnitOfWork


async def launch_survey(cmd: cmds.LaunchSurvey, uow: UnitOfWork, ctx: Context) -> Survey:
    """Launch a survey (now, or when it actually began)."""
    no_pii(theme=cmd.theme)
    lead = cmd.lead_person_id or ctx.actor
    if lead is None:
        raise InvalidInputError("lead_required", "调研须注明牵头人（lead_person_id）")
    survey = launched(
        Survey(
            id=cmd.id,
            title=cmd.title,
            theme=cmd.theme,
            scale=cmd.scale,
            lead_person_id=lead,
            launched_at=cmd.launched_at or ctx.now,
            completed_at=None,
            report_ref=cmd.report_ref,
            status=IN_PROGRESS,
            problems_registered=0,
            version=1,
        ),
        now=ctx.now,
    )
    await uow.surveys.add(survey)
    uow.publish(pub.survey_launched(survey), version=survey.version)
    return survey


async def complete_survey(cmd: cmds.CompleteSurvey, uow: UnitOfWork, ctx: Context) -> Survey:
    """Complete a survey, counting the problems registered from it."""
    survey = await existing(uow.surveys, cmd.id, "调研")
    survey.complete(
        completed_at=cmd.completed_at or ctx.now,
        report_ref=cmd.report_ref,
        problems=await uow.lookups.problems_of_survey(survey.id),
        now=ctx.now,
    )
    await uow.surveys.save(survey)
    uow.publish(pub.survey_completed(survey), version=survey.version)
    return survey


async def register_problem(cmd: cmds.RegisterProblem, uow: UnitOfWork, ctx: Context) -> Problem:
    """Register a problem; one from a survey must name an existing survey."""
    no_pii(
        summary=cmd.summary,
        county_code=cmd.county_code,
        category=cmd.category,
        owner_unit=cmd.owner_unit,
    )
    problem_id = cmd.id
    require_survey_link(cmd.source, cmd.survey_id)
    if cmd.survey_id is not None and await uow.surveys.get(cmd.survey_id) is None:
        raise unknown_reference("调研")
    problem = Problem(
        id=problem_id,
        source=cmd.source,
        survey_id=cmd.survey_id,
        county_code=cmd.county_code,
        township_code=cmd.township_code,
        category=cmd.category,
        summary=cmd.summary,
        owner_unit=cmd.owner_unit,
        status=OPEN,
        registered_at=ctx.now,
        resolved_at=None,
        resolution=None,
        confirmed_at=None,
        reopened_at=None,
        reopen_reason_code=None,
        reopen_count=0,
        version=1,
    )
    await uow.problems.add(problem)
    uow.publish(pub.problem_registered(problem), version=problem.version)
    return problem


async def resolve_problem(cmd: cmds.ResolveProblem, uow: UnitOfWork, ctx: Context) -> Problem:
    """Resolve an open or reopened problem."""
    no_pii(resolution=cmd.resolution, note=cmd.note)
    problem = await existing(uow.problems, cmd.id, "问题")
    problem.resolve(resolution=cmd.resolution, now=ctx.now)
    await uow.problems.save(problem)
    uow.publish(pub.problem_resolved(problem), version=problem.version)
    return problem


async def reopen_problem(cmd: cmds.ReopenProblem, uow: UnitOfWork, ctx: Context) -> Problem:
    """Reopen a resolved problem."""
    no_pii(reason_code=cmd.reason_code, note=cmd.note)
    problem = await existing(uow.problems, cmd.id, "问题")
    problem.reopen(reason_code=cmd.reason_code, now=ctx.now)
    await uow.problems.save(problem)
    uow.publish(pub.problem_reopened(problem), version=problem.version)
    return problem


async def confirm_problem(cmd: cmds.ConfirmProblem, uow: UnitOfWork, ctx: Context) -> Problem:
    """Confirm a resolved problem's resolution."""
    problem = await existing(uow.problems, cmd.id, "问题")
    problem.confirm(now=ctx.now)
    await uow.problems.save(problem)
    uow.publish(pub.problem_confirmed(problem), version=problem.version)
    return problem

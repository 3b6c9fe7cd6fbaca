"""Surveys and citizens' problems: registered, resolved, confirmed or reopened."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from shared.clock import SimulatedClock
from shared.testing import Harness
from tests.integration.support import at, data, post, published, rejected

TABLES = ("problems", "surveys")


@pytest.fixture(autouse=True)
def autumn(clock: SimulatedClock) -> None:
    at(clock, date(2024, 10, 20), hour=17)


def command(svc: Harness, path: str, body: dict[str, Any] | None, role: str = "inspector"):
    return lambda: svc.client.post(path, json=body, headers=svc.auth(role))


def problem(**overrides: Any) -> dict[str, Any]:
    return {
        "source": "HOTLINE_12345",
        "county_code": "430903",
        "category": "养老服务",
        "summary": "小区助餐点午餐供应不足",
        "owner_unit": "养老服务科",
    } | overrides


async def test_a_survey_counts_the_problems_registered_from_it(svc: Harness):
    survey = await post(
        svc,
        "/surveys",
        {
            "title": "农村养老服务调研",
            "theme": "农村养老",
            "scale": "LARGE",
            "launched_at": "2024-10-08T09:00:00+08:00",
        },
        "main_leader",
    )
    for _ in range(2):
        await post(svc, "/problems", problem(source="SURVEY", survey_id=survey["id"]))
    done = await post(
        svc, f"/surveys/{survey['id']}/complete", {"completed_at": "2024-10-20T16:00:00+08:00"}
    )
    assert (done["status"], done["problems_registered"]) == ("COMPLETED", 2)
    events = await published(svc, "inspection.surveys", subject=survey["id"])
    assert data(events, "survey.launched")[0]["launched_at"] == "2024-10-08T01:00:00Z"
    assert data(events, "survey.completed") == [
        {
            "survey_id": survey["id"],
            "scale": "LARGE",
            "completed_at": "2024-10-20T08:00:00Z",
            "problems_registered": 2,
        }
    ]
    await rejected(
        svc,
        command(svc, f"/surveys/{survey['id']}/complete", {}),
        409,
        "invalid_state",
        tables=TABLES,
    )


async def test_survey_times_are_ordered_and_not_in_the_future(svc: Harness):
    future = {
        "title": "t",
        "theme": "t",
        "scale": "ORDINARY",
        "launched_at": "2024-10-21T09:00:00+08:00",
    }
    await rejected(svc, command(svc, "/surveys", future), 422, "in_future", tables=TABLES)
    survey = await post(svc, "/surveys", future | {"launched_at": "2024-10-10T09:00:00+08:00"})
    early = {"completed_at": "2024-10-09T09:00:00+08:00"}
    await rejected(
        svc,
        command(svc, f"/surveys/{survey['id']}/complete", early),
        422,
        "invalid_period",
        tables=TABLES,
    )


async def test_a_problem_is_resolved_reopened_resolved_and_confirmed(svc: Harness):
    made = await post(svc, "/problems", problem())
    path = f"/problems/{made['id']}"
    await rejected(
        svc,
        command(svc, f"{path}/reopen", {"reason": "NOT_FIXED"}),
        409,
        "invalid_state",
        tables=TABLES,
    )
    await rejected(svc, command(svc, f"{path}/confirm", None), 409, "invalid_state", tables=TABLES)
    await post(svc, f"{path}/resolve", {"resolution": "增设送餐时段"})
    await rejected(
        svc,
        command(svc, f"{path}/resolve", {"resolution": "再次"}),
        409,
        "invalid_state",
        tables=TABLES,
    )
    reopened = await post(svc, f"{path}/reopen", {"reason": "CITIZEN_UNSATISFIED"})
    assert (reopened["status"], reopened["reopen_count"]) == ("REOPENED", 1)
    await rejected(svc, command(svc, f"{path}/confirm", None), 409, "invalid_state", tables=TABLES)
    await post(svc, f"{path}/resolve", {"resolution": "更换供餐企业"})
    confirmed = await post(svc, f"{path}/confirm", {})
    assert (confirmed["status"], confirmed["aggregate_version"]) == ("CONFIRMED", 5)
    await rejected(
        svc,
        command(svc, f"{path}/resolve", {"resolution": "x"}),
        409,
        "invalid_state",
        tables=TABLES,
    )
    events = await published(svc, "inspection.problems", subject=made["id"])
    assert [e["type"].split(".")[2] for e in events] == [
        "registered",
        "resolved",
        "reopened",
        "resolved",
        "confirmed",
    ]
    [registered] = data(events, "problem.registered")
    assert "summary" not in registered
    assert data(events, "problem.reopened")[0]["reason_code"] == "CITIZEN_UNSATISFIED"


async def test_a_problem_from_a_survey_names_an_existing_survey_and_no_personal_data(svc: Harness):
    await rejected(
        svc,
        command(svc, "/problems", problem(source="SURVEY")),
        422,
        "survey_required",
        tables=TABLES,
    )
    unknown = problem(source="SURVEY", survey_id=str(uuid.uuid4()))
    await rejected(svc, command(svc, "/problems", unknown), 422, "unknown_reference", tables=TABLES)
    for summary in ("王大爷电话15873700001反映", "身份证43092119500101123X"):
        problem_ = await rejected(
            svc,
            command(svc, "/problems", problem(summary=summary)),
            422,
            "pii_in_free_text",
            tables=TABLES,
        )
        assert "1587370" not in str(problem_)
    await rejected(
        svc,
        command(svc, "/problems", problem(county_code="资阳区")),
        422,
        "invalid_input",
        tables=TABLES,
    )
    await rejected(
        svc, command(svc, "/problems", problem(), "institution_staff"), 403, "forbidden_role"
    )

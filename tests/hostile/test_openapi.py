"""Schemathesis against every service's OpenAPI, with tokens of roles each operation admits.

No operation may answer 5xx, and every answer must be documented: its status code, its content
type (errors are application/problem+json) and its body's schema; data that breaks the schema
must be refused with a 4xx. Deterministic: Hypothesis is derandomized, so a run repeats the
same requests.
"""

from __future__ import annotations

import os

import pytest
from fastapi import FastAPI, Query

from shared.http import problems
from tests.hostile.conftest import Stack
from tests.hostile.fuzz import NEGATIVE, POSITIVE, Job, role_plan, run
from tests.hostile.stack import SERVICES, SPECS, served

# Per operation and mode: enough to reach odd values, few enough for ~200 operations on 2 cores.
# HOSTILE_FUZZ_EXAMPLES="positive=50,negative=30" digs deeper by hand.
EXAMPLES = {
    mode: int(count)
    for mode, _, count in (
        part.partition("=")
        for part in os.environ.get("HOSTILE_FUZZ_EXAMPLES", f"{POSITIVE}=6,{NEGATIVE}=4").split(",")
    )
}


# About a minute per example and mode for a whole service on a busy machine, at most.
BUDGET_S = 60 + 60 * sum(EXAMPLES.values())


@pytest.mark.timeout(BUDGET_S + 60)
@pytest.mark.parametrize("service", SERVICES)
async def test_every_operation_answers_as_documented(service, stack: Stack, tmp_path):
    svc = await stack.get(service)
    openapi = svc.app.openapi()
    plan = await role_plan(svc.client, openapi, svc.tokens, SPECS[service].roles)
    async with served(svc.app) as base_url:
        job = Job(openapi, base_url, dict(svc.tokens), plan, EXAMPLES)
        findings = await run(job, tmp_path, timeout=BUDGET_S)
    report = "\n\n".join(f"## {f.operation} [{f.mode}] (as {f.role})\n{f.report}" for f in findings)
    assert not findings, f"{len(findings)} operations failed:\n{report}"


async def test_the_fuzzer_reports_server_errors_and_undocumented_answers(tmp_path):
    """The run above can fail: planted faults in a small app are each reported."""
    app = FastAPI()
    problems.install(app)

    @app.get("/crash", responses=problems.problem_responses(422))
    async def crash(n: int) -> dict[str, int]:
        return {"inverse": 1 // n}  # n = 0 is a 500

    @app.get("/teapot", responses=problems.problem_responses(422))
    async def teapot(n: int) -> dict[str, int]:
        if n > 1:
            raise problems.Problem(418, "teapot", "undocumented")
        return {"n": n}

    @app.get("/fine", responses=problems.problem_responses(422))
    async def fine(n: int = Query(ge=0, le=10)) -> dict[str, int]:
        return {"n": n}

    async with served(app) as base_url:
        operations = ("GET /crash", "GET /teapot", "GET /fine")
        plan: dict[str, str | None] = dict.fromkeys(operations, "admin")
        job = Job(app.openapi(), base_url, {"admin": "t"}, plan, {POSITIVE: 12, NEGATIVE: 4})
        findings = await run(job, tmp_path, timeout=120)
    reports = {(f.operation, f.mode): f.report for f in findings}
    assert "Server error" in reports[("GET /crash", POSITIVE)]
    assert "Undocumented status code" in reports[("GET /teapot", POSITIVE)]
    assert not [f for f in findings if f.operation == "GET /fine"], findings

"""Schemathesis against every service's OpenAPI, with tokens of roles each operation admits.

No operation may answer 5xx, and every answer must be documented: its status code, its content
type (errors are application/problem+json) and its body's schema; data that breaks the schema
must be refused with a 4xx. Deterministic: Hypothesis is derandomized, so a run repeats the
same requests.
"""

from __future__ import annotations

import os

import pytest

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

"""Schemathesis over one running service: every operation, with a token its roles admit.

The generator runs in a child process (``python -m tests.hostile.fuzz JOB OUT``) while the
service answers in the test's event loop: Hypothesis then has a core of its own, and its and
Schemathesis's warnings stay out of pytest's ``filterwarnings = error``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from devstack.paths import REPO_ROOT

METHODS = ("get", "post", "put", "patch", "delete")
NIL = "00000000-0000-0000-0000-000000000000"
NEGATIVE = "negative"
POSITIVE = "positive"


@dataclass(frozen=True)
class Finding:
    """One operation that failed a check, in one generation mode."""

    operation: str
    mode: str
    role: str | None
    report: str


@dataclass(frozen=True)
class Job:
    """What the child process fuzzes: the document, where it is served, who calls what."""

    openapi: dict[str, Any]
    base_url: str
    tokens: dict[str, str]
    roles: dict[str, str | None]
    examples: dict[str, int]


def operation_key(method: str, path: str) -> str:
    """``"POST /campaigns"``: how an operation is named in a job."""
    return f"{method.upper()} {path}"


async def role_plan(
    client: httpx.AsyncClient,
    openapi: Mapping[str, Any],
    tokens: Mapping[str, str],
    order: Sequence[str],
) -> dict[str, str | None]:
    """For each operation, the first token key of ``order`` (then any other) it does not refuse.

    Roles are checked by a dependency before the body and parameters are validated, so a call
    with placeholder values tells a role refusal (403 ``forbidden_role``) from anything else.
    """
    candidates = [*order, *(k for k in tokens if k not in order)]
    plan: dict[str, str | None] = {}
    for path, item in openapi["paths"].items():
        url = "/".join(NIL if p.startswith("{") else p for p in path.split("/"))
        for method in item:
            if method not in METHODS:
                continue
            key = operation_key(method, path)
            plan[key] = None
            for role in candidates:
                response = await client.request(
                    method.upper(),
                    url,
                    json=None if method == "get" else {},
                    headers={"Authorization": f"Bearer {tokens[role]}"},
                )
                if response.status_code != 401 and not _refused_role(response):
                    plan[key] = role
                    break
    return plan


def _refused_role(response: httpx.Response) -> bool:
    if response.status_code != 403:
        return False
    try:
        return bool(response.json().get("code") == "forbidden_role")
    except ValueError:
        return False


async def run(job: Job, scratch: Path, *, timeout: float) -> list[Finding]:
    """Fuzz in a child process while this event loop keeps serving the service."""
    job_file, out_file = scratch / "job.json", scratch / "findings.json"
    job_file.write_text(json.dumps(asdict(job)), "utf-8")
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.hostile.fuzz", str(job_file), str(out_file), cwd=REPO_ROOT
    )
    try:
        async with asyncio.timeout(timeout):
            code = await child.wait()
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
    if code != 0:
        raise RuntimeError(f"the fuzzing process exited with {code}")
    return [Finding(**f) for f in json.loads(out_file.read_text("utf-8"))]


def fuzz(job: Job) -> list[Finding]:
    """Every operation of the job in each generation mode; blocking."""
    # Schemathesis calls through requests; one session keeps one connection for the run.
    import requests  # noqa: TID251
    import schemathesis
    from schemathesis.core.result import Err

    schema = schemathesis.openapi.from_dict(job.openapi)
    findings: list[Finding] = []
    with requests.Session() as session:
        for result in schema.get_all_operations():
            if isinstance(result, Err):
                findings.append(Finding("?", "-", None, f"not a valid operation: {result.err()}"))
                continue
            operation = result.ok()
            key = operation_key(operation.method, operation.path)
            role = job.roles.get(key)
            if role is None:
                findings.append(Finding(key, "-", None, "no token of the service admits it"))
                continue
            headers = {"Authorization": f"Bearer {job.tokens[role]}"}
            for mode, examples in job.examples.items():
                report = _fuzz_operation(operation, session, job.base_url, headers, mode, examples)
                if report is not None:
                    findings.append(Finding(key, mode, role, report))
    return findings


def _fuzz_operation(
    operation: Any, session: Any, base_url: str, headers: dict[str, str], mode: str, examples: int
) -> str | None:
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        negative_data_rejection,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
    ]
    generation = schemathesis.GenerationMode.POSITIVE
    if mode == NEGATIVE:
        generation = schemathesis.GenerationMode.NEGATIVE
        checks.append(negative_data_rejection)

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        # Shrinking would replay requests against a service whose state has moved on.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=generation))
    def check(case: Any) -> None:
        case.call_and_validate(
            base_url=base_url, session=session, headers=headers, checks=checks, timeout=30
        )

    try:
        check()
    except Unsatisfiable:
        # Nothing to negate: the operation takes no parameters and no body.
        return None
    # Schemathesis raises its check failures as a BaseExceptionGroup; all are findings.
    except (Exception, BaseExceptionGroup) as exc:
        return str(exc)[:4000]
    return None


def main(argv: Sequence[str]) -> int:
    """``python -m tests.hostile.fuzz JOB OUT``: fuzz the job, write the findings."""
    job = Job(**json.loads(Path(argv[0]).read_text("utf-8")))
    with warnings.catch_warnings():
        # Slow-generation and similar advice from Hypothesis and Schemathesis is no finding.
        warnings.simplefilter("ignore")
        findings = fuzz(job)
    Path(argv[1]).write_text(json.dumps([asdict(f) for f in findings]), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Command path: a create command on each department service vs a minimal FastAPI INSERT.

Each service's command runs its real path: bearer token, Idempotency-Key, pydantic validation,
the use case's reads and checks, one transaction with the state change, the idempotency record
and the outbox row, and the relay publishing it (in the same process). The baseline
(``bench.baseline_app``) validates a body of the same shape and INSERTs one row with asyncpg.
Both are served by uvicorn the same way, on the same PostgreSQL, driven by the same client at the
same concurrency, in alternating rounds; the medians are compared.
"""

import asyncio
import contextlib
import itertools
import os
import statistics
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import asyncpg
import httpx

from bench import httpload
from bench.procs import cpu_by_part, cpu_delta, cpu_seconds, status_kib
from bench.report import result
from bench.stack import Stack
from devstack.ports import free_port
from devstack.postgres import create_database
from shared.http.auth import principal_for

CONCURRENCY = 16
WARMUP_S = 2.0
WINDOW_S = 10.0
ROUNDS = 3
TARGET = 0.6
BASELINE = "baseline"
COUNTY = "430902"
# What each service's command is, and which token sends it (the role the demo loader uses).
COMMANDS = {
    "inspection": ("POST /safety-talks", "safety_lead"),
    "eldercare": ("POST /institutions", "admin"),
    "charity": ("POST /donations", "finance_officer"),
}
DOWNSTREAM = {
    "inspection": "views",
    "eldercare": "inspection, charity, notify and views (their site replicas and projections)",
    "charity": "views",
}


def institution(n: int) -> dict[str, Any]:
    """An institution registration like the demo year's, unique by id and filing number."""
    return {
        "id": str(uuid.uuid4()),
        "filing_no": f"YY-MZ-B{n:07d}-{uuid.uuid4().hex[:6]}",
        "name": f"益阳市基准测试养老服务机构{n:05d}号",
        "kind": "ELDERCARE_PUBLIC",
        "county_code": COUNTY,
        "township_code": f"{COUNTY}001",
        "beds": 30,
        "head_person_id": str(uuid.uuid4()),
    }


def safety_talk(held_at: str) -> dict[str, Any]:
    """A safety talk at the bureau, as the demo year's ``T-2024-xx``."""
    return {
        "id": str(uuid.uuid4()),
        "venue_site_id": "BUREAU",
        "format": "MINZHENG_LECTURE",
        "topic": "消防安全与应急处置",
        "speaker_person_id": str(principal_for("safety_lead").person_id),
        "held_at": held_at,
        "audience_count": 40,
    }


def donation(n: int, fund_id: str, received_at: str) -> dict[str, Any]:
    """A cash donation from an organisation, as the demo year's ``JZ-2024-xxxx``."""
    return {
        "id": str(uuid.uuid4()),
        "receipt_no": f"JZ-B-{n:07d}-{uuid.uuid4().hex[:6]}",
        "fund_id": fund_id,
        "donor_type": "ORGANISATION",
        "donor_display_name": f"益阳爱心企业{n % 60 + 1:02d}",
        "kind": "CASH",
        "amount_minor": 500_000,
        "received_at": received_at,
    }


def clock_of(stack: Stack, service: str) -> datetime:
    """The service's (simulated) now: bodies are dated an hour before it."""
    answer = httpx.get(
        f"{stack.url(service)}/_admin/clock", headers=stack.headers("admin"), timeout=10
    )
    answer.raise_for_status()
    return datetime.fromisoformat(answer.json()["now"])


def open_fund(stack: Stack) -> str:
    """A donation fund of the bench's own."""
    fund = str(uuid.uuid4())
    answer = httpx.post(
        f"{stack.url('charity')}/funds",
        json={"id": fund, "code": f"BENCH-{fund[:8]}", "source_type": "DONATION"},
        headers={**stack.headers("finance_officer"), "Idempotency-Key": f"bench:{fund}"},
        timeout=30,
    )
    answer.raise_for_status()
    return fund


def request_makers(
    stack: Stack, baseline_url: str
) -> dict[str, Callable[[], tuple[str, dict[str, Any]]]]:
    """The next request of each target."""
    counter = itertools.count(1)
    fund = open_fund(stack)
    talk_at = (clock_of(stack, "inspection") - timedelta(hours=1)).isoformat()
    gift_at = (clock_of(stack, "charity") - timedelta(hours=1)).isoformat()
    urls = {s: stack.url(s) for s in COMMANDS}
    return {
        BASELINE: lambda: (f"{baseline_url}/items", institution(next(counter))),
        "inspection": lambda: (f"{urls['inspection']}/safety-talks", safety_talk(talk_at)),
        "eldercare": lambda: (f"{urls['eldercare']}/institutions", institution(next(counter))),
        "charity": lambda: (f"{urls['charity']}/donations", donation(next(counter), fund, gift_at)),
    }


@contextlib.asynccontextmanager
async def baseline_app(stack: Stack) -> AsyncIterator[tuple[str, int]]:
    """``bench.baseline_app`` on a free port with its own database on the stack's PostgreSQL."""
    admin = stack.cfg.postgres().admin_dsn()
    await create_database(admin, "bench_baseline")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.baseline_app"],
        env={
            **os.environ,
            "DATABASE_URL": stack.cfg.postgres().admin_dsn("bench_baseline"),
            "HTTP_PORT": str(port),
        },
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as client, asyncio.timeout(60):
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{url}/health")).status_code == 200:
                        break
                await asyncio.sleep(0.2)
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(30)
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute("DROP DATABASE IF EXISTS bench_baseline")
        finally:
            await conn.close()


async def _window(
    stack: Stack,
    client: aiohttp.ClientSession,
    target: str,
    make: Callable[[], tuple[str, dict[str, Any]]],
    roots: dict[str, int],
) -> tuple[httpload.Window, dict[str, float]]:
    token = stack.tokens()[COMMANDS[target][1] if target in COMMANDS else "admin"]
    # Each window starts from a quiet stack: the previous window's events are consumed first.
    await asyncio.to_thread(stack.pipeline_idle, 600)
    readings: list[dict[str, float]] = []
    window = await httpload.closed_loop(
        client,
        lambda: (*make(), httpload.command_headers(token)),
        concurrency=CONCURRENCY,
        warmup_s=WARMUP_S,
        seconds=WINDOW_S,
        at_edges=lambda: readings.append(
            {**cpu_by_part(roots), "client": cpu_seconds([os.getpid()])}
        ),
    )
    return window, cpu_delta(*readings)


async def run(stack: Stack) -> list[dict[str, Any]]:
    """Alternating rounds of every target; one result per department service."""
    targets = [BASELINE, *COMMANDS]
    windows: dict[str, list[httpload.Window]] = {t: [] for t in targets}
    cpu: dict[str, list[dict[str, float]]] = {t: [] for t in targets}
    async with baseline_app(stack) as (baseline_url, baseline_pid):
        makers = request_makers(stack, baseline_url)
        roots = {**stack.roots(), BASELINE: baseline_pid}
        async with httpload.session(CONCURRENCY) as client:
            for r in range(ROUNDS):
                # Rotate the order so that no target always follows the same neighbour.
                for target in targets[r % len(targets) :] + targets[: r % len(targets)]:
                    window, spent = await _window(stack, client, target, makers[target], roots)
                    windows[target].append(window)
                    cpu[target].append(spent)
                    print(
                        f"  round {r + 1} {target}: {window.rps:.0f} req/s, "
                        f"p50 {window.p(50):.0f} ms, errors {window.errors}",
                        flush=True,
                    )
        baseline_hwm_kib = status_kib(baseline_pid, "VmHWM")
    base = statistics.median(w.rps for w in windows[BASELINE])
    results = []
    for service, (command, role) in COMMANDS.items():
        value = statistics.median(w.rps for w in windows[service])
        results.append(
            result(
                f"command_{service}",
                f"requests/s of {service}'s {command} (token {role}: validation, Idempotency-Key, "
                "one transaction with the state change and the outbox row, relay in-process) vs a "
                "minimal FastAPI + asyncpg INSERT app under uvicorn, same client (aiohttp), "
                f"{CONCURRENCY} requests in flight, {ROUNDS} alternating {WINDOW_S:.0f} s windows",
                value=value,
                baseline=base,
                unit="requests/s",
                target=f">= {TARGET}",
                met=value / base >= TARGET,
                concurrency=CONCURRENCY,
                window_s=WINDOW_S,
                rounds={
                    service: [round(w.rps, 1) for w in windows[service]],
                    BASELINE: [round(w.rps, 1) for w in windows[BASELINE]],
                },
                latency_ms={
                    service: _latency(windows[service]),
                    BASELINE: _latency(windows[BASELINE]),
                },
                errors={
                    service: _errors(windows[service]),
                    BASELINE: _errors(windows[BASELINE]),
                },
                cpu_seconds_per_window={
                    service: _median_cpu(cpu[service]),
                    BASELINE: _median_cpu(cpu[BASELINE]),
                },
                cpu_ms_per_request={
                    f"{service}_process": _cpu_per_request(cpu[service], windows[service], service),
                    "baseline_process": _cpu_per_request(
                        cpu[BASELINE], windows[BASELINE], BASELINE
                    ),
                    f"{service}_whole_stack": _cpu_per_request(cpu[service], windows[service]),
                    "baseline_whole_stack": _cpu_per_request(cpu[BASELINE], windows[BASELINE]),
                },
                downstream_consumers=DOWNSTREAM[service],
                baseline_peak_rss_mib=round(baseline_hwm_kib / 1024, 1),
            )
        )
    return results


def _latency(windows: list[httpload.Window]) -> dict[str, float]:
    every = [x for w in windows for x in w.latencies]
    return {
        "p50": round(httpload.percentile(every, 50) * 1000, 1),
        "p99": round(httpload.percentile(every, 99) * 1000, 1),
    }


def _errors(windows: list[httpload.Window]) -> dict[str, int]:
    total: dict[str, int] = {}
    for w in windows:
        for status, n in w.errors.items():
            total[status] = total.get(status, 0) + n
    return total


def _cpu_per_request(
    readings: list[dict[str, float]], windows: list[httpload.Window], part: str | None = None
) -> float:
    """Median CPU milliseconds per answered request: of one part, or of all but the client."""
    costs = [
        (r[part] if part else sum(v for k, v in r.items() if k != "client")) / w.ok * 1000
        for r, w in zip(readings, windows, strict=True)
        if w.ok
    ]
    return round(statistics.median(costs), 2) if costs else float("nan")


def _median_cpu(readings: list[dict[str, float]]) -> dict[str, float]:
    """Per part, the median CPU seconds over the windows (parts that used ≥ 0.05 s)."""
    parts = {k for r in readings for k in r}
    medians = {k: round(statistics.median(r.get(k, 0.0) for r in readings), 2) for k in parts}
    return dict(sorted(((k, v) for k, v in medians.items() if v >= 0.05), key=lambda kv: -kv[1]))

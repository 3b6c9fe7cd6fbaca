"""Memory: peak resident memory of each service and of the whole stack during the demo load.

Per service: the kernel's high-water mark (``VmHWM``) of the service process at the end of the
load; the services start with the stack just before it, so that is the peak of the load. The
baseline is the same figure for the minimal FastAPI + asyncpg app of the command-path benchmark
after a few seconds of inserts: what any Python service under uvicorn costs here.

Whole stack: every process of the stack (Kafka's JVM, PostgreSQL's postmaster and every backend,
the dev sinks, the five services) with its descendants, sampled every second (PSS every two).
The value is the highest sum of PSS (proportional set size: a page shared by n processes counts
1/n in each), i.e. the physical memory the stack holds. The plain sum of RSS is reported next to
it but is no measure of the stack: every PostgreSQL backend's RSS includes the shared buffers it
has touched, so fifty backends count the same 128 MB up to fifty times. The baseline is the
first sample (the stack up and idle, before the load).
"""

from typing import Any

from bench import httpload
from bench.command_path import CONCURRENCY, baseline_app, institution
from bench.demo_year import DemoYear
from bench.procs import mib, status_kib
from bench.report import result
from bench.stack import SERVICES, Stack

SERVICE_LIMIT_MB = 200.0
STACK_LIMIT_MIB = 2048.0  # 2 GiB
MB = 1_000_000


async def _baseline_peak_kib(stack: Stack) -> int:
    """VmHWM of the minimal app after five seconds of inserts at the command bench's load."""
    async with baseline_app(stack) as (url, pid), httpload.session(CONCURRENCY) as client:
        counter = iter(range(1, 10**9))
        await httpload.closed_loop(
            client,
            lambda: (f"{url}/items", institution(next(counter)), {}),
            concurrency=CONCURRENCY,
            warmup_s=0.0,
            seconds=5.0,
        )
        return status_kib(pid, "VmHWM")


async def run(stack: Stack, demo: DemoYear) -> list[dict[str, Any]]:
    """Two results: the largest service peak, and the whole stack's peak."""
    baseline_kib = await _baseline_peak_kib(stack)
    sampler = demo.sampler
    peaks = {name: demo.hwm_kib[name] * 1024 / MB for name in SERVICES if name in demo.hwm_kib}
    worst = max(peaks.values())
    loaded = {
        "demo_load_seconds": round(demo.seconds),
        "demo_exit_code": demo.exit_code,
        "demo_commands": demo.summary.get("lines"),
        "loadavg_during_load": {
            "before": [round(x, 2) for x in demo.loadavg_before],
            "after": [round(x, 2) for x in demo.loadavg_after],
        },
    }
    services = result(
        "memory_services",
        "peak resident memory (VmHWM, MB = 10^6 bytes) of each service process during the demo "
        "load; value = the largest; baseline = the minimal FastAPI + asyncpg app after five "
        "seconds of inserts",
        value=worst,
        baseline=baseline_kib * 1024 / MB,
        unit="MB",
        target=f"<= {SERVICE_LIMIT_MB:.0f} MB each",
        met=all(v <= SERVICE_LIMIT_MB for v in peaks.values()),
        services={
            name: {
                "peak_mb": round(peaks[name], 1),
                "sampled_max_rss_mb": round(sampler.peak_part.get(name, 0) / MB, 1),
            }
            for name in peaks
        },
        **loaded,
    )
    whole = result(
        "memory_stack",
        "peak of the summed PSS (MiB), sampled every two seconds during the demo load, of every "
        "process of the local stack: Kafka, PostgreSQL (postmaster and backends), the notify "
        "sinks, the five services; baseline = the first sample (stack idle, before the load)",
        value=mib(sampler.peak_pss_total),
        baseline=mib(sampler.first_pss_total),
        unit="MiB",
        target=f"<= {STACK_LIMIT_MIB:.0f} MiB (2 GiB)",
        met=sampler.peak_pss_total <= STACK_LIMIT_MIB * 1024 * 1024,
        pss_by_part_at_peak_mib={k: mib(v) for k, v in sampler.pss_parts_at_peak.items()},
        rss_sum_peak_mib=mib(sampler.peak_total),
        rss_sum_first_mib=mib(sampler.first_total),
        rss_peak_by_part_mib={k: mib(v) for k, v in sampler.peak_part.items()},
        samples=sampler.samples,
        **loaded,
    )
    return [services, whole]

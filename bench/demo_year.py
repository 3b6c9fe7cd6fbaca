"""The demo year loaded once per bench run (``python -m demo load``), with memory sampled."""

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.procs import MemorySampler, status_kib
from bench.stack import SERVICES, Stack


@dataclass
class DemoYear:
    """How the load went and what the sampler saw."""

    seconds: float
    exit_code: int
    sampler: MemorySampler
    hwm_kib: dict[str, int]
    summary: dict[str, Any]
    loadavg_before: tuple[float, float, float]
    loadavg_after: tuple[float, float, float]


def load(stack: Stack) -> DemoYear:
    """Run the demo loader against the stack while sampling the stack's processes."""
    roots = stack.roots()
    sampler = MemorySampler(roots)
    summary_file = stack.state / "demo-summary.json"
    before = os.getloadavg()
    sampler.start()
    began = time.monotonic()
    try:
        # The loader prints its month-by-month progress; it goes straight to our output.
        done = subprocess.run(
            [sys.executable, "-m", "demo", "load", "--summary", str(summary_file)],
            env=stack.env,
            timeout=5400,
            check=False,
        )
    finally:
        sampler.stop()
    seconds = time.monotonic() - began
    # VmHWM is the kernel's own high-water mark: exact, whatever the sampling interval missed.
    hwm = {name: status_kib(roots[name], "VmHWM") for name in SERVICES if name in roots}
    try:
        summary: dict[str, Any] = json.loads(Path(summary_file).read_text("utf-8"))
    except (OSError, ValueError):
        summary = {}
    return DemoYear(seconds, done.returncode, sampler, hwm, summary, before, os.getloadavg())

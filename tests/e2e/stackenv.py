"""A private local stack for an end-to-end test: free ports, its own state dir, always stopped."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devstack import processes
from devstack.ports import free_port

SERVICES = ("inspection", "eldercare", "charity", "notify", "views")
PORT_VARIABLES = (
    "KAFKA_PORT",
    "KAFKA_CONTROLLER_PORT",
    "PG_PORT",
    *(f"{service.upper()}_PORT" for service in SERVICES),
    "NOTIFY_SINK_SMTP_PORT",
    "NOTIFY_SINK_HTTP_PORT",
)


def distinct_free_ports(count: int) -> list[int]:
    ports: set[int] = set()
    while len(ports) < count:
        ports.add(free_port())
    return sorted(ports)


@contextmanager
def private_stack_env(partitions: int = 1) -> Iterator[dict[str, str]]:
    """The environment of a stack on free ports; ``devstack down`` and cleanup at the end."""
    state = Path(tempfile.mkdtemp(prefix="devstack-e2e-"))
    state.chmod(0o755)  # the postgres user must reach its data dir inside
    env = {k: v for k, v in os.environ.items() if k != "DEVSTACK_SERVICES"}  # every service
    env.update(zip(PORT_VARIABLES, map(str, distinct_free_ports(len(PORT_VARIABLES))), strict=True))
    env.update(
        {
            "DEVSTACK_STATE_DIR": str(state),
            "KAFKA_TOPIC_PARTITIONS": str(partitions),
            # Five services start at once on a shared machine: give each time to answer.
            "DEVSTACK_READY_TIMEOUT": "240",
        }
    )
    try:
        yield env
    finally:
        subprocess.run(
            [sys.executable, "-m", "devstack", "down"],
            env=env,
            capture_output=True,
            check=False,
            timeout=180,
        )
        shutil.rmtree(state, ignore_errors=True)


def run(env: dict[str, str], *argv: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run ``python -m <argv>`` with ``env``, echoing how long it took."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    sys.stdout.write(
        f"{' '.join(argv)}: exit {result.returncode} in {time.monotonic() - started:.1f}s\n"
    )
    return result


def logs(state: Path, lines: int = 25) -> str:
    """The tail of every log of the stack."""
    tails = []
    for log in sorted((state / "logs").glob("*.log")):
        tails.append(f"----- {log.name} (last lines) -----\n{processes.tail(log, lines)}")
    return "\n".join(tails)


def explain(result: subprocess.CompletedProcess[str], state: Path) -> str:
    """Everything needed to see why a command failed."""
    return (
        f"exit {result.returncode}\n--- stdout ---\n{result.stdout[-20000:]}\n--- stderr ---\n"
        f"{result.stderr[-20000:]}\n{logs(state)}"
    )

"""A private local stack (``python -m devstack up``) on free ports for the stack benchmarks."""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from devstack import processes
from devstack.ports import free_port
from devstack.stack import StackConfig

SERVICES = ("inspection", "eldercare", "charity", "notify", "views")
DEPARTMENTS = ("inspection", "eldercare", "charity")
PORT_VARIABLES = (
    "KAFKA_PORT",
    "KAFKA_CONTROLLER_PORT",
    "PG_PORT",
    *(f"{service.upper()}_PORT" for service in SERVICES),
    "NOTIFY_SINK_SMTP_PORT",
    "NOTIFY_SINK_HTTP_PORT",
)


@dataclass
class Stack:
    """Where a private stack answers, its tokens, and the pids of its parts."""

    env: dict[str, str]
    state: Path

    @property
    def cfg(self) -> StackConfig:
        return StackConfig(
            state_dir=self.state,
            kafka_port=int(self.env["KAFKA_PORT"]),
            controller_port=int(self.env["KAFKA_CONTROLLER_PORT"]),
            pg_port=int(self.env["PG_PORT"]),
            service_ports={s: int(self.env[f"{s.upper()}_PORT"]) for s in SERVICES},
            sink_smtp_port=int(self.env["NOTIFY_SINK_SMTP_PORT"]),
            sink_http_port=int(self.env["NOTIFY_SINK_HTTP_PORT"]),
        )

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.env['KAFKA_PORT']}"

    def url(self, service: str) -> str:
        if service == "sinks":
            return f"http://127.0.0.1:{self.env['NOTIFY_SINK_HTTP_PORT']}"
        return f"http://127.0.0.1:{self.env[f'{service.upper()}_PORT']}"

    def tokens(self) -> dict[str, str]:
        data: dict[str, str] = json.loads((self.state / "tokens.json").read_text())
        return data

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens()[role]}"}

    def record(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.state / "stack.json").read_text())
        return data

    def roots(self) -> dict[str, int]:
        """The stack's top processes by part: kafka, postgres, sinks and each service."""
        rec = self.record()
        roots = {"kafka": rec["kafka"]["pid"], "postgres": rec["postgres"]["pid"]}
        if rec.get("sinks"):
            roots["sinks"] = rec["sinks"]["pid"]
        roots.update({name: r["pid"] for name, r in rec["services"].items()})
        return {k: int(v) for k, v in roots.items() if v}

    def up(self, **extra: str) -> None:
        """``devstack up`` with this stack's environment (plus ``extra`` settings)."""
        result = subprocess.run(
            [sys.executable, "-m", "devstack", "up"],
            env={**self.env, **extra},
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"devstack up failed:\n{result.stdout[-4000:]}{result.stderr[-4000:]}"
            )

    def restart_service(self, name: str, **extra: str) -> None:
        """Stop one service of this stack (by its recorded pid) and start it with ``extra``."""
        processes.terminate(self.roots()[name], 30)
        self.up(**extra)

    def pipeline_idle(self, timeout: float = 300.0) -> None:
        """Wait until every service's outbox is published and its consumers have no lag."""
        deadline = time.monotonic() + timeout
        with httpx.Client(headers=self.headers("admin"), timeout=10) as client:
            for service in SERVICES:
                while True:
                    body = client.get(f"{self.url(service)}/_admin/pipeline").json()
                    if _idle(body):
                        break
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"{service} pipeline not idle: {body}")
                    time.sleep(0.25)


def _idle(pipeline: dict[str, Any]) -> bool:
    """Nothing left to publish, to consume or (notify) to send now."""
    lag = (pipeline.get("consumer") or {}).get("total")
    due = (pipeline.get("pending") or {}).get("due")
    return not pipeline.get("outbox_pending") and not lag and not due


def _distinct_free_ports(count: int) -> list[int]:
    ports: set[int] = set()
    while len(ports) < count:
        ports.add(free_port())
    return sorted(ports)


@contextlib.contextmanager
def private_stack(**extra: str) -> Iterator[Stack]:
    """Every part of the local stack on free ports in a temporary state dir; down at the end."""
    state = Path(tempfile.mkdtemp(prefix="bench-stack-"))
    state.chmod(0o755)  # the postgres user must reach its data dir inside
    env = {k: v for k, v in os.environ.items() if k != "DEVSTACK_SERVICES"}
    env.update(
        zip(PORT_VARIABLES, map(str, _distinct_free_ports(len(PORT_VARIABLES))), strict=True)
    )
    # Five services start at once on a shared machine: give each time to answer.
    env.update({"DEVSTACK_STATE_DIR": str(state), "DEVSTACK_READY_TIMEOUT": "240", **extra})
    stack = Stack(env, state)
    try:
        stack.up()
        yield stack
    finally:
        subprocess.run(
            [sys.executable, "-m", "devstack", "down"],
            env=env,
            capture_output=True,
            check=False,
            timeout=300,
        )
        shutil.rmtree(state, ignore_errors=True)

"""A private fault-test stack: 3 Kafka brokers, PostgreSQL, the notify sinks, service processes.

Built from devstack's parts (``KafkaCluster``, ``PostgresCluster``, secrets, provisioning) on free
ports in a temp dir, never on the ports of ``make up``. Every service runs as its own
``python -m <service> serve`` process (so it can be SIGKILLed), and a service may run as several
instances on different HTTP ports against the same database and Kafka, as operators scale out.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from devstack import processes
from devstack.kafka import KafkaCluster
from devstack.paths import REPO_ROOT
from devstack.ports import LOOPBACK, free_port
from devstack.postgres import PostgresCluster
from devstack.secrets_store import StackSecrets, ensure_secrets
from devstack.stack import OWNER_ENV, notify_demo_defaults
from devstack.topics import provision_topics
from shared.events.topics import all_topics

SERVICES = ("inspection", "eldercare", "charity", "notify", "views")
DATABASE = "minzheng"
# Two partitions per topic: two instances of a consumer then each own some of every topic.
PARTITIONS = 2
# Settings that keep the two-core machine responsive and failover quick; read by the services.
SERVICE_TUNING = {
    "RELAY_POLL_INTERVAL_S": "0.5",
    "CONSUMER_BACKOFF_MAX_S": "1.0",
    "DB_POOL_MAX": "5",
    "LOG_LEVEL": "WARNING",
    "SWEEPER_ENABLED": "false",
}
# What the parent environment must not leak into a service (the stack sets its own).
_PRIVATE_ENV = (
    "VAULT_KEY",
    "PII_PEPPER",
    "KAFKA_SECURITY_PROTOCOL",
    "KAFKA_SASL_MECHANISM",
    "KAFKA_SASL_USERNAME",
    "KAFKA_SASL_PASSWORD",
    "DEVSTACK_SERVICES",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "LOG_DIR",
    "DEMO_MODE",
)


@dataclass
class Instance:
    """One service process: its HTTP port, its log, and the process while it runs."""

    service: str
    index: int
    port: int
    log: Path
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def name(self) -> str:
        """``service#index``."""
        return f"{self.service}#{self.index}"

    @property
    def url(self) -> str:
        """The instance's base URL."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def pid(self) -> int | None:
        """The process id while it runs."""
        if self.proc is None or self.proc.poll() is not None:
            return None
        return self.proc.pid


@dataclass
class FaultStack:
    """The private stack of one test module; :meth:`close` leaves no process behind."""

    base: Path
    cluster: KafkaCluster
    pg: PostgresCluster
    secrets: StackSecrets
    sink_smtp_port: int
    sink_http_port: int
    instances: dict[tuple[str, int], Instance] = field(default_factory=dict)
    sinks: subprocess.Popen[bytes] | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @classmethod
    def create(cls) -> FaultStack:
        """Allocate the directories and ports; nothing runs yet."""
        base = Path(tempfile.mkdtemp(prefix="devstack-faults-"))
        base.chmod(0o755)  # the postgres user must reach its data dir inside
        (base / "logs").mkdir()
        return cls(
            base=base,
            cluster=KafkaCluster(base / "kafka"),
            pg=PostgresCluster(base / "pg", free_port(), base / "logs" / "postgres.log"),
            secrets=ensure_secrets(base, SERVICES),
            sink_smtp_port=free_port(),
            sink_http_port=free_port(),
        )

    @property
    def bootstrap(self) -> str:
        """The three brokers' addresses, comma-separated (as the services get them)."""
        return self.cluster.bootstrap

    @property
    def tokens(self) -> dict[str, str]:
        """``{role: bearer token}`` of the stack."""
        return self.secrets.tokens

    def admin_dsn(self) -> str:
        """The superuser DSN of the stack's database."""
        return self.pg.admin_dsn(DATABASE)

    async def start(self) -> None:
        """Brokers, database, roles, topics (RF 3, min ISR 2), sinks and one instance each."""
        began = time.monotonic()
        self.cluster.start()
        await asyncio.to_thread(self._start_pg)
        await self.pg.create_database(DATABASE)
        for service in SERVICES:
            await self.pg.ensure_service_role(DATABASE, service, self.secrets.db_passwords[service])
        await self.cluster.wait_ready(timeout=180)
        self.timings["kafka_pg_ready_s"] = time.monotonic() - began
        await provision_topics(
            self.bootstrap, all_topics(), partitions=PARTITIONS, replication=3, min_insync=2
        )
        self._start_sinks()
        for service in SERVICES:
            self.spawn(service, 1)
        await self.wait_ready([self.instance(s, 1) for s in SERVICES], timeout=240)
        self.timings["stack_ready_s"] = time.monotonic() - began

    def _start_pg(self) -> None:
        self.pg.init()
        self.pg.start()

    def _start_sinks(self) -> None:
        env = {
            **os.environ,
            "NOTIFY_SINK_SMTP_HOST": LOOPBACK,
            "NOTIFY_SINK_SMTP_PORT": str(self.sink_smtp_port),
            "NOTIFY_SINK_HTTP_HOST": LOOPBACK,
            "NOTIFY_SINK_HTTP_PORT": str(self.sink_http_port),
        }
        self.sinks = processes.spawn_detached(
            [sys.executable, "-m", "notify.sinks"],
            log_file=self.base / "logs" / "notify-sinks.log",
            env=env,
            cwd=REPO_ROOT,
        )

    def service_env(self, service: str, port: int) -> dict[str, str]:
        """The environment of one instance, as ``devstack up`` gives it, on this stack."""
        env = {k: v for k, v in os.environ.items() if k not in _PRIVATE_ENV}
        password = self.secrets.db_passwords[service]
        env.update(SERVICE_TUNING)
        env.update(
            {
                "SERVICE_NAME": service,
                "HTTP_HOST": LOOPBACK,
                "HTTP_PORT": str(port),
                "DATABASE_URL": self.pg.dsn(service, password, DATABASE),
                "DB_SCHEMA": service,
                "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
                "AUTH_TOKENS_FILE": str(self.base / "tokens.json"),
                **self.secrets.vault_env(service),
                # Lets a sweep find the processes of this stack should pytest itself be killed.
                OWNER_ENV: str(self.base),
            }
        )
        if service == "notify":
            env.update(notify_demo_defaults())
            # Normal-priority messages would wait for 07:00 during quiet hours: send them now.
            env["QUIET_DEFERRED_PRIORITIES"] = ""
            # A send cut off by a SIGKILL is retried once it is stuck this long (default 300 s).
            env["STUCK_AFTER_S"] = "10"
            env["SWEEP_INTERVAL_S"] = "2"
            env["SINK_SMTP_HOST"] = LOOPBACK
            env["SINK_SMTP_PORT"] = str(self.sink_smtp_port)
            env["SINK_HTTP_URL"] = f"http://{LOOPBACK}:{self.sink_http_port}"
        return env

    def instance(self, service: str, index: int) -> Instance:
        """The instance ``index`` (1-based) of ``service``."""
        return self.instances[(service, index)]

    def spawn(self, service: str, index: int) -> Instance:
        """Start (or start again, on the same port) instance ``index`` of ``service``."""
        found = self.instances.get((service, index))
        if found is None:
            log = self.base / "logs" / f"{service}-{index}.log"
            found = Instance(service, index, free_port(), log)
            self.instances[(service, index)] = found
        if found.pid is not None:
            return found
        found.proc = processes.spawn_detached(
            [sys.executable, "-m", service, "serve"],
            log_file=found.log,
            env=self.service_env(service, found.port),
            cwd=REPO_ROOT,
        )
        found.starts += 1
        return found

    def kill(self, service: str, index: int = 1) -> None:
        """SIGKILL one instance (no graceful shutdown, no offset commit, no lock release)."""
        found = self.instance(service, index)
        if found.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                found.proc.kill()
            found.proc.wait(timeout=10)
            found.proc = None

    async def wait_ready(self, instances: list[Instance], timeout: float = 120) -> None:
        """Wait until every instance answers ``/ready`` with 200 (database and Kafka checked)."""
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=3) as http:
            for inst in instances:
                last = "no answer"
                while True:
                    if inst.pid is None:
                        raise AssertionError(f"{inst.name} exited:\n{self.tail(inst)}")
                    try:
                        answer = await http.get(inst.url + "/ready")
                        if answer.status_code == 200:
                            break
                        last = f"{answer.status_code} {answer.text}"
                    except httpx.HTTPError as exc:
                        last = repr(exc)
                    if time.monotonic() > deadline:
                        raise AssertionError(f"{inst.name} not ready: {last}\n{self.tail(inst)}")
                    await asyncio.sleep(0.3)

    def tail(self, inst: Instance, lines: int = 30) -> str:
        """The last lines of an instance's log."""
        return processes.tail(inst.log, lines)

    def logs(self, lines: int = 15) -> str:
        """The tail of every log, for failure messages."""
        parts = []
        for log in sorted((self.base / "logs").glob("*.log")):
            parts.append(f"----- {log.name} -----\n{processes.tail(log, lines)}")
        return "\n".join(parts)

    async def connect(self) -> asyncpg.Connection:
        """A superuser connection to the stack's database (for checking effects)."""
        conn: asyncpg.Connection = await asyncpg.connect(self.admin_dsn(), timeout=10)
        return conn

    def close(self) -> None:
        """Stop every process of the stack (services, sinks, brokers, database)."""
        running = [pid for pid in (i.pid for i in self.instances.values()) if pid is not None]
        if self.sinks is not None and self.sinks.poll() is None:
            running.append(self.sinks.pid)
        processes.terminate_all(running, timeout=15)
        for inst in self.instances.values():
            if inst.proc is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    inst.proc.wait(timeout=5)
        if self.sinks is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.sinks.wait(timeout=5)
        self.cluster.stop()
        self.pg.stop()

    def remove(self) -> None:
        """Delete the stack's directory (after :meth:`close`)."""
        shutil.rmtree(self.base, ignore_errors=True)


def described(stack: FaultStack) -> dict[str, Any]:
    """Where the stack runs, for test output."""
    return {
        "base": str(stack.base),
        "bootstrap": stack.bootstrap,
        "pg_port": stack.pg.port,
        "instances": {i.name: i.port for i in stack.instances.values()},
        "timings": {k: round(v, 1) for k, v in stack.timings.items()},
    }

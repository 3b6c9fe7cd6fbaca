"""``python -m devstack up|down|status``: the local stack in the background, state in ``.local/``.

``up`` is idempotent: a part that already runs (its recorded pid is alive and its port answers)
is reused, secrets and tokens are generated once and kept. ``down`` stops everything and then
sweeps any process that still references the state directory, so nothing is left behind.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devstack import processes
from devstack.console import pad, say
from devstack.kafka import KafkaNode
from devstack.paths import REPO_ROOT, state_dir
from devstack.ports import LOOPBACK, port_open
from devstack.postgres import PostgresCluster
from devstack.secrets_store import StackSecrets, ensure_secrets

SERVICES: tuple[str, ...] = ("inspection", "eldercare", "charity", "notify", "views")
SERVICE_PORTS = {
    "inspection": 8101,
    "eldercare": 8102,
    "charity": 8103,
    "notify": 8104,
    "views": 8105,
}
LABELS = {
    "kafka": "消息总线 Kafka",
    "postgres": "数据库 PostgreSQL",
    "inspection": "安全检查 inspection",
    "eldercare": "养老服务 eldercare",
    "charity": "慈善 charity",
    "notify": "通知 notify",
    "views": "统计视图 views",
}
DATABASE = "minzheng"
READY_TIMEOUT = 60.0
# Set in every service's environment so that ``down`` can find strays by environment too.
OWNER_ENV = "DEVSTACK_OWNER"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _selected_services() -> tuple[str, ...]:
    raw = os.environ.get("DEVSTACK_SERVICES")
    if raw is None:
        return SERVICES
    wanted = tuple(name for name in raw.replace(",", " ").split() if name)
    unknown = sorted(set(wanted) - set(SERVICES))
    if unknown:
        raise SystemExit(f"devstack: unknown services in DEVSTACK_SERVICES: {unknown}")
    return wanted


@dataclass(frozen=True)
class StackConfig:
    """Where the local stack lives and which ports it uses (all overridable by environment)."""

    state_dir: Path
    kafka_port: int = 9092
    controller_port: int = 9093
    pg_port: int = 55432
    service_ports: dict[str, int] = field(default_factory=lambda: dict(SERVICE_PORTS))
    services: tuple[str, ...] = SERVICES
    partitions: int = 3
    replication: int = 1

    @classmethod
    def from_env(cls) -> StackConfig:
        """Read ``DEVSTACK_STATE_DIR``, ``KAFKA_PORT``, ``PG_PORT``, ``<SERVICE>_PORT``, ... ."""
        return cls(
            state_dir=state_dir(),
            kafka_port=_env_int("KAFKA_PORT", 9092),
            controller_port=_env_int("KAFKA_CONTROLLER_PORT", 9093),
            pg_port=_env_int("PG_PORT", 55432),
            service_ports={s: _env_int(f"{s.upper()}_PORT", p) for s, p in SERVICE_PORTS.items()},
            services=_selected_services(),
            partitions=_env_int("KAFKA_TOPIC_PARTITIONS", 3),
            replication=_env_int("KAFKA_REPLICATION_FACTOR", 1),
        )

    @property
    def logs_dir(self) -> Path:
        return self.state_dir / "logs"

    @property
    def stack_file(self) -> Path:
        return self.state_dir / "stack.json"

    def kafka_node(self) -> KafkaNode:
        """The stack's single broker (data in ``<state>/kafka``)."""
        return KafkaNode(
            node_id=1,
            broker_port=self.kafka_port,
            controller_port=self.controller_port,
            data_dir=self.state_dir / "kafka",
            log_file=self.logs_dir / "kafka.log",
        )

    def postgres(self) -> PostgresCluster:
        """The stack's cluster (data in ``<state>/pg``)."""
        return PostgresCluster(self.state_dir / "pg", self.pg_port, self.logs_dir / "postgres.log")

    def database_url(self, service: str, password: str) -> str:
        """The service role's DSN."""
        return f"postgresql://{service}:{password}@{LOOPBACK}:{self.pg_port}/{DATABASE}"


def load_state(cfg: StackConfig) -> dict[str, Any]:
    """The last ``stack.json`` (empty when there is none)."""
    try:
        data = json.loads(cfg.stack_file.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_state(cfg: StackConfig, state: dict[str, Any]) -> None:
    cfg.stack_file.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n")


def _is_service(pid: int | None, name: str, cfg: StackConfig) -> bool:
    # A recorded pid counts only if it is still that service of this stack (pids get reused).
    if not processes.pid_alive(pid) or pid is None:
        return False
    argv = processes.cmdline(pid)
    owner = processes.environ(pid).get(OWNER_ENV)
    return argv[-3:] == ["-m", name, "serve"] and owner == str(cfg.state_dir)


def _start_kafka(cfg: StackConfig) -> KafkaNode:
    node = cfg.kafka_node()
    if node.pid is not None and port_open(cfg.kafka_port):
        say(f"devstack: Kafka already runs (pid {node.pid}), reusing it")
        return node
    say(f"devstack: starting Kafka on {LOOPBACK}:{cfg.kafka_port} ...")
    node.start()
    return node


def _start_postgres(cfg: StackConfig) -> PostgresCluster:
    pg = cfg.postgres()
    if pg.running():
        say(f"devstack: PostgreSQL already runs (pid {pg.pid}), reusing it")
        return pg
    say(f"devstack: starting PostgreSQL on {LOOPBACK}:{cfg.pg_port} ...")
    pg.init()
    pg.start()
    return pg


async def _prepare(
    cfg: StackConfig, node: KafkaNode, pg: PostgresCluster, sec: StackSecrets
) -> None:
    from devstack.topics import provision_topics
    from shared.events.topics import all_topics

    await node.wait_ready(timeout=90)
    await pg.create_database(DATABASE)
    for service in SERVICES:
        await pg.ensure_service_role(DATABASE, service, sec.db_passwords[service])
    created = await provision_topics(
        node.bootstrap,
        all_topics(),
        partitions=cfg.partitions,
        replication=cfg.replication,
        min_insync=2 if cfg.replication >= 3 else None,
    )
    say(f"devstack: topics ready ({len(created)} created)")


def _service_env(cfg: StackConfig, name: str, sec: StackSecrets) -> dict[str, str]:
    return {
        **os.environ,
        "SERVICE_NAME": name,
        "HTTP_HOST": LOOPBACK,
        "HTTP_PORT": str(cfg.service_ports[name]),
        "DATABASE_URL": cfg.database_url(name, sec.db_passwords[name]),
        "DB_SCHEMA": name,
        "KAFKA_BOOTSTRAP_SERVERS": f"{LOOPBACK}:{cfg.kafka_port}",
        "AUTH_TOKENS_FILE": str(cfg.state_dir / "tokens.json"),
        "VAULT_KEY": sec.vault_key,
        "PII_PEPPER": sec.pii_pepper,
        "DEMO_MODE": "1",
        "LOG_DIR": str(cfg.logs_dir),
        OWNER_ENV: str(cfg.state_dir),
    }


def _wait_ready(name: str, pid: int, port: int) -> str | None:
    """None when ``GET /ready`` answered 200 within the timeout, else why not."""
    import httpx

    deadline = time.monotonic() + READY_TIMEOUT
    last = "no answer"
    while time.monotonic() < deadline:
        if not processes.pid_alive(pid):
            return f"{name} exited during startup"
        try:
            answer = httpx.get(f"http://{LOOPBACK}:{port}/ready", timeout=2.0)
            if answer.status_code == 200:
                return None
            last = f"/ready answered {answer.status_code}"
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.3)
    return f"{name} not ready after {READY_TIMEOUT:.0f}s ({last})"


def _available(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def _launch_services(
    cfg: StackConfig, sec: StackSecrets, previous: dict[str, Any]
) -> dict[str, Any]:
    records: dict[str, Any] = {}
    for name in cfg.services:
        port = cfg.service_ports[name]
        old_pid = previous.get(name, {}).get("pid")
        if _is_service(old_pid, name, cfg) and port_open(port):
            say(f"devstack: {name} already runs (pid {old_pid}), reusing it")
            records[name] = {"pid": old_pid, "port": port, "reused": True}
            continue
        if not _available(name):
            say(f"devstack: {name} is not installed yet, skipping it")
            continue
        if port_open(port):
            raise SystemExit(f"devstack: port {port} for {name} is taken; set {name.upper()}_PORT")
        argv = [sys.executable, "-m", name, "serve"]
        log = cfg.logs_dir / f"{name}.log"
        proc = processes.spawn_detached(
            argv, log_file=log, env=_service_env(cfg, name, sec), cwd=REPO_ROOT
        )
        records[name] = {"pid": proc.pid, "port": port, "reused": False}
    return records


def _await_services(cfg: StackConfig, records: dict[str, Any]) -> list[str]:
    failures: list[str] = []
    for name, record in records.items():
        if record["reused"]:
            continue
        problem = _wait_ready(name, record["pid"], record["port"])
        if problem:
            log = cfg.logs_dir / f"{name}.log"
            say(f"devstack: {problem}; last lines of {log}:\n{processes.tail(log)}", error=True)
            processes.terminate(record["pid"], 10)
            failures.append(name)
    return failures


def _print_table(cfg: StackConfig, state: dict[str, Any]) -> None:
    say("devstack: 本地环境 local stack")
    kafka, pg = state["kafka"], state["postgres"]
    rows = [
        ("kafka", f"{LOOPBACK}:{kafka['port']}", kafka["pid"]),
        ("postgres", f"{LOOPBACK}:{pg['port']}/{DATABASE}", pg["pid"]),
    ]
    rows += [(n, f"http://{LOOPBACK}:{r['port']}", r["pid"]) for n, r in state["services"].items()]
    for key, address, pid in rows:
        say(f"  {pad(LABELS[key], 24)} {address:<34} pid {pid}")
    say(f"  {pad('令牌 tokens', 24)} {cfg.state_dir / 'tokens.json'}")
    say(f"  {pad('日志 logs', 24)} {cfg.logs_dir}")


def up(cfg: StackConfig) -> int:
    """Start (or reuse) Kafka, PostgreSQL and every installed service; returns the exit code."""
    cfg.state_dir.mkdir(parents=True, exist_ok=True)
    cfg.logs_dir.mkdir(parents=True, exist_ok=True)
    sec = ensure_secrets(cfg.state_dir, SERVICES)
    previous = load_state(cfg)
    node = _start_kafka(cfg)
    pg = _start_postgres(cfg)
    asyncio.run(_prepare(cfg, node, pg, sec))
    state: dict[str, Any] = {
        "state_dir": str(cfg.state_dir),
        "kafka": {"pid": node.pid, "port": cfg.kafka_port, "controller_port": cfg.controller_port},
        "postgres": {"pid": pg.pid, "port": cfg.pg_port, "database": DATABASE},
        "services": {},
    }
    _save_state(cfg, state)
    records = _launch_services(cfg, sec, previous.get("services", {}))
    state["services"] = records
    _save_state(cfg, state)
    failures = _await_services(cfg, records)
    for name in failures:
        del state["services"][name]
    _save_state(cfg, state)
    _print_table(cfg, state)
    return 1 if failures else 0


def _references(pid: int, marker: str) -> bool:
    if any(arg == marker or f"{marker}/" in arg for arg in processes.cmdline(pid)):
        return True
    return processes.environ(pid).get(OWNER_ENV) == marker


def sweep(cfg: StackConfig) -> list[int]:
    """Stop every other process referencing the state dir (cmdline or owner env); returns them."""
    marker = str(cfg.state_dir)
    mine = processes.own_lineage()
    strays = [
        p
        for p in processes.all_pids()
        if p not in mine and processes.pid_alive(p) and _references(p, marker)
    ]
    for pid in strays:
        processes.terminate(pid, 10)
    return strays


def down(cfg: StackConfig) -> int:
    """Stop services, Kafka and PostgreSQL, then sweep strays; non-zero if anything survived."""
    state = load_state(cfg)
    recorded: list[int] = []
    for name, record in state.get("services", {}).items():
        pid = record.get("pid")
        if _is_service(pid, name, cfg):
            recorded.append(pid)
            processes.terminate(pid, 15)
    node = cfg.kafka_node()
    pg = cfg.postgres()
    recorded += [pid for pid in (node.pid, pg.pid) if pid is not None]
    node.stop()
    pg.stop()
    strays = sweep(cfg)
    survivors = [pid for pid in recorded + strays if processes.pid_alive(pid)]
    cfg.stack_file.unlink(missing_ok=True)
    if strays:
        say(f"devstack: stopped stray processes {strays}")
    if survivors:
        say(f"devstack: still running: {survivors}", error=True)
        return 1
    say(f"devstack: local stack stopped ({len(recorded)} processes)")
    return 0


def _service_answers(port: int) -> bool:
    import httpx

    try:
        return httpx.get(f"http://{LOOPBACK}:{port}/health", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def status(cfg: StackConfig) -> int:
    """Print what runs, with pid, port and whether it answers; 0 if everything recorded runs."""
    state = load_state(cfg)
    node, pg = cfg.kafka_node(), cfg.postgres()
    rows = [
        ("kafka", node.pid, cfg.kafka_port, port_open(cfg.kafka_port) and node.pid is not None),
        ("postgres", pg.pid, cfg.pg_port, pg.running()),
    ]
    for name, record in state.get("services", {}).items():
        pid = record.get("pid") if _is_service(record.get("pid"), name, cfg) else None
        rows.append(
            (name, pid, record["port"], pid is not None and _service_answers(record["port"]))
        )
    say(f"devstack: state in {cfg.state_dir}")
    for key, pid, port, ok in rows:
        verdict = "answers 正常" if ok else "down 未运行"
        say(f"  {pad(LABELS[key], 24)} {LOOPBACK}:{port:<6} pid {pid or '-':<8} {verdict}")
    return 0 if all(row[3] for row in rows) else 1

"""``python -m devstack up|down|status``: the local stack in the background, state in ``.local/``.

The stack: one Kafka broker, one PostgreSQL cluster, the notify dev sinks (SMTP + HTTP, so that
nothing the sandbox sends reaches a real person), and every installed service.

``DEVSTACK_SECURE=1`` (``make up SECURE=1``) runs the broker in the production-like secure mode:
SASL/SCRAM-SHA-512 with the ACL authorizer, one principal per service (own password from
``kafka-credentials.json``), the integrator's, and ACLs derived by ``devstack.acls``.

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
from devstack.kafka import ADMIN_PRINCIPAL, BrokerSecurity, KafkaNode, KafkaStartError
from devstack.paths import REPO_ROOT, state_dir
from devstack.ports import LOOPBACK, port_open
from devstack.postgres import PostgresCluster
from devstack.secrets_store import (
    KAFKA_CREDENTIALS_FILE,
    StackSecrets,
    ensure_kafka_credentials,
    ensure_secrets,
    retire_legacy_keys,
)

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
    "sinks": "通知接收端 notify sinks",
}
DATABASE = "minzheng"
READY_TIMEOUT = 120.0
# The notify service's dev delivery sinks: one process, an SMTP server and an HTTP receiver.
SINKS_MODULE = "notify.sinks"
SINK_SMTP_PORT = 8125
SINK_HTTP_PORT = 8126
# Secrets a service gets only when they are its own (never inherited from the shell): vault keys,
# and the Kafka login (secure mode sets each service's own; plain mode none).
_VAULT_ENV = ("VAULT_KEY", "PII_PEPPER")
_KAFKA_LOGIN_ENV = (
    "KAFKA_SECURITY_PROTOCOL",
    "KAFKA_SASL_MECHANISM",
    "KAFKA_SASL_USERNAME",
    "KAFKA_SASL_PASSWORD",
)
INTEGRATOR_PRINCIPAL = "integrator"
# Set in every service's environment so that ``down`` can find strays by environment too.
OWNER_ENV = "DEVSTACK_OWNER"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


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
    sink_smtp_port: int = SINK_SMTP_PORT
    sink_http_port: int = SINK_HTTP_PORT
    ready_timeout: float = READY_TIMEOUT
    secure: bool = False

    @classmethod
    def from_env(cls) -> StackConfig:
        """Read ``DEVSTACK_STATE_DIR``, ``KAFKA_PORT``, ``PG_PORT``, ``<SERVICE>_PORT``, ... .

        Also ``NOTIFY_SINK_SMTP_PORT`` / ``NOTIFY_SINK_HTTP_PORT``, ``DEVSTACK_READY_TIMEOUT``
        (seconds a started process gets to answer) and ``DEVSTACK_SECURE`` (1: SASL and ACLs).
        """
        return cls(
            state_dir=state_dir(),
            kafka_port=_env_int("KAFKA_PORT", 9092),
            controller_port=_env_int("KAFKA_CONTROLLER_PORT", 9093),
            pg_port=_env_int("PG_PORT", 55432),
            service_ports={s: _env_int(f"{s.upper()}_PORT", p) for s, p in SERVICE_PORTS.items()},
            services=_selected_services(),
            partitions=_env_int("KAFKA_TOPIC_PARTITIONS", 3),
            replication=_env_int("KAFKA_REPLICATION_FACTOR", 1),
            sink_smtp_port=_env_int("NOTIFY_SINK_SMTP_PORT", SINK_SMTP_PORT),
            sink_http_port=_env_int("NOTIFY_SINK_HTTP_PORT", SINK_HTTP_PORT),
            ready_timeout=float(_env_int("DEVSTACK_READY_TIMEOUT", int(READY_TIMEOUT))),
            secure=_env_flag("DEVSTACK_SECURE"),
        )

    @property
    def logs_dir(self) -> Path:
        return self.state_dir / "logs"

    @property
    def stack_file(self) -> Path:
        return self.state_dir / "stack.json"

    @property
    def sink_url(self) -> str:
        """Base URL of the HTTP sink, whose ``/`` page lists what the sandbox sent."""
        return f"http://{LOOPBACK}:{self.sink_http_port}"

    @property
    def kafka_credentials_file(self) -> Path:
        """``{principal: password}`` of the secure broker's users."""
        return self.state_dir / KAFKA_CREDENTIALS_FILE

    def kafka_principals(self) -> tuple[str, ...]:
        """The secure broker's users: the admin, every service, the integrator."""
        return (ADMIN_PRINCIPAL, *SERVICES, INTEGRATOR_PRINCIPAL)

    def broker_security(self) -> BrokerSecurity | None:
        """Secure mode's users (passwords made once, kept in the state dir); None when plain."""
        if not self.secure:
            return None
        return BrokerSecurity(ensure_kafka_credentials(self.state_dir, self.kafka_principals()))

    def kafka_node(self) -> KafkaNode:
        """The stack's single broker (data in ``<state>/kafka``), secure when asked to be."""
        return KafkaNode(
            node_id=1,
            broker_port=self.kafka_port,
            controller_port=self.controller_port,
            data_dir=self.state_dir / "kafka",
            log_file=self.logs_dir / "kafka.log",
            security=self.broker_security(),
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


def _is_ours(pid: int | None, tail: list[str], cfg: StackConfig) -> bool:
    # A recorded pid counts only if it still runs that command for this stack (pids get reused).
    if pid is None or not processes.pid_alive(pid):
        return False
    argv = processes.cmdline(pid)
    owner = processes.environ(pid).get(OWNER_ENV)
    return argv[-len(tail) :] == tail and owner == str(cfg.state_dir)


def _is_service(pid: int | None, name: str, cfg: StackConfig) -> bool:
    return _is_ours(pid, ["-m", name, "serve"], cfg)


def _is_sinks(pid: int | None, cfg: StackConfig) -> bool:
    return _is_ours(pid, ["-m", SINKS_MODULE], cfg)


def _runs_secure(node: KafkaNode) -> bool:
    try:
        return "\nauthorizer.class.name=" in "\n" + node.config_file.read_text()
    except OSError:
        return False


def _mode(secure: bool) -> str:
    return "secure (SASL/SCRAM + ACLs)" if secure else "plain (PLAINTEXT)"


def _start_kafka(cfg: StackConfig) -> KafkaNode:
    node = cfg.kafka_node()
    if node.pid is not None and port_open(cfg.kafka_port):
        running = _runs_secure(node)
        if running != cfg.secure:
            # Switching would restart a broker others may be using: only on request.
            raise KafkaStartError(
                f"the running broker (pid {node.pid}) is {_mode(running)}, not "
                f"{_mode(cfg.secure)}: `make down` first, or keep its mode "
                f"({'SECURE=1' if running else 'without SECURE'})"
            )
        say(f"devstack: Kafka already runs (pid {node.pid}), reusing it")
        return node
    say(f"devstack: starting Kafka ({_mode(cfg.secure)}) on {LOOPBACK}:{cfg.kafka_port} ...")
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
    from devstack.acls import provision_access
    from devstack.topics import admin_client, provision_topics
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
        client_options=node.client_options(),
    )
    say(f"devstack: topics ready ({len(created)} created)")
    if node.security is not None:
        async with admin_client(node.bootstrap, node.client_options()) as admin:
            done = await provision_access(
                admin, bootstrap=node.bootstrap, users=node.security.others()
            )
        say(f"devstack: {done}")


def notify_demo_defaults() -> dict[str, str]:
    """The settings of notify on the local stack, unless the caller's environment sets them."""
    from shared.http.auth import principal_for

    return {
        "ESCALATION_ENABLED": "false",
        "RATE_EMAIL_PER_MIN": "60000",
        "RATE_SMS_PER_MIN": "60000",
        "RATE_ROBOT_PER_MIN": "60000",
        # The duty officers are the people behind the caseworker and finance-officer tokens, so
        # they can sign in and acknowledge what they receive.
        "ELDERCARE_DUTY_OFFICER": str(principal_for("caseworker").person_id),
        "CHARITY_OFFICER": str(principal_for("finance_officer").person_id),
    }


def _kafka_login(cfg: StackConfig, name: str) -> dict[str, str]:
    security = cfg.broker_security()
    if security is None:
        return {}
    return {
        "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        "KAFKA_SASL_USERNAME": name,
        "KAFKA_SASL_PASSWORD": security.users[name],
    }


def _service_env(cfg: StackConfig, name: str, sec: StackSecrets) -> dict[str, str]:
    private = (*_VAULT_ENV, *_KAFKA_LOGIN_ENV)
    inherited = {k: v for k, v in os.environ.items() if k not in private}
    env = {
        **inherited,
        "SERVICE_NAME": name,
        "HTTP_HOST": LOOPBACK,
        "HTTP_PORT": str(cfg.service_ports[name]),
        "DATABASE_URL": cfg.database_url(name, sec.db_passwords[name]),
        "DB_SCHEMA": name,
        "KAFKA_BOOTSTRAP_SERVERS": f"{LOOPBACK}:{cfg.kafka_port}",
        "AUTH_TOKENS_FILE": str(cfg.state_dir / "tokens.json"),
        **sec.vault_env(name),
        **_kafka_login(cfg, name),
        "DEMO_MODE": "1",
        "LOG_DIR": str(cfg.logs_dir),
        OWNER_ENV: str(cfg.state_dir),
    }
    if name == "notify":
        # The dev sinks are not WeCom or an SMS gateway: no provider rate limit to respect, and
        # the demo year (DOMAIN §7) has no acknowledgement ladder. The caller's environment wins.
        for key, value in notify_demo_defaults().items():
            env.setdefault(key, value)
        # notify.config: sandbox deliveries go to the dev sinks this stack runs.
        env["SINK_SMTP_HOST"] = LOOPBACK
        env["SINK_SMTP_PORT"] = str(cfg.sink_smtp_port)
        env["SINK_HTTP_URL"] = cfg.sink_url
    return env


def _sinks_env(cfg: StackConfig) -> dict[str, str]:
    return {
        **os.environ,
        "NOTIFY_SINK_SMTP_HOST": LOOPBACK,
        "NOTIFY_SINK_SMTP_PORT": str(cfg.sink_smtp_port),
        "NOTIFY_SINK_HTTP_HOST": LOOPBACK,
        "NOTIFY_SINK_HTTP_PORT": str(cfg.sink_http_port),
        OWNER_ENV: str(cfg.state_dir),
    }


def _wait_answering(
    name: str, pid: int, url: str, timeout: float, also_open: tuple[int, ...] = ()
) -> str | None:
    """None when ``GET url`` answered 200 (and ``also_open`` ports accept) in time, else why not."""
    import httpx

    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if not processes.pid_alive(pid):
            return f"{name} exited during startup"
        try:
            answer = httpx.get(url, timeout=2.0)
            closed = [port for port in also_open if not port_open(port)]
            if answer.status_code == 200 and not closed:
                return None
            last = f"{url} answered {answer.status_code}, closed ports {closed}"
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.3)
    return f"{name} not ready after {timeout:.0f}s ({last})"


def _available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:  # a dotted name whose parent package is missing (or fails to import)
        return False


def _wants_sinks(cfg: StackConfig) -> bool:
    return "notify" in cfg.services and _available("notify") and _available(SINKS_MODULE)


def _launch_sinks(cfg: StackConfig, previous: dict[str, Any]) -> dict[str, Any] | None:
    """Start (or reuse) ``python -m notify.sinks``; None when its ports are taken by others."""
    old_pid = previous.get("pid")
    if _is_sinks(old_pid, cfg):
        same_ports = (previous.get("smtp_port"), previous.get("port")) == (
            cfg.sink_smtp_port,
            cfg.sink_http_port,
        )
        if same_ports and port_open(cfg.sink_http_port):
            say(f"devstack: notify sinks already run (pid {old_pid}), reusing them")
            return {**previous, "reused": True}
        processes.terminate(old_pid, 10)  # on other ports now (or not answering): replace them
    for port, variable in (
        (cfg.sink_smtp_port, "NOTIFY_SINK_SMTP_PORT"),
        (cfg.sink_http_port, "NOTIFY_SINK_HTTP_PORT"),
    ):
        if port_open(port):
            say(f"devstack: port {port} for the notify sinks is taken; set {variable}", error=True)
            return None
    proc = processes.spawn_detached(
        [sys.executable, "-m", SINKS_MODULE],
        log_file=cfg.logs_dir / "notify-sinks.log",
        env=_sinks_env(cfg),
        cwd=REPO_ROOT,
    )
    return {
        "pid": proc.pid,
        "port": cfg.sink_http_port,
        "smtp_port": cfg.sink_smtp_port,
        "url": cfg.sink_url + "/",
        "reused": False,
    }


def _await_sinks(cfg: StackConfig, record: dict[str, Any]) -> bool:
    if record["reused"]:
        return True
    problem = _wait_answering(
        "notify sinks", record["pid"], record["url"], cfg.ready_timeout, (record["smtp_port"],)
    )
    if problem is None:
        return True
    log = cfg.logs_dir / "notify-sinks.log"
    say(f"devstack: {problem}; last lines of {log}:\n{processes.tail(log)}", error=True)
    processes.terminate(record["pid"], 10)
    return False


def _launch_services(
    cfg: StackConfig, sec: StackSecrets, previous: dict[str, Any], failures: list[str]
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
            say(f"devstack: port {port} for {name} is taken; set {name.upper()}_PORT", error=True)
            failures.append(name)
            continue
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
        url = f"http://{LOOPBACK}:{record['port']}/ready"
        problem = _wait_answering(name, record["pid"], url, cfg.ready_timeout)
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
    sinks = state.get("sinks")
    if sinks:
        rows.append(("sinks", f"{sinks['url']} smtp :{sinks['smtp_port']}", sinks["pid"]))
    rows += [(n, f"http://{LOOPBACK}:{r['port']}", r["pid"]) for n, r in state["services"].items()]
    for key, address, pid in rows:
        say(f"  {pad(LABELS[key], 24)} {address:<34} pid {pid}")
    say(f"  {pad('令牌 tokens', 24)} {cfg.state_dir / 'tokens.json'}")
    if kafka.get("secure"):
        say(f"  {pad('Kafka 账号 SASL users', 24)} {cfg.kafka_credentials_file} (SCRAM-SHA-512)")
    say(f"  {pad('日志 logs', 24)} {cfg.logs_dir}")


def _notice_retired_keys(cfg: StackConfig) -> None:
    retired = retire_legacy_keys(cfg.state_dir)
    if retired is not None:
        say(
            f"devstack: each vault service now has its own key (secrets.json); the shared key "
            f"of earlier stacks is kept in {retired} but no longer used, so personal data "
            f"encrypted under it cannot be read. For a clean stack: down, remove "
            f"{cfg.state_dir}, up.",
            error=True,
        )


def _start_processes(
    cfg: StackConfig, sec: StackSecrets, previous: dict[str, Any], state: dict[str, Any]
) -> list[str]:
    """Start (or reuse) the sinks and the services, recording them in ``state``; the failures."""
    failures: list[str] = []
    sinks: dict[str, Any] | None = None
    if _wants_sinks(cfg):
        # Started before the services, so that notify's first delivery finds them.
        sinks = _launch_sinks(cfg, previous.get("sinks") or {})
        if sinks is None:
            failures.append("sinks")
        else:
            state["sinks"] = sinks
            _save_state(cfg, state)
    state["services"] = _launch_services(cfg, sec, previous.get("services", {}), failures)
    _save_state(cfg, state)
    if sinks is not None and not _await_sinks(cfg, sinks):
        failures.append("sinks")
        del state["sinks"]
    failed_services = _await_services(cfg, state["services"])
    for name in failed_services:
        del state["services"][name]
    _save_state(cfg, state)
    return failures + failed_services


def up(cfg: StackConfig) -> int:
    """Start (or reuse) Kafka, PostgreSQL, the sinks and every service; returns the exit code."""
    cfg.state_dir.mkdir(parents=True, exist_ok=True)
    cfg.logs_dir.mkdir(parents=True, exist_ok=True)
    sec = ensure_secrets(cfg.state_dir, SERVICES)
    _notice_retired_keys(cfg)
    previous = load_state(cfg)
    node = _start_kafka(cfg)
    pg = _start_postgres(cfg)
    asyncio.run(_prepare(cfg, node, pg, sec))
    state: dict[str, Any] = {
        "state_dir": str(cfg.state_dir),
        "kafka": {
            "pid": node.pid,
            "port": cfg.kafka_port,
            "controller_port": cfg.controller_port,
            "secure": cfg.secure,
        },
        "postgres": {"pid": pg.pid, "port": cfg.pg_port, "database": DATABASE},
        "services": {},
    }
    _save_state(cfg, state)
    failures = _start_processes(cfg, sec, previous, state)
    _print_table(cfg, state)
    if failures:
        say(f"devstack: up failed to start: {', '.join(failures)} (see above)", error=True)
        return 1
    return 0


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
    sinks_pid = (state.get("sinks") or {}).get("pid")
    if sinks_pid is not None and _is_sinks(sinks_pid, cfg):
        recorded.append(sinks_pid)
        processes.terminate(sinks_pid, 10)
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


def _answers(url: str) -> bool:
    import httpx

    try:
        return httpx.get(url, timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def status(cfg: StackConfig) -> int:
    """Print what runs, with pid, port and whether it answers; 0 if everything expected runs.

    Expected: Kafka, PostgreSQL, whatever ``stack.json`` records, and every selected service
    (and the sinks) that is installed, even when ``up`` failed to start it.
    """
    state = load_state(cfg)
    node, pg = cfg.kafka_node(), cfg.postgres()
    kafka_ok = port_open(cfg.kafka_port) and node.pid is not None
    rows = [
        ("kafka", node.pid, f"{LOOPBACK}:{cfg.kafka_port}", kafka_ok),
        ("postgres", pg.pid, f"{LOOPBACK}:{cfg.pg_port}", pg.running()),
    ]
    sinks = state.get("sinks")
    if sinks:
        pid = sinks.get("pid") if _is_sinks(sinks.get("pid"), cfg) else None
        ok = pid is not None and _answers(sinks["url"]) and port_open(sinks["smtp_port"])
        rows.append(("sinks", pid, f"{sinks['url']} smtp :{sinks['smtp_port']}", ok))
    elif _wants_sinks(cfg):  # up should have started them: say they are not running
        rows.append(("sinks", None, f"{cfg.sink_url}/ smtp :{cfg.sink_smtp_port}", False))
    recorded = state.get("services", {})
    for name in (*cfg.services, *(n for n in recorded if n not in cfg.services)):
        record = recorded.get(name)
        if record is None:
            if _available(name):  # installed and selected, yet not running
                rows.append((name, None, f"{LOOPBACK}:{cfg.service_ports[name]}", False))
            continue
        pid = record.get("pid") if _is_service(record.get("pid"), name, cfg) else None
        health = f"http://{LOOPBACK}:{record['port']}/health"
        rows.append(
            (name, pid, f"{LOOPBACK}:{record['port']}", pid is not None and _answers(health))
        )
    say(f"devstack: state in {cfg.state_dir}")
    for key, pid, address, ok in rows:
        verdict = "answers 正常" if ok else "down 未运行"
        say(f"  {pad(LABELS[key], 24)} {address:<40} pid {pid or '-':<8} {verdict}")
    return 0 if all(row[3] for row in rows) else 1

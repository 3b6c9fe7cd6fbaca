"""Tokens, keys and passwords never appear in logs, error responses or events (issue 10).

The five services run as real processes (``python -m <service> serve``), as the local stack runs
them in secure mode (``make up SECURE=1``): a private broker with SASL/SCRAM and the platform's
ACLs, each service logging in as itself, with its own database login and password, its bearer
tokens, its vault key and pepper where it has a vault, and notify's provider secrets, all
generated here. They log JSON at DEBUG to ``LOG_DIR`` and stderr. The test drives commands that
succeed and that fail (no token, an unknown one, a secret offered as a token, the wrong role, bad
input echoing a secret, 404, 409, a database that drops every connection of a service), reads
the public documents, then reads every log line, every response, every event on every topic and
every message notify delivered, and looks for each secret raw, URL-encoded, in hex and inside
any base64 stream.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import secrets
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from devstack.acls import provision_access
from devstack.kafka import ADMIN_PRINCIPAL, KafkaNode
from devstack.ports import free_port
from devstack.topics import admin_client, provision_topics
from notify.sinks.servers import DevSinks
from shared.events.topics import all_topics
from shared.testing import DEFAULT_TOKENS
from tests.access.conftest import EarlyBroker
from tests.access.secrets_scan import forms, leaks
from tests.access.world import id_card, mobile, person

pytestmark = [pytest.mark.timeout(300)]

SERVICES = ("inspection", "eldercare", "charity", "notify", "views")
VAULTED = ("eldercare", "charity", "notify")
PEPPERED = ("eldercare", "charity")
NOTIFY_PROVIDER_SECRETS = ("SMTP_PASSWORD", "SMS_GATEWAY_TOKEN", "ROBOT_SECRET")


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


@dataclass
class Secrets:
    """Everything secret the processes are given, generated for this run."""

    tokens: dict[str, str] = field(
        default_factory=lambda: {k: secrets.token_urlsafe(32) for k in DEFAULT_TOKENS}
    )
    db_passwords: dict[str, str] = field(
        default_factory=lambda: {s: secrets.token_urlsafe(24) for s in SERVICES}
    )
    vault_keys: dict[str, str] = field(default_factory=lambda: {s: _key() for s in VAULTED})
    peppers: dict[str, str] = field(
        default_factory=lambda: {s: secrets.token_urlsafe(32) for s in PEPPERED}
    )
    # SCRAM passwords of the broker's principals, the admin and each service (conftest makes them).
    kafka: dict[str, str] = field(default_factory=dict)
    notify: dict[str, str] = field(
        default_factory=lambda: {k: secrets.token_urlsafe(24) for k in NOTIFY_PROVIDER_SECRETS}
    )

    def named(self) -> dict[str, str]:
        """Each secret under a name that says what it is (the test never prints a value)."""
        found = {f"token {k}": v for k, v in self.tokens.items()}
        found |= {f"{s} database password": v for s, v in self.db_passwords.items()}
        found |= {f"{s} VAULT_KEY": v for s, v in self.vault_keys.items()}
        found |= {f"{s} PII_PEPPER": v for s, v in self.peppers.items()}
        found |= {f"notify {k}": v for k, v in self.notify.items()}
        return found | {f"Kafka password of {p}": v for p, v in self.kafka.items()}


@dataclass
class Process:
    """One service process and where its output goes."""

    name: str
    role: str
    port: int
    output: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Its HTTP address."""
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Stack:
    """The running services, what they were given, and every response they sent."""

    secrets: Secrets
    processes: dict[str, Process]
    log_dir: Path
    admin_dsn: str
    broker: KafkaNode
    sinks: DevSinks
    responses: list[tuple[str, str]] = field(default_factory=list)

    async def call(
        self, service: str, method: str, path: str, key: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        """One request as a token key (or ``"unknown"``, or None for no token), recorded."""
        headers = dict(kwargs.pop("headers", {}))
        if key == "unknown":
            headers["Authorization"] = f"Bearer {secrets.token_urlsafe(32)}"
        elif key is not None:
            headers["Authorization"] = f"Bearer {self.secrets.tokens[key]}"
        async with httpx.AsyncClient(base_url=self.processes[service].url, timeout=30) as client:
            response = await client.request(method, path, headers=headers, **kwargs)
        text = "\n".join(f"{k}: {v}" for k, v in response.headers.items()) + "\n" + response.text
        self.responses.append((f"{service} {method} {path} → {response.status_code}", text))
        return response


def _dsn(admin_dsn: str, role: str, password: str) -> str:
    parts = urlsplit(admin_dsn)
    netloc = f"{role}:{password}@{parts.hostname}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


async def _create_logins(admin_dsn: str, run: str, passwords: dict[str, str]) -> dict[str, str]:
    """A login role per service, owning a schema of the same name; {service: role}."""
    conn = await asyncpg.connect(admin_dsn)
    try:
        database = await conn.fetchval("SELECT current_database()")
        made = {}
        for service, password in passwords.items():
            role = f"acc_{service}_{run}"
            statement = await conn.fetchval(
                "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', $1::text, $2::text)",
                role,
                password,
            )
            await conn.execute(statement)
            grants = "CONNECT, TEMPORARY" + (", CREATE" if service == "views" else "")
            await conn.execute(f'GRANT {grants} ON DATABASE "{database}" TO {role}')
            await conn.execute(f"CREATE SCHEMA {role} AUTHORIZATION {role}")
            made[service] = role
        return made
    finally:
        await conn.close()


async def _drop_logins(admin_dsn: str, roles: list[str]) -> None:
    conn = await asyncpg.connect(admin_dsn)
    try:
        database = await conn.fetchval("SELECT current_database()")
        for role in roles:
            await conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", role
            )
            await conn.execute(f"DROP OWNED BY {role} CASCADE")
            await conn.execute(f'REVOKE ALL ON DATABASE "{database}" FROM {role}')
            await conn.execute(f"DROP ROLE {role}")
    finally:
        await conn.close()


def _env(stack: Stack, process: Process) -> dict[str, str]:
    """The environment of one service process: only what the local stack would give it."""
    keep = ("PATH", "HOME", "LANG", "VIRTUAL_ENV", "PYTHONPATH", "TMPDIR")
    name, sec = process.name, stack.secrets
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env |= {
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": str(process.port),
        "DATABASE_URL": _dsn(stack.admin_dsn, process.role, sec.db_passwords[name]),
        "DB_SCHEMA": process.role,
        # The broker of this module, in secure mode: each service logs in as itself.
        "KAFKA_BOOTSTRAP_SERVERS": stack.broker.bootstrap,
        "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        "KAFKA_SASL_USERNAME": name,
        "KAFKA_SASL_PASSWORD": sec.kafka[name],
        "AUTH_TOKENS_JSON": json.dumps(sec.tokens),
        "DEMO_MODE": "1",
        "LOG_LEVEL": "DEBUG",
        "LOG_DIR": str(stack.log_dir),
        "RELAY_POLL_INTERVAL_S": "0.2",
        "SWEEPER_ENABLED": "false",
    }
    if name in VAULTED:
        env["VAULT_KEY"] = sec.vault_keys[name]
    if name in PEPPERED:
        env["PII_PEPPER"] = sec.peppers[name]
    if name == "notify":
        env |= {
            **sec.notify,
            "SINK_SMTP_PORT": str(stack.sinks.smtp_port),
            "SINK_HTTP_URL": stack.sinks.http_url,
            "DISPATCH_INTERVAL_S": "0.2",
        }
    return env


async def _ready(process: Process) -> None:
    async with httpx.AsyncClient(base_url=process.url, timeout=5) as client:
        async with asyncio.timeout(120):
            while True:
                assert process.proc is not None
                if process.proc.poll() is not None:
                    raise AssertionError(f"{process.name} exited: {process.output.read_text()}")
                try:
                    if (await client.get("/ready")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.3)


def _stop(processes: dict[str, Process]) -> None:
    for process in processes.values():
        if process.proc is not None and process.proc.poll() is None:
            process.proc.send_signal(signal.SIGTERM)
    for process in processes.values():
        if process.proc is not None:
            try:
                process.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.proc.kill()
                process.proc.wait()


@pytest.fixture(scope="module")
def found(early_broker: EarlyBroker) -> Secrets:
    """The secrets of this module's run."""
    return Secrets(kafka=early_broker.passwords)


@pytest.fixture(scope="module")
async def broker(early_broker: EarlyBroker) -> AsyncIterator[KafkaNode]:
    """A private broker in secure mode (SASL/SCRAM, deny by default, the platform's ACLs).

    Its JVM was started in the background when the package began (conftest).
    """
    node = early_broker.started()
    try:
        await node.wait_ready(timeout=120)
        admin = node.client_options()
        await provision_topics(
            node.bootstrap, all_topics(), partitions=1, replication=1, client_options=admin
        )
        async with admin_client(node.bootstrap, admin) as client:
            users = {p: pw for p, pw in early_broker.passwords.items() if p != ADMIN_PRINCIPAL}
            await provision_access(client, bootstrap=node.bootstrap, users=users)
        yield node
    finally:
        node.stop()


@pytest.fixture(scope="module")
async def stack(
    found: Secrets,
    broker: KafkaNode,
    pg_admin_dsn: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Stack]:
    """The five services as processes, with generated secrets, on the secure broker."""
    run = uuid.uuid4().hex[:8]
    base = tmp_path_factory.mktemp("secrets")
    roles = await _create_logins(pg_admin_dsn, run, found.db_passwords)
    sinks = DevSinks(
        smtp_host="127.0.0.1", smtp_port=free_port(), http_host="127.0.0.1", http_port=free_port()
    )
    await sinks.start()
    processes = {s: Process(s, roles[s], free_port(), base / f"{s}.out") for s in SERVICES}
    result = Stack(found, processes, base / "logs", pg_admin_dsn, broker, sinks)
    try:
        for process in processes.values():
            with process.output.open("wb") as out:
                process.proc = subprocess.Popen(
                    [sys.executable, "-m", process.name, "serve"],
                    env=_env(result, process),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
        await asyncio.gather(*(_ready(p) for p in processes.values()))
        yield result
    finally:
        _stop(processes)
        await sinks.stop()
        await _drop_logins(pg_admin_dsn, list(roles.values()))


def test_the_scan_finds_a_secret_raw_encoded_and_inside_base64() -> None:
    secret = secrets.token_urlsafe(32)
    key = _key()
    for prefix in ("", "a", "ab"):
        stream = base64.b64encode(f"{prefix}Bearer {secret} tail".encode()).decode()
        assert leaks({"t": secret}, [("b64", stream)]) == ["t in b64"]
    dsn = f"postgresql://svc:{secret}@127.0.0.1:5432/db"
    assert leaks({"t": secret}, [("dsn", dsn)]) == ["t in dsn"]
    raw_key = base64.b64decode(key)
    assert leaks({"k": key}, [("hex", raw_key.hex())]) == ["k in hex"]
    assert leaks({"k": key}, [("url", base64.urlsafe_b64encode(raw_key).decode())]) == ["k in url"]
    assert all(len(form) >= 16 for form in forms(secret))
    assert leaks({"t": secret}, [("clean", secrets.token_urlsafe(2000))]) == []


async def drive_inspection(stack: Stack) -> None:
    """Refusals of every kind and a few commands that succeed."""
    s, call = "inspection", stack.call
    assert (await call(s, "GET", "/campaigns")).status_code == 401
    assert (await call(s, "GET", "/campaigns", "unknown")).status_code == 401
    offered = {"Authorization": f"Bearer {stack.secrets.vault_keys['eldercare']}"}
    assert (await call(s, "GET", "/campaigns", headers=offered)).status_code == 401
    body = {
        "code": "C7",
        "name": f"专项行动-{uuid.uuid4().hex[:6]}",
        "kind": "ROOT_CAUSE",
        "start_on": "2024-01-01",
        "lead_unit": "市民政局",
    }
    assert (await call(s, "POST", "/campaigns", "inspector", json=body)).status_code == 403
    echo = {**body, "code": stack.secrets.db_passwords["inspection"], "kind": "NOPE"}
    assert (await call(s, "POST", "/campaigns", "safety_lead", json=echo)).status_code == 422
    assert (await call(s, "POST", "/campaigns", "safety_lead", json=body)).status_code == 201
    assert (await call(s, "POST", "/campaigns", "safety_lead", json=body)).status_code == 409
    assert (await call(s, "GET", f"/campaigns/{uuid.uuid4()}", "auditor")).status_code == 404
    swept = await call(s, "POST", "/_admin/sweeps/hazard-deadlines", "admin")
    assert swept.status_code == 200, swept.text


def elder() -> dict[str, Any]:
    """A new elder (synthetic personal data)."""
    return {
        "name": "欧阳鹤龄",
        "id_card_no": id_card(),
        "phone": mobile(),
        "address": "湖南省益阳市赫山区康富路12号3栋",
        "county_code": "430903",
        "township_code": "430903001",
        "care_pillars": ["HOME"],
        "special_basis": ["DIBAO"],
    }


async def drive_eldercare(stack: Stack) -> None:
    """The vault in use (encrypt, decrypt, rotate), duplicates, refusals echoing secrets."""
    s, call = "eldercare", stack.call
    body = elder()
    made = await call(s, "POST", "/elders", "caseworker", json=body)
    assert made.status_code == 201, made.text
    assert (await call(s, "POST", "/elders", "caseworker", json=body)).status_code == 409
    path = f"/elders/{made.json()['id']}/personal-data"
    purpose = {"purpose": "入户走访核实"}
    assert (await call(s, "GET", path, "caseworker", params=purpose)).status_code == 200
    assert (await call(s, "GET", path, "admin", params=purpose)).status_code == 403
    bad = {**elder(), "id_card_no": stack.secrets.peppers["eldercare"]}
    assert (await call(s, "POST", "/elders", "caseworker", json=bad)).status_code == 422
    contact = {"phone": stack.secrets.vault_keys["eldercare"]}
    patch = await call(
        s, "PATCH", f"/elders/{made.json()['id']}/contact", "caseworker", json=contact
    )
    assert patch.status_code == 422
    rotated = await call(s, "POST", "/_admin/vault/rotate", "admin")
    assert rotated.status_code < 500, rotated.text
    assert (await call(s, "GET", path, "caseworker", params=purpose)).status_code == 200


async def drive_charity(stack: Stack) -> None:
    """A fund, a beneficiary in the vault and its clear read, refusals, a 409."""
    s, call = "charity", stack.call
    fund = {"code": f"F-{uuid.uuid4().hex[:6]}", "source_type": "DONATION"}
    assert (await call(s, "POST", "/funds", "caseworker", json=fund)).status_code == 403
    assert (await call(s, "POST", "/funds", "finance_officer", json=fund)).status_code == 201
    assert (await call(s, "POST", "/funds", "finance_officer", json=fund)).status_code == 409
    person_body = {"kind": "HOUSEHOLD", "county_code": "430902", "name": "王小明"}
    person_body["id_card_no"] = id_card("19700101")
    made = await call(s, "POST", "/beneficiaries", "caseworker", json=person_body)
    assert made.status_code == 201, made.text
    path = f"/beneficiaries/{made.json()['id']}/personal-data"
    read = await call(s, "GET", path, "caseworker", params={"purpose": "核对"})
    assert read.status_code == 200, read.text
    donor = {"name": "李四", "id_card_no": stack.secrets.tokens["admin"]}
    donation = {
        "receipt_no": "PJ-1",
        "fund_id": str(uuid.uuid4()),
        "donor_type": "INDIVIDUAL",
        "donor": donor,
        "kind": "CASH",
        "amount_minor": 100,
        "received_at": "2024-02-01T02:00:00Z",
    }
    assert (
        await call(s, "POST", "/donations", "finance_officer", json=donation)
    ).status_code == 422


async def drive_notify(stack: Stack) -> None:
    """A contact, a delivered notification, refusals."""
    s, call = "notify", stack.call
    recipient = person("main_leader")
    contact = {"email": "leader@test.yiyang.example", "phone": mobile()}
    assert (
        await call(s, "PUT", f"/contacts/{recipient}", "inspector", json=contact)
    ).status_code == 403
    secret_phone = {"phone": stack.secrets.notify["SMS_GATEWAY_TOKEN"]}
    bad = await call(s, "PUT", f"/contacts/{recipient}", "notify_operator", json=secret_phone)
    assert bad.status_code == 422
    ok = await call(s, "PUT", f"/contacts/{recipient}", "notify_operator", json=contact)
    assert ok.status_code == 200, ok.text
    # HIGH: sent at once whatever the local time (NORMAL waits out the quiet hours).
    body = {
        "recipient_person_id": recipient,
        "params": {"title": "会议", "message": "周五开会"},
        "priority": "HIGH",
    }
    sent = await call(s, "POST", "/notifications", "notify_operator", json=body)
    assert sent.status_code == 201, sent.text
    leaky = {**body, "params": {"title": "会议", "message": "回电 13912345678"}}
    assert (
        await call(s, "POST", "/notifications", "notify_operator", json=leaky)
    ).status_code == 422
    ack = f"/notifications/{sent.json()['id']}/ack"
    assert (await call(s, "POST", ack, "inspector")).status_code in (403, 409)
    assert (await call(s, "GET", "/audit", "inspector")).status_code == 403


async def drive_views(stack: Stack) -> None:
    """Reads of every kind, an audited 404, a refused rebuild."""
    s, call = "views", stack.call
    assert (await call(s, "GET", "/reports/ytd", "views_reader")).status_code == 200
    assert (await call(s, "GET", "/dashboard/data", "unknown")).status_code == 401
    ghost = f"/views/elders/{uuid.uuid4()}"
    assert (await call(s, "GET", ghost, "caseworker")).status_code == 404
    assert (await call(s, "GET", ghost, "views_reader")).status_code == 403
    assert (await call(s, "GET", "/status", "admin")).status_code == 200
    nope = {"projection": stack.secrets.tokens["views_reader"]}
    assert (await call(s, "POST", "/_admin/rebuilds", "admin", json=nope)).status_code in (404, 422)


async def database_outage(stack: Stack) -> None:
    """charity's database drops every connection and refuses new ones for a while."""
    role = stack.processes["charity"].role
    conn = await asyncpg.connect(stack.admin_dsn)
    try:
        await conn.execute(f"ALTER ROLE {role} CONNECTION LIMIT 0")
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", role
        )
        sessions = "SELECT count(*) FROM pg_stat_activity WHERE usename = $1"
        async with asyncio.timeout(10):
            while await conn.fetchval(sessions, role):
                await asyncio.sleep(0.1)
        fund = {"code": f"F-{uuid.uuid4().hex[:6]}", "source_type": "DONATION"}
        down = await stack.call("charity", "POST", "/funds", "finance_officer", json=fund)
        assert down.status_code >= 500, down.text
        assert (await stack.call("charity", "GET", "/ready")).status_code == 503
        await asyncio.sleep(1.5)  # the relay and the consumer try, and log, meanwhile
    finally:
        await conn.execute(f"ALTER ROLE {role} CONNECTION LIMIT -1")
        await conn.close()
    await _ready(stack.processes["charity"])


async def drained(stack: Stack) -> None:
    """Wait until every service's relay has published its outbox."""
    conn = await asyncpg.connect(stack.admin_dsn)
    try:
        sql = " + ".join(
            f"(SELECT count(*) FROM {p.role}.outbox WHERE published_at IS NULL)"  # noqa: S608
            for p in stack.processes.values()
        )
        async with asyncio.timeout(60):
            while await conn.fetchval(f"SELECT {sql}"):
                await asyncio.sleep(0.2)
    finally:
        await conn.close()


async def events(stack: Stack) -> list[tuple[str, str]]:
    """Every record on every topic of the run: value, key and headers."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=stack.broker.bootstrap,
        enable_auto_commit=False,
        **stack.broker.client_options(),
    )
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        names = sorted(await consumer.topics())
        parts = [
            TopicPartition(t, p) for t in names for p in consumer.partitions_for_topic(t) or ()
        ]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        found: list[tuple[str, str]] = []
        async with asyncio.timeout(60):
            while any([await consumer.position(tp) < end for tp, end in ends.items()]):
                for tp, records in (await consumer.getmany(timeout_ms=200)).items():
                    found += [(f"event on {tp.topic}@{r.offset}", _record(r)) for r in records]
        return found
    finally:
        await consumer.stop()


def _record(record: Any) -> str:
    headers = " ".join(f"{k}={v.decode(errors='replace')}" for k, v in record.headers)
    key = (record.key or b"").decode(errors="replace")
    return f"{key} {headers} {(record.value or b'').decode(errors='replace')}"


async def messages(stack: Stack) -> str:
    """What notify delivered to the dev sinks, once the manual notification has arrived."""
    async with httpx.AsyncClient(base_url=stack.sinks.http_url) as sink, asyncio.timeout(60):
        while "leader@test.yiyang.example" not in (text := (await sink.get("/messages")).text):
            await asyncio.sleep(0.3)
    return text


def outputs(stack: Stack) -> Iterator[tuple[str, str]]:
    """Everything the processes wrote: stdout and stderr, and the JSON logs in LOG_DIR."""
    for process in stack.processes.values():
        yield f"{process.name} stdout/stderr", process.output.read_text(errors="replace")
    for path in sorted(stack.log_dir.glob("*")):
        yield f"log file {path.name}", path.read_text(errors="replace")


async def public_documents(stack: Stack) -> None:
    """What anyone may read: the AsyncAPI document describes the Kafka servers and their login."""
    for name in SERVICES:
        for path in ("/health", "/metrics", "/openapi.json", "/docs", "/asyncapi.yaml"):
            assert (await stack.call(name, "GET", path)).status_code == 200, (name, path)
        asyncapi = await stack.call(name, "GET", "/asyncapi")
        assert "scramSha512" in asyncapi.text, name


async def test_no_secret_in_any_log_line_response_event_or_delivered_message(stack: Stack) -> None:
    for drive in (drive_inspection, drive_eldercare, drive_charity, drive_notify, drive_views):
        await drive(stack)
    await public_documents(stack)
    await database_outage(stack)
    await drained(stack)
    published = await events(stack)
    delivered = [("delivered messages", await messages(stack))]
    _stop(stack.processes)
    logs = list(outputs(stack))
    # The capture is real: every service logged to its file at LOG_LEVEL=DEBUG (its broker
    # logs each message only then), the database outage was logged, and events flowed.
    for name in SERVICES:
        assert (stack.log_dir / f"{name}.json.log").stat().st_size > 0, name
    assert any(f'"name": "{name}.faststream"' in text for _, text in logs for name in SERVICES)
    assert any("TooManyConnectionsError" in text for _, text in logs)
    assert any("inspection.campaign.launched" in text for _, text in published)
    assert "leader@test.yiyang.example" in delivered[0][1]
    found = leaks(stack.secrets.named(), [*stack.responses, *logs, *published, *delivered])
    assert found == [], "secrets leaked:\n" + "\n".join(found)

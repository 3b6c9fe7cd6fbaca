"""``make up SECURE=1``: each service its own Kafka login, the credentials kept, modes not mixed."""

import asyncio
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.errors import TopicAuthorizationFailedError

from devstack.kafka import KafkaNode, KafkaStartError
from devstack.ports import free_port
from devstack.provision import ProvisionConfig, migrate
from devstack.secrets_store import ensure_secrets
from devstack.stack import SERVICES, StackConfig, _service_env
from devstack.topics import ProvisioningError
from shared.settings import ServiceSettings

LOGIN = ("KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_secure_mode_gives_each_service_its_own_kafka_login(tmp_path, monkeypatch):
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "from-the-shell")
    cfg = StackConfig(state_dir=tmp_path, secure=True)
    sec = ensure_secrets(tmp_path, SERVICES)

    envs = {name: _service_env(cfg, name, sec) for name in SERVICES}

    stored = json.loads(cfg.kafka_credentials_file.read_text())
    assert set(stored) == {"admin", *SERVICES, "integrator"}
    assert len(set(stored.values())) == len(stored)
    assert _mode(cfg.kafka_credentials_file) == 0o600
    for name, env in envs.items():
        assert [env[k] for k in LOGIN] == ["SASL_PLAINTEXT", "SCRAM-SHA-512", name]
        assert env["KAFKA_SASL_PASSWORD"] == stored[name]
        values: dict[str, Any] = {k.lower(): env[k] for k in (*LOGIN, "KAFKA_SASL_PASSWORD")}
        values["database_url"] = env["DATABASE_URL"]
        settings = ServiceSettings(service_name=name, **values)
        assert settings.kafka_security.client_options()["sasl_plain_password"] == stored[name]
    # Generated once: a second look (another `up`) hands out the same passwords.
    assert _service_env(cfg, "views", sec)["KAFKA_SASL_PASSWORD"] == stored["views"]


def test_plain_mode_gives_no_kafka_login_even_from_the_shell(tmp_path, monkeypatch):
    values = ("SASL_PLAINTEXT", "PLAIN", "x", "y")
    for key, value in zip((*LOGIN, "KAFKA_SASL_PASSWORD"), values, strict=True):
        monkeypatch.setenv(key, value)
    cfg = StackConfig(state_dir=tmp_path)
    env = _service_env(cfg, "inspection", ensure_secrets(tmp_path, SERVICES))
    assert not {*LOGIN, "KAFKA_SASL_PASSWORD"} & set(env)
    assert not cfg.kafka_credentials_file.exists()


def test_devstack_secure_is_read_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DEVSTACK_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("DEVSTACK_SECURE", raising=False)
    assert not StackConfig.from_env().secure
    for value, secure in (("1", True), ("true", True), ("0", False), ("", False)):
        monkeypatch.setenv("DEVSTACK_SECURE", value)
        assert StackConfig.from_env().secure is secure


def test_a_data_dir_formatted_without_scram_users_is_refused_before_starting(tmp_path):
    from devstack.kafka import BrokerSecurity

    node = KafkaNode.on_free_ports(
        tmp_path / "kafka", security=BrokerSecurity({"admin": "pw-admin", "views": "pw-views"})
    )
    (node.data_dir / "data").mkdir(parents=True)
    (node.data_dir / "data" / "meta.properties").write_text("version=1\n")
    with pytest.raises(KafkaStartError, match="formatted without SCRAM users"):
        node.start()
    (node.data_dir / "scram-users").write_text("SCRAM-SHA-512 views\n")
    with pytest.raises(KafkaStartError, match="without the admin"):
        node.start()
    assert node.pid is None
    assert _mode(node.config_file) == 0o600, "it holds the admin's password"


def test_the_provisioner_reads_its_login_and_refuses_an_incomplete_one():
    cfg = ProvisionConfig.from_env(
        {
            "KAFKA_BOOTSTRAP_SERVERS": "kafka:19092",
            "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
            "KAFKA_SASL_USERNAME": "admin",
            "KAFKA_SASL_PASSWORD": "pw",
        }
    )
    assert cfg.security.describe() == "SASL_PLAINTEXT SCRAM-SHA-512 as admin"
    plain = ProvisionConfig.from_env({"KAFKA_BOOTSTRAP_SERVERS": "kafka:19092"})
    assert not plain.security.sasl
    with pytest.raises(ProvisioningError, match="username and password"):
        ProvisionConfig.from_env(
            {"KAFKA_BOOTSTRAP_SERVERS": "k:1", "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT"}
        )


def test_migrations_never_get_the_provisioners_kafka_login(monkeypatch):
    seen = {}

    def fake_run(argv, *, env, **_):
        seen.update(env)
        return subprocess.CompletedProcess(argv, 0, stdout='{"applied": []}\n', stderr="")

    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "admin-secret")
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    monkeypatch.setattr(subprocess, "run", fake_run)
    assert migrate("views", "postgresql://views:pw@db/minzheng") == []
    assert "KAFKA_SASL_PASSWORD" not in seen
    assert "KAFKA_SECURITY_PROTOCOL" not in seen
    assert seen["DB_SCHEMA"] == "views"


@pytest.fixture
def secure_env():
    # A private state dir and free ports: never the developer's .local/ or make-up ports.
    state = Path(tempfile.mkdtemp(prefix="devstack-secure-test-"))
    state.chmod(0o755)
    env = {
        **os.environ,
        "DEVSTACK_STATE_DIR": str(state),
        "DEVSTACK_SERVICES": "",
        "DEVSTACK_SECURE": "1",
        "KAFKA_PORT": str(free_port()),
        "KAFKA_CONTROLLER_PORT": str(free_port()),
        "PG_PORT": str(free_port()),
        "KAFKA_TOPIC_PARTITIONS": "1",
    }
    yield env
    subprocess.run([sys.executable, "-m", "devstack", "down"], env=env, check=False, timeout=120)
    shutil.rmtree(state, ignore_errors=True)


def _devstack(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "devstack", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


async def _integrator_reads(bootstrap: str, password: str, topic: str) -> None:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_plain_username="integrator",
        sasl_plain_password=password,
    )
    await consumer.start()
    try:
        await consumer.getmany(timeout_ms=500)
    finally:
        await consumer.stop()


@pytest.mark.timeout(600)
def test_up_secure_provisions_acls_and_refuses_to_mix_modes(secure_env):
    state = Path(secure_env["DEVSTACK_STATE_DIR"])

    first = _devstack(secure_env, "up")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "ACLs ready" in first.stdout
    assert "kafka-credentials.json" in first.stdout
    recorded = json.loads((state / "stack.json").read_text())
    assert recorded["kafka"]["secure"] is True
    credentials = json.loads((state / "kafka-credentials.json").read_text())
    for password in credentials.values():
        assert password not in first.stdout + first.stderr

    bootstrap = f"127.0.0.1:{secure_env['KAFKA_PORT']}"
    asyncio.run(_integrator_reads(bootstrap, credentials["integrator"], "inspection.hazards"))
    with pytest.raises(TopicAuthorizationFailedError):
        asyncio.run(_integrator_reads(bootstrap, credentials["integrator"], "views.dlq"))

    plain = _devstack({**secure_env, "DEVSTACK_SECURE": ""}, "up")
    assert plain.returncode == 1
    assert "is secure (SASL/SCRAM + ACLs), not plain" in plain.stderr

    again = _devstack(secure_env, "up")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Kafka already runs" in again.stdout
    assert "0 created, 0 removed" in again.stdout
    assert json.loads((state / "kafka-credentials.json").read_text()) == credentials

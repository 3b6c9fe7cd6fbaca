"""The secured three-broker profile: its rules, and its very configuration run on the jars.

No Docker engine runs here, so the second test does what the containers would: it runs a
broker's ``command`` script from ``deploy/compose/kafka-3.yml`` (which formats the volume with
the admin's SCRAM credential), starts Kafka with the properties the ``apache/kafka`` image
derives from that broker's environment, runs ``init``'s provisioning with ``init``'s environment,
and logs in as the services and the integrator with the passwords compose hands them.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import TopicAuthorizationFailedError
from pydantic import SecretStr

from devstack.kafka import KafkaNode, ensure_jars, ensure_tool_jars, java_binary
from devstack.ports import port_open
from devstack.provision import ProvisionConfig, provision_acls, provision_all_topics
from devstack.stack import SERVICES
from shared.kafka_security import KafkaSecurity
from tests.deploy import rules
from tests.deploy.compose import (
    COMPOSE,
    ENV_EXAMPLE,
    KAFKA_3,
    example_env,
    interpolate,
    load_merged,
    resolved_environment,
    services,
)
from tests.deploy.test_compose_rules import broken

# A topic each service produces.
OWN_TOPIC = {
    "inspection": "inspection.hazards",
    "eldercare": "eldercare.institutions",
    "charity": "charity.funds",
    "notify": "notify.notifications",
    "views": "views.dlq",
}
# What KafkaDockerWrapper never turns into a server property (KAFKA_HEAP_OPT sic, upstream).
IMAGE_ENV_ONLY = {
    "KAFKA_VERSION",
    "KAFKA_HEAP_OPT",
    "KAFKA_HEAP_OPTS",
    "KAFKA_LOG4J_OPTS",
    "KAFKA_OPTS",
    "KAFKA_JMX_OPTS",
    "KAFKA_JVM_PERFORMANCE_OPTS",
    "KAFKA_GC_LOG_OPTS",
    "KAFKA_LOG4J_ROOT_LOGLEVEL",
    "KAFKA_LOG4J_LOGGERS",
    "KAFKA_TOOLS_LOG4J_LOGLEVEL",
    "KAFKA_JMX_HOSTNAME",
}


def test_the_three_broker_profile_is_secured():
    assert rules.kafka_security_problems([COMPOSE, KAFKA_3], ENV_EXAMPLE) == []


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            'KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND: "false"',
            'KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND: "true"',
            "kafka: KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND is true, not false",
        ),
        (
            "EXTERNAL:SASL_PLAINTEXT,",
            "EXTERNAL:PLAINTEXT,",
            "kafka-2: listener EXTERNAL is PLAINTEXT, not SASL",
        ),
        (
            "KAFKA_SUPER_USERS: User:admin",
            "KAFKA_SUPER_USERS: User:admin;User:ANONYMOUS",
            "kafka-3: KAFKA_SUPER_USERS is User:admin;User:ANONYMOUS, not User:admin",
        ),
        (
            "KAFKA_SASL_USERNAME: notify",
            "KAFKA_SASL_USERNAME: views",
            "notify: logs in as views, not notify",
        ),
        (
            "KAFKA_SASL_PASSWORD: ${CHARITY_KAFKA_PASSWORD:?",
            "KAFKA_SASL_PASSWORD: ${VIEWS_KAFKA_PASSWORD:?",
            "charity: KAFKA_SASL_PASSWORD is not its own ${CHARITY_KAFKA_PASSWORD}",
        ),
        (
            "      INTEGRATOR_KAFKA_PASSWORD: ${INTEGRATOR_KAFKA_PASSWORD:?set "
            "INTEGRATOR_KAFKA_PASSWORD in .env}\n",
            "",
            "init does not set the password of integrator",
        ),
        (
            "      KAFKA_SASL_USERNAME: admin\n",
            "      KAFKA_SASL_USERNAME: views\n",
            "init logs in as views, not admin",
        ),
    ],
)  # fmt: skip
def test_a_weakened_security_setting_is_reported(tmp_path, old, new, problem):
    copy = broken(tmp_path, KAFKA_3, old, new, count=-1)
    assert problem in rules.kafka_security_problems([COMPOSE, copy], ENV_EXAMPLE)


def test_a_password_written_into_a_jaas_setting_is_reported(tmp_path):
    copy = broken(
        tmp_path,
        KAFKA_3,
        'user_admin="${KAFKA_ADMIN_PASSWORD:?set KAFKA_ADMIN_PASSWORD in .env}"',
        'user_admin="admin-secret"',
    )
    assert rules.hard_coded_secrets([COMPOSE, copy], ENV_EXAMPLE) == [
        "kafka-3.yml: kafka: KAFKA_LISTENER_NAME_CONTROLLER_PLAIN_SASL_JAAS_CONFIG holds a "
        "password not a required ${VAR:?}",
        "kafka-3.yml: kafka-2: KAFKA_LISTENER_NAME_CONTROLLER_PLAIN_SASL_JAAS_CONFIG holds a "
        "password not a required ${VAR:?}",
        "kafka-3.yml: kafka-3: KAFKA_LISTENER_NAME_CONTROLLER_PLAIN_SASL_JAAS_CONFIG holds a "
        "password not a required ${VAR:?}",
    ]


# --- the compose configuration on a real broker -------------------------------------------------


def image_properties(env: dict[str, str]) -> dict[str, str]:
    """The server properties the apache/kafka image writes from a container's environment."""
    props = {}
    for key, value in env.items():
        if key.startswith("KAFKA_") and key not in IMAGE_ENV_ONLY:
            name = key.replace("KAFKA_", "").lower().replace("_", ".")
            props[name.replace("...", "-").replace("..", "_")] = value
    return props


def _ports(count: int) -> list[int]:
    from devstack.ports import free_port

    ports: set[int] = set()
    while len(ports) < count:
        ports.add(free_port())
    return sorted(ports)


def _storage_tool(bin_dir: Path) -> None:
    # kafka-storage.sh of the image, on the Maven jars.
    bin_dir.mkdir(parents=True)
    script = bin_dir / "kafka-storage.sh"
    script.write_text(
        f'#!/bin/sh\nexec "{java_binary()}" -Xmx256m -cp "{ensure_jars()}/*" '
        'kafka.tools.StorageTool "$@"\n'
    )
    script.chmod(0o755)


async def _login_works(bootstrap: str, security: KafkaSecurity, timeout: float = 60) -> None:
    from devstack import clients

    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        admin = clients.admin(bootstrap, request_timeout_ms=5000, **security.client_options())
        try:
            await admin.start()
            await admin.list_topics()
            return
        except Exception:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)
        finally:
            await admin.close()


@pytest.mark.timeout(300)
async def test_the_compose_security_settings_work_on_a_real_broker(tmp_path):
    env = example_env(ENV_EXAMPLE)
    deployed = services(load_merged(COMPOSE, KAFKA_3))
    node_env = resolved_environment(deployed["kafka"], env)
    controller, external, internal = _ports(3)
    data = tmp_path / "data"
    # The container's environment, moved onto loopback ports and a one-node quorum.
    node_env |= {
        "KAFKA_LISTENERS": (
            f"CONTROLLER://127.0.0.1:{controller},EXTERNAL://127.0.0.1:{external},"
            f"INTERNAL://127.0.0.1:{internal}"
        ),
        "KAFKA_ADVERTISED_LISTENERS": (
            f"EXTERNAL://127.0.0.1:{external},INTERNAL://127.0.0.1:{internal}"
        ),
        "KAFKA_CONTROLLER_QUORUM_VOTERS": f"1@127.0.0.1:{controller}",
        "KAFKA_LOG_DIRS": str(data),
    }
    for key in (
        "KAFKA_DEFAULT_REPLICATION_FACTOR",
        "KAFKA_MIN_INSYNC_REPLICAS",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR",
    ):
        node_env[key] = "1"

    # 1. The broker's command: formats the empty volume with the admin's SCRAM credential.
    argv = [interpolate(part, {}) for part in deployed["kafka"]["command"]]
    _storage_tool(tmp_path / "kafka" / "bin")
    script_env = {
        "PATH": os.environ["PATH"],
        **node_env,
        "KAFKA_HOME": str(tmp_path / "kafka"),
        "KAFKA_DOCKER_RUN": "true",
        "TMPDIR": str(tmp_path),
    }
    subprocess.run(argv, env=script_env, check=True, timeout=120)
    assert (data / "meta.properties").is_file()
    admin_login = (tmp_path / "admin.properties").read_text()
    admin_password = env["KAFKA_ADMIN_PASSWORD"]
    assert f'password="{admin_password}";' in admin_login

    # 2. Kafka with the properties the image derives from that environment.
    props = image_properties(node_env)
    assert props["listener.name.internal.scram-sha-512.sasl.jaas.config"].startswith(
        "org.apache.kafka.common.security.scram.ScramLoginModule required"
    )
    node = KafkaNode(
        node_id=int(node_env["KAFKA_NODE_ID"]),
        broker_port=internal,
        controller_port=controller,
        data_dir=tmp_path / f"node-{uuid.uuid4().hex[:6]}",
        cluster_id=node_env["CLUSTER_ID"],
        config=props,
    )
    node.start()
    try:
        admin = KafkaSecurity.sasl_scram("admin", admin_password)
        await _login_works(f"127.0.0.1:{internal}", admin)
        await _login_works(f"127.0.0.1:{external}", admin)

        # 3. The healthcheck's command with the login file the command wrote.
        tools = ensure_tool_jars()
        health = subprocess.run(
            [
                java_binary(),
                "-Xmx256m",
                "-cp",
                f"{tools}/*",
                "org.apache.kafka.tools.TopicCommand",
                "--bootstrap-server",
                f"127.0.0.1:{internal}",
                "--command-config",
                str(tmp_path / "admin.properties"),
                "--list",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert health.returncode == 0, health.stderr

        # 4. init: topics, every principal's password, the ACLs.
        init_env = resolved_environment(deployed["init"], env)
        init_env |= {
            "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{internal}",
            "KAFKA_REPLICATION_FACTOR": "1",
            "KAFKA_TOPIC_PARTITIONS": "1",
        }
        cfg = ProvisionConfig.from_env(init_env)
        await provision_all_topics(cfg)
        done = await provision_acls(cfg)
        assert done.startswith("6 SCRAM users set"), done

        # 5. Each service logs in as compose configures it and writes only its own topics (the
        # template's placeholder KAFKA_TOPIC_PREFIX is in every name).
        prefix = cfg.topic_prefix
        for service in SERVICES:
            runs = resolved_environment(deployed[service], env)
            security = KafkaSecurity(
                protocol=runs["KAFKA_SECURITY_PROTOCOL"],
                mechanism=runs["KAFKA_SASL_MECHANISM"],
                username=runs["KAFKA_SASL_USERNAME"],
                password=SecretStr(runs["KAFKA_SASL_PASSWORD"]),
            )
            await _produce(internal, security, prefix + OWN_TOPIC[service])
            other = "views.dlq" if service == "eldercare" else "eldercare.wristbands"
            with pytest.raises(TopicAuthorizationFailedError):
                await _produce(internal, security, prefix + other)
        integrator = KafkaSecurity.sasl_scram("integrator", env["INTEGRATOR_KAFKA_PASSWORD"])
        await _read(internal, integrator, prefix + "inspection.hazards")
        with pytest.raises(TopicAuthorizationFailedError):
            await _read(internal, integrator, prefix + "eldercare.missing_cases")
    finally:
        node.stop()
    assert not port_open(internal)


async def _produce(port: int, security: KafkaSecurity, topic: str) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=f"127.0.0.1:{port}", request_timeout_ms=10000, **security.client_options()
    )
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"{}", key=b"k")
    finally:
        await producer.stop()


async def _read(port: int, security: KafkaSecurity, topic: str) -> None:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=f"127.0.0.1:{port}", group_id=None, **security.client_options()
    )
    await consumer.start()
    try:
        await consumer.getmany(timeout_ms=500)
    finally:
        await consumer.stop()


def test_image_properties_follow_the_images_naming_rule():
    assert image_properties(
        {
            "KAFKA_LISTENER_NAME_INTERNAL_SCRAM___SHA___512_SASL_JAAS_CONFIG": "x",
            "KAFKA_SUPER_USERS": "User:admin",
            "KAFKA_HEAP_OPTS": "-Xmx1g",
            "CLUSTER_ID": "c",
            "ADMIN_SCRAM_PASSWORD": "p",
        }
    ) == {"listener.name.internal.scram-sha-512.sasl.jaas.config": "x", "super.users": "User:admin"}
    assert re.fullmatch(r"[a-z.\-_0-9]+", "listener.name.internal.scram-sha-512.sasl.jaas.config")

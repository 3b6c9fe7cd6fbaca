"""``python -m devstack provision`` against the test broker and a database of its own."""

import asyncio
import contextlib
import os
import secrets
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from aiokafka.admin import AIOKafkaAdminClient

from devstack.ports import free_port
from devstack.postgres import create_database
from devstack.provision import SERVICES, ProvisionConfig
from shared.events.topics import all_topics


def _provision(env):
    return subprocess.run(
        [sys.executable, "-m", "devstack", "provision"],
        env=env,
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )


async def _run(env):
    # A subprocess of its own: provision runs `python -m <service> migrate` per service.
    return await asyncio.to_thread(_provision, env)


def _clean_env():
    env = {**os.environ}
    for service in SERVICES:
        env.pop(f"{service.upper()}_DATABASE_URL", None)
    return env


@pytest.fixture
async def provision_db(pg_admin_dsn):
    # Migrations create a schema per service: a database of our own, dropped afterwards.
    name = f"provision_{secrets.token_hex(4)}"
    await create_database(pg_admin_dsn, name)
    yield urlunsplit(urlsplit(pg_admin_dsn)._replace(path=f"/{name}"))
    conn = await asyncpg.connect(pg_admin_dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture
async def topic_prefix(kafka_bootstrap):
    # A unique prefix (as KAFKA_TOPIC_PREFIX gives the services): the topics are this test's.
    prefix = f"prov{secrets.token_hex(4)}."
    yield prefix
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        mine = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if mine:
            with contextlib.suppress(Exception):
                await admin.delete_topics(mine)
    finally:
        await admin.close()


async def _topics(bootstrap, names):
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        described = await admin.describe_topics(sorted(names & existing))
    finally:
        await admin.close()
    return existing, {t["topic"]: len(t["partitions"]) for t in described}


@pytest.mark.slow
@pytest.mark.timeout(600)
async def test_provision_creates_every_topic_and_migrates_every_service(
    kafka_bootstrap, provision_db, topic_prefix
):
    env = {
        **_clean_env(),
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "KAFKA_TOPIC_PREFIX": topic_prefix,
        "KAFKA_TOPIC_PARTITIONS": "2",
        "KAFKA_REPLICATION_FACTOR": "1",
        **{f"{service.upper()}_DATABASE_URL": provision_db for service in SERVICES},
    }

    first = await _run(env)

    assert first.returncode == 0, first.stdout + first.stderr
    wanted = {topic_prefix + spec.name for spec in all_topics()}
    existing, partitions = await _topics(kafka_bootstrap, wanted)
    assert wanted <= existing
    assert set(partitions.values()) == {2}
    assert f"{len(wanted)} topics ready, {len(wanted)} created" in first.stdout
    conn = await asyncpg.connect(provision_db)
    try:
        for service in SERVICES:
            applied = await conn.fetch(f'SELECT name FROM "{service}".schema_migrations')  # noqa: S608 - fixed names
            names = {row["name"] for row in applied}
            assert any(name.startswith("shared:") for name in names), service
            for table in ("outbox", "inbox"):
                found = await conn.fetchval("SELECT to_regclass($1)::text", f"{service}.{table}")
                assert found is not None, f"{service}.{table}"
            assert f"devstack: {service}: migrated schema {service}" in first.stdout
    finally:
        await conn.close()

    # Again, with one database only: nothing to create, nothing to apply, the rest not touched.
    env_again = {**_clean_env(), **{k: v for k, v in env.items() if "DATABASE_URL" not in k}}
    env_again["INSPECTION_DATABASE_URL"] = provision_db
    again = await _run(env_again)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{len(wanted)} topics ready, 0 created" in again.stdout
    assert "devstack: inspection: migrated schema inspection" in again.stdout
    assert "none (up to date)" in again.stdout
    assert "devstack: views: VIEWS_DATABASE_URL not set, not migrated" in again.stdout


@pytest.mark.timeout(120)
async def test_provision_fails_when_the_broker_never_answers():
    env = {
        **_clean_env(),
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}",
        "PROVISION_BROKER_WAIT": "2",
    }
    result = await _run(env)
    assert result.returncode != 0
    assert "did not answer within 2s" in result.stderr


@pytest.mark.timeout(300)
async def test_provision_fails_when_a_migration_fails(kafka_bootstrap, topic_prefix):
    unreachable = f"postgresql://nobody:wrong@127.0.0.1:{free_port()}/nothing"
    env = {
        **_clean_env(),
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "KAFKA_TOPIC_PREFIX": topic_prefix,
        "KAFKA_TOPIC_PARTITIONS": "1",
        "VIEWS_DATABASE_URL": unreachable,
    }
    result = await _run(env)
    assert result.returncode != 0
    assert "views: migration FAILED" in result.stderr
    assert "provision failed for: views" in result.stderr
    assert "wrong" not in result.stdout  # the DSN's password is never printed


def test_config_from_the_environment():
    cfg = ProvisionConfig.from_env(
        {
            "KAFKA_BOOTSTRAP_SERVERS": "kafka:19092",
            "KAFKA_REPLICATION_FACTOR": "3",
            "CHARITY_DATABASE_URL": "postgresql://charity:pw@postgres:5432/minzheng",
            "VIEWS_DATABASE_URL": "",
        }
    )
    assert cfg.bootstrap == "kafka:19092"
    assert (cfg.partitions, cfg.replication, cfg.min_insync) == (3, 3, 2)
    assert cfg.databases == {"charity": "postgresql://charity:pw@postgres:5432/minzheng"}
    assert ProvisionConfig.from_env({"KAFKA_BOOTSTRAP_SERVERS": "k:1"}).min_insync is None

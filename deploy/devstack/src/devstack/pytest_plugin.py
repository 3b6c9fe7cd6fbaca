"""Pytest fixtures on the real Kafka broker and PostgreSQL cluster (``-p devstack.pytest_plugin``).

Under ``python -m devstack test`` the backends come from the environment (``TEST_KAFKA_BOOTSTRAP``,
``TEST_DATABASE_URL``, ``TEST_PG_BIN``/``TEST_PG_DATA``/``TEST_PG_PORT``); under a bare ``pytest``
the plugin starts its own on free ports in a temp dir for the session, never on the ports of
``make up``. Importing this module loads neither aiokafka nor asyncpg: every pytest process of
the workspace loads it, most of them never touch Kafka. So the fixtures import them lazily.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

if TYPE_CHECKING:
    from devstack.postgres import PostgresCluster

NewSchema = Callable[..., Awaitable[str]]
NewTopic = Callable[..., Awaitable[str]]


@pytest.fixture(scope="session")
def devstack_tmp() -> Iterator[Path]:
    """A session temp dir the ``postgres`` user can traverse (pytest's own tmp dirs are 700)."""
    path = Path(tempfile.mkdtemp(prefix="devstack-pytest-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def kafka_bootstrap(devstack_tmp: Path) -> AsyncIterator[str]:
    """``host:port`` of a real broker: ``$TEST_KAFKA_BOOTSTRAP``, else one started for the run."""
    configured = os.environ.get("TEST_KAFKA_BOOTSTRAP")
    if configured:
        yield configured
        return
    from devstack.kafka import KafkaNode

    node = KafkaNode.on_free_ports(devstack_tmp / "kafka")
    node.start()
    try:
        await node.wait_ready(timeout=90)
        yield node.bootstrap
    finally:
        node.stop()


@pytest.fixture(scope="session")
def pg_cluster(devstack_tmp: Path) -> Iterator[PostgresCluster]:
    """A handle to stop, kill or restart the test cluster; it runs again when the session ends."""
    from devstack.postgres import PostgresCluster

    data = os.environ.get("TEST_PG_DATA")
    if data:
        cluster = PostgresCluster(
            Path(data),
            int(os.environ["TEST_PG_PORT"]),
            bin_dir=Path(os.environ["TEST_PG_BIN"]) if os.environ.get("TEST_PG_BIN") else None,
        )
        yield cluster
        # A fault test that failed half-way must not leave the next member without a database.
        cluster.start()
        return
    from devstack.ports import free_port

    cluster = PostgresCluster(devstack_tmp / "pg", free_port(), devstack_tmp / "postgres.log")
    cluster.init()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def pg_admin_dsn(request: pytest.FixtureRequest) -> str:
    """A superuser DSN to a fresh database: ``$TEST_DATABASE_URL`` or one made on ``pg_cluster``."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        return configured
    cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
    name = f"test_{secrets.token_hex(4)}"
    await cluster.create_database(name)
    return cluster.admin_dsn(name)


@pytest_asyncio.fixture(loop_scope="session")
async def new_schema(pg_admin_dsn: str) -> AsyncIterator[NewSchema]:
    """A factory making a unique schema per call (returns its name); all are dropped afterwards."""
    import asyncpg

    created: list[str] = []

    async def make(prefix: str = "t") -> str:
        name = f"{prefix}_{secrets.token_hex(6)}"
        conn = await asyncpg.connect(pg_admin_dsn)
        try:
            await conn.execute(f'CREATE SCHEMA "{name}"')
        finally:
            await conn.close()
        created.append(name)
        return name

    yield make
    if created:
        # A fault test may leave the cluster down; the database is throwaway, so do not fail on it.
        with contextlib.suppress(OSError, asyncpg.PostgresError):
            conn = await asyncpg.connect(pg_admin_dsn, timeout=10)
            try:
                for name in created:
                    await conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
            finally:
                await conn.close()


@pytest_asyncio.fixture(loop_scope="session")
async def new_topic(kafka_bootstrap: str) -> NewTopic:
    """A factory creating a uniquely named topic per call (``partitions=3``); returns its name."""
    from devstack.topics import create_topic

    async def make(partitions: int = 3, *, prefix: str = "test") -> str:
        return await create_topic(kafka_bootstrap, f"{prefix}.{secrets.token_hex(6)}", partitions)

    return make

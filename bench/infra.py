"""One Kafka broker and one PostgreSQL for a benchmark run (reused from the env when given)."""

import asyncio
import contextlib
import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from devstack.kafka import KafkaNode
from devstack.ports import free_port
from devstack.postgres import PostgresCluster, create_database


@dataclass(frozen=True)
class Infra:
    bootstrap: str
    admin_dsn: str


@contextlib.asynccontextmanager
async def infra() -> AsyncIterator[Infra]:
    """Reuse TEST_KAFKA_BOOTSTRAP / TEST_DATABASE_URL, or start both on free ports."""
    if os.environ.get("TEST_KAFKA_BOOTSTRAP") and os.environ.get("TEST_DATABASE_URL"):
        yield Infra(os.environ["TEST_KAFKA_BOOTSTRAP"], os.environ["TEST_DATABASE_URL"])
        return
    base = Path(tempfile.mkdtemp(prefix="bench-"))
    base.chmod(0o755)
    node = KafkaNode.on_free_ports(base / "kafka")
    cluster = PostgresCluster(base / "pg", free_port())
    try:
        node.start()
        cluster.init()
        cluster.start()
        await node.wait_ready()
        db = f"bench_{uuid.uuid4().hex[:8]}"
        await create_database(cluster.admin_dsn(), db)
        yield Infra(node.bootstrap, cluster.admin_dsn(db))
    finally:
        await asyncio.to_thread(node.stop)
        await asyncio.to_thread(cluster.stop)

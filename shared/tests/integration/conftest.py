import asyncio
import contextlib

import pytest

from shared.relay import Relay, RelayConfig
from shared.telemetry import setup_tracing
from tests.support import create_topics, migrated_schema, pool_for, prefix


@pytest.fixture(scope="session", autouse=True)
def tracing():
    setup_tracing("shared-tests", otlp_endpoint=None)


@pytest.fixture
async def schema(new_schema, pg_admin_dsn):
    name = await new_schema()
    await migrated_schema(pg_admin_dsn, name)
    return name


@pytest.fixture
async def pool(pg_admin_dsn, schema):
    p = await pool_for(pg_admin_dsn, schema)
    yield p
    await p.close()


@pytest.fixture
async def topics(kafka_bootstrap):
    """A unique prefix with its own copy of the topics the tests publish to."""
    pfx = prefix()
    await create_topics(kafka_bootstrap, [pfx + "inspection.campaigns", pfx + "tests.dlq"])
    return pfx


@pytest.fixture
def relay_config(pg_admin_dsn, schema, kafka_bootstrap, topics):
    return RelayConfig(
        dsn=pg_admin_dsn,
        schema=schema,
        bootstrap=kafka_bootstrap,
        poll_interval_s=0.5,
        standby_interval_s=0.5,
        topic_prefix=topics,
    )


@pytest.fixture
async def running_relay(relay_config):
    relay = Relay(relay_config)
    task = asyncio.create_task(relay.run())
    yield relay
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task

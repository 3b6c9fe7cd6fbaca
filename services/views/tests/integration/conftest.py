import uuid

import pytest

from shared.clock import SimulatedClock
from shared.testing import start_service
from tests.demo import at, day, demo_stream, rare_events, sample
from tests.support import load_direct, migrated, pool_for
from views.config import Settings
from views.entrypoints.service import definition


@pytest.fixture(scope="session")
def demo_items():
    """Every event of the demo year (DOMAIN §11), built once per session."""
    return demo_stream()


@pytest.fixture(scope="session")
def sample_items(demo_items):
    """Whole histories of a few aggregates of every type, plus the types the demo never uses."""
    return sample(demo_items, per_type=2) + rare_events()


@pytest.fixture(scope="session")
async def svc(pg_admin_dsn, kafka_bootstrap, demo_items):
    """The views service holding the demo year, applied straight to its tables.

    The tables are filled before the service starts: the running app traces every asyncpg
    query (OpenTelemetry), which would triple the load time of the 43,000 events.
    """
    schema = await migrated(pg_admin_dsn, f"views_{uuid.uuid4().hex[:8]}")
    pool = await pool_for(pg_admin_dsn, schema)
    try:
        await load_direct(pool, schema, demo_items, parallel=4)
    finally:
        await pool.close()
    clock = SimulatedClock(at(day(2024, 11, 30), 20))
    async with start_service(
        definition,
        Settings,
        pg_admin_dsn=pg_admin_dsn,
        kafka_bootstrap=kafka_bootstrap,
        clock=clock,
        db_schema=schema,
    ) as h:
        yield h


@pytest.fixture(scope="session")
async def kafka_svc(pg_admin_dsn, kafka_bootstrap):
    """A second views service, fed only through its topics (own schema and topic prefix).

    Small, throttled rebuild batches so that a rebuild lasts long enough to be watched.
    """
    clock = SimulatedClock(at(day(2024, 11, 30), 20))
    async with start_service(
        definition,
        Settings,
        pg_admin_dsn=pg_admin_dsn,
        kafka_bootstrap=kafka_bootstrap,
        clock=clock,
        rebuild_batch_size=10,
        rebuild_pause_s=0.05,
        status_interval_s=0.5,
    ) as h:
        yield h

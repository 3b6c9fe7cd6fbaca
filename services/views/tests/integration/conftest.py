import pytest

from shared.clock import SimulatedClock
from shared.testing import start_service
from tests.demo import at, day, demo_stream
from tests.support import load_direct
from views.config import Settings
from views.entrypoints.service import definition


@pytest.fixture(scope="session")
def demo_items():
    return demo_stream()


@pytest.fixture(scope="session")
async def svc(pg_admin_dsn, kafka_bootstrap, demo_items):
    """The views service holding the demo year (applied straight to its tables)."""
    clock = SimulatedClock(at(day(2024, 11, 30), 20))
    async with start_service(
        definition,
        Settings,
        pg_admin_dsn=pg_admin_dsn,
        kafka_bootstrap=kafka_bootstrap,
        clock=clock,
    ) as h:
        await load_direct(h.pool, h.schema, demo_items)
        yield h

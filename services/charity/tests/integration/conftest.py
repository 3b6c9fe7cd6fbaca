"""One running charity service (real Kafka, real PostgreSQL) for the whole test session."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import pytest

from charity.config import Settings
from charity.entrypoints.app import definition
from shared.clock import SimulatedClock
from shared.testing import Harness, start_service
from tests.integration.helpers import NOW, Api

# Test-only keys: never used anywhere else.
TEST_VAULT_KEY = base64.b64encode(bytes(range(32))).decode()
TEST_PEPPER = "test-pepper-not-a-secret"


@pytest.fixture(scope="session")
async def svc(pg_admin_dsn: str, kafka_bootstrap: str) -> AsyncIterator[Harness]:
    """The charity service, on a simulated clock at 2024-11-30 12:00 Asia/Shanghai."""
    async with start_service(
        definition,
        Settings,
        pg_admin_dsn=pg_admin_dsn,
        kafka_bootstrap=kafka_bootstrap,
        clock=SimulatedClock(NOW),
        vault_key=TEST_VAULT_KEY,
        pii_pepper=TEST_PEPPER,
        db_pool_max=12,
    ) as harness:
        yield harness


@pytest.fixture
def api(svc: Harness) -> Api:
    """Helpers that drive the service through its public HTTP API."""
    return Api(svc)

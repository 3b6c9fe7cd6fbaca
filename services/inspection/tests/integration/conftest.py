"""One running inspection service per test session, on a simulated clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from inspection.config import Settings
from inspection.entrypoints.app import definition
from shared.clock import SimulatedClock
from shared.testing import Harness, start_service
from tests.integration.support import close_readers, person


@pytest.fixture(scope="session")
def clock() -> SimulatedClock:
    """The service's clock; each test sets the time it needs."""
    return SimulatedClock(datetime(2024, 3, 1, 2, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
async def svc(
    pg_admin_dsn: str, kafka_bootstrap: str, clock: SimulatedClock
) -> AsyncIterator[Harness]:
    """The service, with the background sweeper off: tests run sweeps through the admin route."""
    async with start_service(
        definition,
        Settings,
        pg_admin_dsn=pg_admin_dsn,
        kafka_bootstrap=kafka_bootstrap,
        clock=clock,
        sweeper_enabled=False,
    ) as harness:
        yield harness
        await close_readers()


@pytest.fixture(scope="session")
async def group(svc: Harness) -> dict[str, str]:
    """The leadership group of the shared service: L1 main leader, S1 team member + safety lead."""
    members = {
        "L1": (person("main_leader"), ["MAIN_LEADER"]),
        "S1": (person("safety_lead"), ["TEAM_MEMBER", "SAFETY_LEAD"]),
    }
    for person_id, roles in members.values():
        response = await svc.client.put(
            f"/leaders/{person_id}",
            json={"roles": roles, "effective_from": "2030-01-01"},
            headers=svc.auth("admin"),
        )
        assert response.status_code == 200, response.text
    return {name: person_id for name, (person_id, _) in members.items()}

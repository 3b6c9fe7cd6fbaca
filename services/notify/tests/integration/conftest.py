import socket
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from notify.config import Settings
from notify.entrypoints.app import definition
from notify.sinks.servers import DevSinks
from shared.clock import SimulatedClock
from shared.testing import start_service

START = datetime(2024, 3, 6, 2, 0, tzinfo=UTC)  # 10:00 in Yiyang
DUTY_OFFICER = uuid.UUID("00000000-0000-4000-8000-00000000d0d0")
CHARITY_OFFICER = uuid.UUID("00000000-0000-4000-8000-00000000c0c0")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
async def sinks():
    sinks = DevSinks(
        smtp_host="127.0.0.1", smtp_port=free_port(), http_host="127.0.0.1", http_port=free_port()
    )
    await sinks.start()
    yield sinks
    await sinks.stop()


@pytest.fixture(scope="session")
def clock():
    return SimulatedClock(START)


def notify_service(pg_admin_dsn, kafka_bootstrap, sinks, clock, **settings):
    """The notify service in-process, sending into the dev sinks, with the given settings."""
    return start_service(
        definition,
        Settings,
        pg_admin_dsn=pg_admin_dsn,
        kafka_bootstrap=kafka_bootstrap,
        clock=clock,
        sandbox_mode=True,
        sink_smtp_port=sinks.smtp_port,
        sink_http_url=sinks.http_url,
        **settings,
    )


@pytest.fixture(scope="session")
async def svc(pg_admin_dsn, kafka_bootstrap, sinks, clock):
    async with notify_service(
        pg_admin_dsn,
        kafka_bootstrap,
        sinks,
        clock,
        eldercare_duty_officer=DUTY_OFFICER,
        charity_officer=CHARITY_OFFICER,
        dispatch_interval_s=0.1,
        sweep_interval_s=3600,
        retry_backoff_s="60,300",
    ) as harness:
        yield harness


@pytest.fixture
async def sink(sinks):
    async with httpx.AsyncClient(base_url=sinks.http_url) as client:
        yield client


@pytest.fixture(scope="session")
async def org(svc):
    """The bureau's leadership (main leader, safety lead), with contacts and directory entries."""
    from shared.http.auth import principal_for
    from tests.integration.helpers import contact, wait_rows
    from tests.integration.world import leader

    main = principal_for("main_leader").person_id
    safety = principal_for("safety_lead").person_id
    contacts = {main: await contact(svc, main), safety: await contact(svc, safety)}
    await leader(svc, main, ("MAIN_LEADER",), START)
    await leader(svc, safety, ("SAFETY_LEAD", "TEAM_MEMBER"), START)
    await wait_rows(svc, "SELECT 1 FROM leaders", count=2)
    return {"main": main, "safety": safety, "contacts": contacts}

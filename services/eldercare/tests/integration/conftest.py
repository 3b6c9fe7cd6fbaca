"""One running eldercare service for the whole session (the app start is slow)."""

import base64
import logging
import secrets
from datetime import UTC, datetime

import pytest

from eldercare.config import Settings
from eldercare.entrypoints.app import definition
from shared.clock import SimulatedClock
from shared.testing import start_service
from tests.integration.support import close_offset_readers

# 2024-06-03 (a Monday) 12:00 in Yiyang: inside the default LUNCH slot.
NOW = datetime(2024, 6, 3, 4, 0, tzinfo=UTC)


class Recorder(logging.Handler):
    """Every log record the service emits, at every level, formatted and raw."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self) -> str:
        """Messages, arguments, extras and tracebacks of everything recorded."""
        parts = []
        for record in self.records:
            parts.append(record.getMessage())
            parts.append(repr(vars(record)))
            if record.exc_info:
                parts.append(logging.Formatter().formatException(record.exc_info))
        return "\n".join(parts)


@pytest.fixture(scope="session")
def clock():
    return SimulatedClock(NOW)


@pytest.fixture(scope="session")
async def svc(pg_admin_dsn, kafka_bootstrap, clock):
    async with start_service(
        definition,
        Settings,
        pg_admin_dsn=pg_admin_dsn,
        kafka_bootstrap=kafka_bootstrap,
        clock=clock,
        vault_key=base64.b64encode(secrets.token_bytes(32)).decode(),
        pii_pepper=secrets.token_urlsafe(32),
    ) as harness:
        try:
            yield harness
        finally:
            await close_offset_readers()


@pytest.fixture
def debug_logs(svc):
    """Every log record of every logger at DEBUG while the test runs (the app is running)."""
    recorder = Recorder()
    root = logging.getLogger()
    # setup_logging replaced the root handlers when the app was built: attach after it.
    levels = {name: logging.getLogger(name).level for name in ("", "aiokafka", "faststream")}
    root.addHandler(recorder)
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield recorder
    finally:
        root.removeHandler(recorder)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


@pytest.fixture(autouse=True)
def reset_clock(clock):
    clock.set(NOW)
    yield
    clock.set(NOW)

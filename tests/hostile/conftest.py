"""One instance of each service for the whole hostile-input session, started when first used.

Test modules run in name order, so the Schemathesis run (``test_openapi``), which leaves odd
state behind (a moved clock, random records), comes after the event and body tests.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest

from shared.testing import Harness
from tests.hostile.kafka import create_topic
from tests.hostile.stack import NOW, running


class Stack:
    """The services started so far, kept running until the session ends."""

    def __init__(self, exits: contextlib.AsyncExitStack, pg_admin_dsn: str, bootstrap: str):
        self._exits = exits
        self._dsn = pg_admin_dsn
        self.bootstrap = bootstrap
        self._running: dict[str, Harness] = {}

    async def get(self, name: str) -> Harness:
        """The running service ``name``, started on first use, its clock back at NOW."""
        if name not in self._running:
            svc = await self._exits.enter_async_context(
                running(name, pg_admin_dsn=self._dsn, kafka_bootstrap=self.bootstrap)
            )
            if svc.app.state.runtime.consumer is not None:
                # The harness names each run's consumer group apart, and the DLQ after the
                # group: no provisioned topic, and the broker creates none by itself.
                await create_topic(self.bootstrap, dlq_of(svc))
            self._running[name] = svc
        svc = self._running[name]
        svc.app.state.runtime.clock.set(NOW)
        return svc


def dlq_of(svc: Harness) -> str:
    """The dead-letter topic of the service's consumer, as named on the cluster."""
    consumer = svc.app.state.runtime.consumer
    assert consumer is not None, "the service consumes nothing"
    return str(consumer.config.dlq)


@pytest.fixture(scope="session")
async def stack(pg_admin_dsn: str, kafka_bootstrap: str) -> AsyncIterator[Stack]:
    """The session's services (see :class:`Stack`)."""
    async with contextlib.AsyncExitStack() as exits:
        yield Stack(exits, pg_admin_dsn, kafka_bootstrap)

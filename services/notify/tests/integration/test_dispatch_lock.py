"""The dispatch lock is per schema: deployments in other schemas of the database never pause
each other's dispatcher, while replicas of one schema still dispatch one at a time.

``quiet`` is a second notify deployment (a schema of its own) whose own dispatcher does not run:
the tests run its dispatchers themselves, built as a process builds them, each on a pool of its
own (its own PostgreSQL sessions, as another process would have).
"""

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from notify.adapters.delivery import DISPATCH_LOCK_CLASS, Dispatcher, dispatch_lock_key
from notify.bootstrap import components
from notify.domain.model import Channel
from notify.domain.templates import Rendered
from notify.service_layer.ports import Address, ChannelAdapter, DeliveryResult
from shared.clock import SimulatedClock
from shared.db import create_pool
from tests.integration.conftest import START, notify_service
from tests.integration.helpers import contact, wait_messages, wait_rows

PROMPT_S = 10.0


@pytest.fixture(scope="module")
async def quiet(pg_admin_dsn, kafka_bootstrap, sinks):
    async with notify_service(
        pg_admin_dsn,
        kafka_bootstrap,
        sinks,
        SimulatedClock(START),
        workers_enabled=False,  # no dispatcher of its own: the tests run its replicas
        sweep_interval_s=3600,
    ) as harness:
        yield harness


@dataclass
class Gate:
    """A channel that hands over only when opened: holds its dispatcher's pass open."""

    channel: Channel
    entered: asyncio.Event = field(default_factory=asyncio.Event)
    opened: asyncio.Event = field(default_factory=asyncio.Event)

    async def send(self, address: Address, message: Rendered) -> DeliveryResult:
        self.entered.set()
        await self.opened.wait()
        return DeliveryResult(ok=True, delivered=True)


@contextlib.asynccontextmanager
async def replica(
    pg_admin_dsn: str, svc, adapters: dict[Channel, ChannelAdapter] | None = None
) -> AsyncIterator[Dispatcher]:
    """Another process's dispatcher of ``svc``'s schema, on PostgreSQL sessions of its own."""
    pool = await create_pool(pg_admin_dsn, schema=svc.schema, max_size=3)
    try:
        c = components(svc.settings)
        yield Dispatcher(
            pool=lambda: pool,
            store=c.store,
            contacts=c.contacts,
            adapters=adapters or c.dispatcher.adapters,
            policy=c.policy,
            batch=c.settings.dispatch_batch,
        )
    finally:
        await pool.close()


async def send(svc, person: uuid.UUID, title: str) -> uuid.UUID:
    nid = uuid.uuid4()
    made = await svc.client.post(
        "/notifications",
        json={
            "id": str(nid),
            "recipient_person_id": str(person),
            "params": {"title": title, "message": "测试"},
        },
        headers=svc.auth("notify_operator"),
    )
    assert made.status_code == 201, made.text
    return nid


async def status(svc, nid: uuid.UUID) -> str:
    return str(await svc.pool.fetchval("SELECT status FROM notifications WHERE id = $1", nid))


@contextlib.asynccontextmanager
async def mid_pass(pg_admin_dsn: str, quiet) -> AsyncIterator[asyncio.Task[int | None]]:
    """A dispatcher of ``quiet`` in the middle of a pass (holding its schema's lock)."""
    person = uuid.uuid4()
    await contact(quiet, person)
    gates = {c: Gate(c) for c in Channel}
    async with replica(pg_admin_dsn, quiet, dict(gates)) as first:
        await send(quiet, person, "占用")
        task = asyncio.create_task(first.tick(START))
        try:
            entered = [asyncio.create_task(g.entered.wait()) for g in gates.values()]
            done, pending = await asyncio.wait(
                entered, timeout=PROMPT_S, return_when="FIRST_COMPLETED"
            )
            for p in pending:
                p.cancel()
            assert done, "the first dispatcher never reached its provider"
            yield task
        finally:
            for g in gates.values():
                g.opened.set()
            await asyncio.wait_for(task, PROMPT_S)


async def test_a_dispatcher_mid_pass_in_one_schema_does_not_pause_another_schemas(
    pg_admin_dsn, quiet, svc, sink, clock
):
    clock.set(START)
    person = uuid.uuid4()
    address = await contact(svc, person, sms=False, robot=False)
    async with mid_pass(pg_admin_dsn, quiet):
        held = await quiet.pool.fetch(
            "SELECT classid::bigint, objid::bigint FROM pg_locks "
            "WHERE locktype = 'advisory' AND objsubid = 2 AND granted"
        )
        assert tuple(dispatch_lock_key(quiet.schema)) in {(r[0], r[1]) for r in held}
        assert dispatch_lock_key(quiet.schema) != dispatch_lock_key(svc.schema)

        # svc's own dispatcher (another deployment, same database) sends meanwhile.
        nid = await send(svc, person, "另一套部署")
        await wait_messages(sink, "email", address["email"], timeout=PROMPT_S)
        await wait_rows(
            svc,
            "SELECT 1 FROM notifications WHERE id = $1 AND status = 'DELIVERED'",
            nid,
            timeout=PROMPT_S,
        )


async def test_two_dispatchers_of_one_schema_still_exclude_each_other(pg_admin_dsn, quiet, sink):
    person = uuid.uuid4()
    address = await contact(quiet, person, sms=False, robot=False)
    async with replica(pg_admin_dsn, quiet) as second:
        async with mid_pass(pg_admin_dsn, quiet) as first:
            nid = await send(quiet, person, "同一套部署")
            assert await second.tick(START) is None  # busy: the first one holds the lock
            assert await status(quiet, nid) == "QUEUED"
        assert await first == 1
        assert await second.tick(START) == 1
    await wait_messages(sink, "email", address["email"], timeout=PROMPT_S)
    assert await status(quiet, nid) == "DELIVERED"


async def test_the_lock_key_can_be_computed_in_sql_to_find_a_schemas_dispatcher(quiet):
    # What the README tells operators to run: the same objid as dispatch_lock_key.
    sql = (
        "SELECT ('x' || left(encode(sha256(convert_to($1, 'UTF8')), 'hex'), 8))::bit(32)::int "
        "& 2147483647"
    )
    for schema in (quiet.schema, "notify", "通知"):
        assert await quiet.pool.fetchval(sql, schema) == dispatch_lock_key(schema)[1]
    assert DISPATCH_LOCK_CLASS == 7_311_042

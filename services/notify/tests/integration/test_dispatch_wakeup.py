"""The dispatcher wakes when a commit makes a notification due, not at its next poll.

This notify polls only every 30 s, so each message below reaches the sink well before any poll
could have sent it: the doorbell did (a NOTIFY on commit, heard by the dispatcher's listener).
"""

import uuid

import httpx
import pytest

from notify.adapters.delivery import dispatch_lock_key
from notify.adapters.doorbell import dispatch_channel
from shared.clock import SimulatedClock
from shared.events import eldercare as ec
from shared.testing.harness import wait_until
from tests.integration.conftest import START, notify_service
from tests.integration.helpers import contact, inject, messages, wait_messages, wait_rows

POLL_S = 30.0
PROMPT_S = 10.0  # generous on a busy machine, and still a third of the poll interval
BATCH = 4


@pytest.fixture(scope="module")
async def slow_poll(pg_admin_dsn, kafka_bootstrap, sinks):
    async with notify_service(
        pg_admin_dsn,
        kafka_bootstrap,
        sinks,
        SimulatedClock(START),
        eldercare_duty_officer=uuid.uuid4(),
        dispatch_interval_s=POLL_S,
        dispatch_batch=BATCH,
        sweep_interval_s=3600,
    ) as harness:
        yield harness


@pytest.fixture(scope="module")
async def duty_email(slow_poll, sinks):
    officer = slow_poll.settings.eldercare_duty_officer
    email = (await contact(slow_poll, officer, sms=False, robot=False))["email"]
    # Warm-up, timed generously: the consumer group's first join (seconds on a loaded machine)
    # is not what these tests measure. Once one event went through, only the wake-up counts.
    await suspend(slow_poll)
    async with httpx.AsyncClient(base_url=sinks.http_url) as sink:
        await wait_messages(sink, "email", email, count=1, timeout=2 * POLL_S)
    return email


async def suspend(svc) -> uuid.UUID:
    point = uuid.uuid4()
    await inject(
        svc,
        ec.MealPointSuspended(meal_point_id=point, suspended_at=START, reason_code="REPAIRS"),
        1,
        START,
    )
    return point


async def delivered(svc, points: list[uuid.UUID]) -> int:
    """How many of these meal points' notifications ended DELIVERED (the outcome commits last)."""
    sql = "SELECT 1 FROM notifications WHERE subject_id = ANY($1::uuid[]) AND status = 'DELIVERED'"
    return len(await wait_rows(svc, sql, points, count=len(points), timeout=PROMPT_S))


async def test_a_consumed_event_is_sent_at_once_though_the_poll_is_30_s_away(
    slow_poll, sink, duty_email
):
    before = len(await messages(sink, "email", duty_email))
    point = await suspend(slow_poll)

    mails = await wait_messages(sink, "email", duty_email, count=before + 1, timeout=PROMPT_S)
    assert mails[0]["subject"] == "【助餐点暂停】助餐点已暂停服务"
    assert await delivered(slow_poll, [point]) == 1


async def test_a_burst_queued_while_another_process_dispatched_drains_on_its_ring_in_batches(
    slow_poll, sink, duty_email
):
    before = len(await messages(sink, "email", duty_email))
    async with slow_poll.pool.acquire() as other:
        # "Another notify process" holds the dispatcher: this one's passes find it busy.
        await other.execute("SELECT pg_advisory_lock($1, $2)", *dispatch_lock_key(slow_poll.schema))
        try:
            points = [await suspend(slow_poll) for _ in range(3 * BATCH - 1)]
            await wait_rows(
                slow_poll,
                "SELECT 1 FROM notifications WHERE subject_id = ANY($1::uuid[]) "
                "AND status = 'QUEUED'",
                points,
                count=len(points),
            )
            assert len(await messages(sink, "email", duty_email)) == before
        finally:
            await other.execute(
                "SELECT pg_advisory_unlock($1, $2)", *dispatch_lock_key(slow_poll.schema)
            )
        # The other process's own commit rings every dispatcher sharing the database.
        await other.execute("SELECT pg_notify($1, '')", dispatch_channel(slow_poll.schema))

    # One wake-up, three batches of BATCH: all of them go, not one batch per poll.
    await wait_messages(sink, "email", duty_email, count=before + len(points), timeout=PROMPT_S)
    assert await delivered(slow_poll, points) == len(points)


async def test_after_losing_its_listen_connection_the_dispatcher_listens_again_and_wakes(
    slow_poll, sink, duty_email
):
    before = len(await messages(sink, "email", duty_email))
    listener = f'LISTEN "{dispatch_channel(slow_poll.schema)}"'

    async def listeners() -> int:
        sql = "SELECT count(*) FROM pg_stat_activity WHERE query = $1"
        return int(await slow_poll.pool.fetchval(sql, listener))

    killed = await slow_poll.pool.fetchval(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = $1",
        listener,
    )
    assert killed == 1
    gap = await suspend(slow_poll)  # may commit before anyone listens: the reconnect rings

    async def listening_again() -> bool:
        return await listeners() == 1

    # Reconnecting waits a retry interval and a new connection: slow on a loaded machine, and
    # not what is measured. Once it listens again, the gap's notification must follow promptly.
    await wait_until(listening_again, timeout=2 * PROMPT_S)
    await wait_messages(sink, "email", duty_email, count=before + 1, timeout=PROMPT_S)
    after = await suspend(slow_poll)
    await wait_messages(sink, "email", duty_email, count=before + 2, timeout=PROMPT_S)
    assert await delivered(slow_poll, [gap, after]) == 2

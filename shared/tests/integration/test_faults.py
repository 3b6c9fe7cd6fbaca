"""Kill the relay and the consumer with SIGKILL: nothing is lost, nothing applied twice."""

import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from shared import outbox
from tests.support import campaign, consume, envelope

HERE = Path(__file__).parent


def spawn(role, env):
    return subprocess.Popen(
        [sys.executable, str(HERE / "processes.py"), role],
        env={**os.environ, **env, "PYTHONPATH": str(HERE.parent.parent)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill(proc):
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


@pytest.fixture
def proc_env(pg_admin_dsn, schema, kafka_bootstrap, topics, tmp_path):
    return {
        "TEST_DSN": pg_admin_dsn,
        "TEST_SCHEMA": schema,
        "TEST_BOOTSTRAP": kafka_bootstrap,
        "TEST_PREFIX": topics,
        "TEST_GROUP": f"g{uuid.uuid4().hex[:8]}",
        "TEST_OUTCOMES": str(tmp_path / "outcomes.txt"),
    }


@pytest.mark.slow
@pytest.mark.timeout(600)
async def test_relay_killed_five_times_under_concurrent_writes_loses_nothing(
    pool, schema, proc_env, kafka_bootstrap, topics
):
    await pool.execute("CREATE TABLE effects (event_id uuid NOT NULL, code text NOT NULL)")
    consumer = spawn("consumer", proc_env)
    written: list[str] = []

    async def writer(w):
        for batch in range(100):
            envs = [envelope(campaign(w * 1000 + batch * 10 + i)) for i in range(10)]
            async with pool.acquire() as conn, conn.transaction():
                await outbox.add(conn, envs, schema=schema)
            written.extend(e.id for e in envs)

    writers = asyncio.gather(*(writer(w) for w in range(10)))
    kills = 0
    relay = spawn("relay", proc_env)
    try:
        while kills < 5:
            await asyncio.sleep(random.uniform(0.5, 1.5))
            kill(relay)
            kills += 1
            relay = spawn("relay", proc_env)
        await writers
        assert len(written) == 10_000
        async with asyncio.timeout(300):
            while await pool.fetchval("SELECT count(*) FROM effects") < 10_000:
                await asyncio.sleep(0.5)
        await asyncio.sleep(2)
    finally:
        kill(relay)
        kill(consumer)
    rows = await pool.fetch("SELECT event_id::text AS id, count(*) AS n FROM effects GROUP BY 1")
    assert {r["id"] for r in rows} == set(written)
    assert all(r["n"] == 1 for r in rows)
    assert kills == 5


@pytest.mark.slow
async def test_consumer_killed_after_its_effect_gets_the_message_again_and_applies_nothing(
    pool, schema, proc_env, kafka_bootstrap, topics, tmp_path
):
    await pool.execute("CREATE TABLE effects (event_id uuid NOT NULL, code text NOT NULL)")
    env = envelope(campaign(1))
    async with pool.acquire() as conn, conn.transaction():
        await outbox.add(conn, [env], schema=schema)
    relay = spawn("relay", proc_env)
    marker = tmp_path / "killed"
    first = spawn("consumer", {**proc_env, "TEST_KILL_MARKER": str(marker)})
    try:
        assert await asyncio.to_thread(first.wait, 90) == -signal.SIGKILL
        assert marker.exists()
        assert await pool.fetchval("SELECT count(*) FROM effects") == 1
        second = spawn("consumer", proc_env)
        outcomes = Path(proc_env["TEST_OUTCOMES"])
        async with asyncio.timeout(90):
            while not (outcomes.exists() and "duplicate" in outcomes.read_text()):
                await asyncio.sleep(0.2)
        kill(second)
    finally:
        kill(relay)
    assert outcomes.read_text().split() == ["0", "duplicate"]
    assert await pool.fetchval("SELECT count(*) FROM effects") == 1
    [record] = await consume(kafka_bootstrap, topics + "inspection.campaigns", count=1, timeout=10)
    assert record.offset == 0


@pytest.mark.slow
@pytest.mark.timeout(300)
async def test_events_written_while_the_broker_is_down_are_delivered_after_it_returns(
    pool, schema, pg_admin_dsn, tmp_path
):
    from devstack.kafka import KafkaNode
    from shared.relay import Relay, RelayConfig
    from tests.support import create_topics

    tmp_path.chmod(0o755)
    node = KafkaNode.on_free_ports(tmp_path / "kafka")
    node.start()
    try:
        await node.wait_ready()
        await create_topics(node.bootstrap, ["inspection.campaigns"])
        relay = Relay(
            RelayConfig(
                dsn=pg_admin_dsn, schema=schema, bootstrap=node.bootstrap, poll_interval_s=0.2
            )
        )
        task = asyncio.create_task(relay.run())
        before = envelope(campaign(0))
        async with pool.acquire() as conn, conn.transaction():
            await outbox.add(conn, [before], schema=schema)
        assert len(await consume(node.bootstrap, "inspection.campaigns", count=1)) == 1

        await asyncio.to_thread(node.stop)
        during = [envelope(campaign(i)) for i in range(1, 101)]
        for i in range(0, 100, 10):
            async with pool.acquire() as conn, conn.transaction():
                await outbox.add(conn, during[i : i + 10], schema=schema)
        await asyncio.sleep(5)  # the relay keeps failing meanwhile, and keeps every row
        assert await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 100

        await asyncio.to_thread(node.start)
        await node.wait_ready()
        records = await consume(node.bootstrap, "inspection.campaigns", count=101, timeout=120)
        ids = {json.loads(r.value)["id"] for r in records}
        assert ids == {e.id for e in [before, *during]}
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    finally:
        await asyncio.to_thread(node.stop)

"""The idempotent consumer runner against the real Kafka and PostgreSQL."""

import asyncio
import json
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from faststream.kafka import KafkaBroker

from shared.consumer import ConsumerConfig, ConsumerRunner, PermanentError
from shared.kafka import make_producer
from shared.metrics import Metrics
from tests.support import campaign, consume, create_topics, envelope

TYPE = "inspection.campaign.launched.v1"


@pytest.fixture
async def effects(pool):
    await pool.execute("CREATE TABLE effects (event_id uuid NOT NULL, code text NOT NULL)")
    return pool


@pytest.fixture
async def producer(kafka_bootstrap):
    p = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await p.start()
    yield p
    await p.stop()


class Harness:
    def __init__(self, runner, broker, dlq):
        self.runner, self.broker, self.dlq = runner, broker, dlq


@pytest.fixture
async def start_consumer(kafka_bootstrap, pool, topics):
    started = []

    async def start(handler, *, name=None, max_attempts=3):
        name = name or f"c{uuid.uuid4().hex[:8]}"
        await create_topics(kafka_bootstrap, [f"{topics}{name}.dlq"], partitions=1)
        dlq = make_producer(kafka_bootstrap, client_id="test-dlq")
        await dlq.start()
        metrics = Metrics()
        runner = ConsumerRunner(
            ConsumerConfig(
                name=name,
                topics=["inspection.campaigns"],
                max_attempts=max_attempts,
                backoff_base_s=0.05,
                backoff_max_s=0.2,
                topic_prefix=topics,
            ),
            pool=lambda: pool,
            handlers={TYPE: handler},
            dlq_producer=lambda: dlq,
            metrics=metrics,
        )
        broker = KafkaBroker(kafka_bootstrap, allow_auto_create_topics=False)
        runner.subscribe(broker)
        await broker.start()
        started.append((broker, dlq))
        return runner

    yield start
    for broker, dlq in started:
        await broker.stop()
        await dlq.stop()


async def record_effect(conn, event, env):
    await conn.execute("INSERT INTO effects VALUES ($1, $2)", uuid.UUID(env.id), event.code)


async def send(producer, topic, value: bytes, key: bytes = b"k", headers=None):
    await producer.send_and_wait(topic, value=value, key=key, headers=headers or [])


async def effect_count(pool, expected, timeout=30.0):
    async with asyncio.timeout(timeout):
        while await pool.fetchval("SELECT count(*) FROM effects") < expected:
            await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)  # a duplicate effect would show up now
    return await pool.fetchval("SELECT count(*) FROM effects")


def count(runner, outcome):
    return runner.metrics.consumed.labels(
        runner.config.name, runner.config.kafka_topics[0], outcome
    )._value.get()


async def test_each_event_is_applied_once_even_when_delivered_twice(
    effects, producer, topics, start_consumer
):
    runner = await start_consumer(record_effect)
    env = envelope(campaign(1))
    for _ in range(2):
        await send(producer, topics + "inspection.campaigns", env.to_json(), env.subject.encode())
    async with asyncio.timeout(30):
        while count(runner, "applied") + count(runner, "duplicate") < 2:
            await asyncio.sleep(0.1)
    assert count(runner, "applied") == 1
    assert count(runner, "duplicate") == 1
    assert await effect_count(effects, 1) == 1
    assert await effects.fetchval("SELECT count(*) FROM inbox") == 1


async def test_poison_message_goes_to_dlq_after_retries_and_the_partition_moves_on(
    effects, producer, topics, kafka_bootstrap, start_consumer
):
    attempts = []

    async def handler(conn, event, env):
        if event.code == "ZX-2024-0666":
            attempts.append(1)
            raise ValueError("cannot apply this campaign")
        await record_effect(conn, event, env)

    runner = await start_consumer(handler, max_attempts=3)
    poison, good = envelope(campaign(666)), envelope(campaign(2))
    # One key: both land on the same partition, the good one behind the poison one.
    await send(producer, topics + "inspection.campaigns", poison.to_json(), b"same")
    await send(producer, topics + "inspection.campaigns", good.to_json(), b"same")

    assert await effect_count(effects, 1) == 1
    assert len(attempts) == 3
    [dead] = await consume(kafka_bootstrap, runner.config.dlq, count=1)
    headers = {k: v.decode() for k, v in dead.headers}
    assert json.loads(dead.value)["id"] == poison.id
    assert headers["dlq-error-class"] == "ValueError"
    assert "cannot apply this campaign" in headers["dlq-error"]
    assert headers["dlq-attempts"] == "3"
    assert headers["dlq-original-topic"] == topics + "inspection.campaigns"
    assert headers["dlq-original-offset"] == "0"
    # The effect of the poison attempt rolled back with its inbox claim.
    claimed = await effects.fetch("SELECT event_id::text FROM inbox")
    assert [r["event_id"] for r in claimed] == [good.id]


async def test_permanent_error_is_dead_lettered_without_retries(
    effects, producer, topics, kafka_bootstrap, start_consumer
):
    calls = []

    async def handler(conn, event, env):
        calls.append(1)
        raise PermanentError("refers to nothing we know")

    runner = await start_consumer(handler, max_attempts=5)
    env = envelope(campaign(3))
    await send(producer, topics + "inspection.campaigns", env.to_json())
    [dead] = await consume(kafka_bootstrap, runner.config.dlq, count=1)
    assert dict(dead.headers)["dlq-attempts"] == b"1"
    assert calls == [1]


@pytest.mark.parametrize(
    ("value", "headers", "reason"),
    [
        (b"{not json", [], "not UTF-8 JSON"),
        (b'["a list"]', [], "not an object"),
        (json.dumps({"specversion": "1.0", "id": "x"}).encode(), [], "malformed CloudEvent"),
        (b"\xff\xfe\x00", [], "not UTF-8 JSON"),
        (None, [("ce_type", b"\xff\xfe")], "headers not UTF-8: ce_type"),
    ],
)
async def test_malformed_messages_are_dead_lettered_with_their_reason(
    value, headers, reason, effects, producer, topics, kafka_bootstrap, start_consumer
):
    runner = await start_consumer(record_effect)
    good = envelope(campaign(4))
    bad_value = value if value is not None else good.to_json()
    await send(producer, topics + "inspection.campaigns", bad_value, b"same", headers)
    await send(producer, topics + "inspection.campaigns", good.to_json(), b"same")
    assert await effect_count(effects, 1) == 1
    [dead] = await consume(kafka_bootstrap, runner.config.dlq, count=1)
    assert reason in dict(dead.headers)["dlq-error"].decode()


async def test_contract_violation_is_dead_lettered(
    effects, producer, topics, kafka_bootstrap, start_consumer
):
    runner = await start_consumer(record_effect)
    doc = json.loads(envelope(campaign(5)).to_json())
    doc["data"]["start_on"] = "not a date"
    await send(producer, topics + "inspection.campaigns", json.dumps(doc).encode())
    [dead] = await consume(kafka_bootstrap, runner.config.dlq, count=1)
    assert dict(dead.headers)["dlq-error-class"] == b"ContractError"


async def test_unknown_event_type_is_skipped_and_counted(effects, producer, topics, start_consumer):
    runner = await start_consumer(record_effect)
    doc = json.loads(envelope(campaign(6)).to_json())
    doc["type"] = "inspection.campaign.renamed.v9"
    await send(producer, topics + "inspection.campaigns", json.dumps(doc).encode())
    good = envelope(campaign(7))
    await send(producer, topics + "inspection.campaigns", good.to_json())
    assert await effect_count(effects, 1) == 1
    assert count(runner, "skipped") == 1


async def test_offsets_are_committed_in_few_requests_once_the_records_are_processed(
    effects, producer, topics, kafka_bootstrap, start_consumer
):
    runner = await start_consumer(record_effect)
    topic = topics + "inspection.campaigns"
    for n in range(200):
        env = envelope(campaign(1000 + n))
        await producer.send(topic, value=env.to_json(), key=env.subject.encode())
    await producer.flush()
    assert await effect_count(effects, 200) == 200
    # The group's committed offsets reach the end of every partition soon after the last
    # record is processed, in a handful of commit requests rather than one per record.
    group = runner.config.name
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        async with asyncio.timeout(10):
            while True:
                committed = await admin.list_consumer_group_offsets(group)
                if sum(meta.offset for meta in committed.values() if meta.offset > 0) == 200:
                    break
                await asyncio.sleep(0.1)
    finally:
        await admin.close()
    assert runner.offsets.pending == {}
    assert 1 <= runner.offsets.commits < 50

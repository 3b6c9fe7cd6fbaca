import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from devstack.kafka import KafkaCluster
from devstack.topics import create_topic

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.fixture
async def cluster(devstack_tmp):
    cluster = KafkaCluster(devstack_tmp / f"cluster-{uuid.uuid4().hex[:6]}")
    cluster.start()
    try:
        await cluster.wait_ready(timeout=120)
        yield cluster
    finally:
        cluster.stop()


async def _leader_and_isr(bootstrap: str, topic: str) -> tuple[int, list[int]]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    partition = described["partitions"][0]
    return partition["leader"], sorted(partition["isr"])


async def _produce(bootstrap: str, topic: str, values: list[bytes]) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, request_timeout_ms=30000
    )
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value, partition=0)
    finally:
        await producer.stop()


async def _consume_all(bootstrap: str, topic: str, count: int) -> list[bytes]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"g-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    seen: list[bytes] = []
    try:
        async with asyncio.timeout(60):
            while len(seen) < count:
                batch = await consumer.getmany(timeout_ms=1000)
                seen += [record.value or b"" for records in batch.values() for record in records]
    finally:
        await consumer.stop()
    return seen


async def test_acks_all_survives_a_killed_leader(cluster):
    topic = await create_topic(cluster.bootstrap, f"fault.{uuid.uuid4().hex[:8]}", 1, replication=3)
    await _produce(cluster.bootstrap, topic, [b"before-1", b"before-2"])
    leader, isr = await _leader_and_isr(cluster.bootstrap, topic)
    assert isr == [1, 2, 3]

    cluster.kill(leader)
    survivors = ",".join(n.bootstrap for n in cluster.nodes if n.node_id != leader)
    # min.insync.replicas=2 and two brokers left: acks=all must still succeed once the
    # controller has fenced the dead leader and moved leadership.
    await _produce(survivors, topic, [b"after-1", b"after-2"])
    new_leader, new_isr = await _leader_and_isr(survivors, topic)
    assert new_leader != leader
    assert leader not in new_isr

    cluster.restart(leader)
    await cluster.wait_ready(timeout=120)
    async with asyncio.timeout(60):
        while (await _leader_and_isr(cluster.bootstrap, topic))[1] != [1, 2, 3]:
            await asyncio.sleep(0.5)

    assert sorted(await _consume_all(cluster.bootstrap, topic, 4)) == sorted(
        [b"before-1", b"before-2", b"after-1", b"after-2"]
    )

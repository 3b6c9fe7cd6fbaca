"""Relay throughput: events committed to the outbox and acknowledged on Kafka, vs raw aiokafka."""

import asyncio
import contextlib
import json
import re
import statistics
import subprocess
import time
import uuid
from datetime import UTC, date, datetime

import asyncpg

from bench.infra import Infra
from devstack.kafka import ensure_tool_jars
from shared import migrations, outbox
from shared.db import init_connection
from shared.events import envelope_for
from shared.events.inspection import CampaignLaunched
from shared.kafka import make_producer, producer_settings
from shared.relay import Relay, RelayConfig

TOPIC = "inspection.campaigns"
T0 = datetime(2024, 3, 1, tzinfo=UTC)


def envelopes(n: int):
    return [
        envelope_for(
            CampaignLaunched(
                campaign_id=uuid.uuid4(),
                code=f"ZX-2024-{i:05d}",
                name="消防安全专项整治",
                kind="FIRE_HAZARD_REMOVAL",
                start_on=date(2024, 3, 1),
                lead_unit="市民政局",
            ),
            source="inspection",
            version=1,
            time=T0,
        )
        for i in range(n)
    ]


async def create_topic(bootstrap: str, name: str) -> None:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, num_partitions=3, replication_factor=1)])
    finally:
        await admin.close()


async def raw_round(bootstrap: str, topic: str, envs) -> float:
    """Raw aiokafka: the same values, keys and headers, the same producer settings."""
    producer = make_producer(bootstrap, client_id="bench-raw")
    await producer.start()
    try:
        values = [
            (
                e.subject.encode(),
                json.dumps(
                    e.model_dump(mode="json", exclude_none=True), separators=(",", ":")
                ).encode(),
                [
                    ("content-type", b"application/cloudevents+json"),
                    ("ce_type", e.type.encode()),
                    ("ce_id", e.id.encode()),
                ],
            )
            for e in envs
        ]
        began = time.perf_counter()
        futures = [await producer.send(topic, value=v, key=k, headers=h) for k, v, h in values]
        await asyncio.gather(*futures)
        return len(envs) / (time.perf_counter() - began)
    finally:
        await producer.stop()


async def relay_round(infra: Infra, envs, *, writers: int = 4, per_tx: int = 100) -> float:
    """Outbox + relay: concurrent writers commit, the relay publishes, until all are acked."""
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    prefix = f"b{uuid.uuid4().hex[:8]}."
    await create_topic(infra.bootstrap, prefix + TOPIC)
    conn = await asyncpg.connect(infra.admin_dsn)
    await migrations.migrate(conn, schema, migrations.platform_migrations())
    await conn.close()
    pool = await asyncpg.create_pool(
        infra.admin_dsn,
        min_size=writers,
        max_size=writers + 2,
        init=init_connection,
        server_settings={"search_path": schema},
    )
    relay = Relay(
        RelayConfig(
            dsn=infra.admin_dsn, schema=schema, bootstrap=infra.bootstrap, topic_prefix=prefix
        )
    )
    task = asyncio.create_task(relay.run())
    try:
        while not relay.is_leader:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
        chunks = [envs[i : i + per_tx] for i in range(0, len(envs), per_tx)]

        async def writer(k: int) -> None:
            for chunk in chunks[k::writers]:
                async with pool.acquire() as c, c.transaction():
                    await outbox.add(c, chunk, schema=schema)

        began = time.perf_counter()
        await asyncio.gather(*(writer(k) for k in range(writers)))
        while relay.published < len(envs):
            await asyncio.sleep(0.005)
        elapsed = time.perf_counter() - began
        return len(envs) / elapsed
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await pool.close()


def java_reference(bootstrap: str, topic: str, n: int, size: int) -> float | None:
    """Kafka's own ProducerPerformance on the same broker: the physical reference."""
    jars = ensure_tool_jars()
    settings = producer_settings()
    cmd = [
        "java",
        "-Xmx512m",
        f"-Dlog4j2.configurationFile={jars.parent / 'tools-log4j2.properties'}",
        "-cp",
        f"{jars}/*",
        "org.apache.kafka.tools.ProducerPerformance",
        "--topic",
        topic,
        "--num-records",
        str(n),
        "--record-size",
        str(size),
        "--throughput",
        "-1",
        "--producer-props",
        f"bootstrap.servers={bootstrap}",
        "acks=all",
        "enable.idempotence=true",
        f"linger.ms={settings['linger_ms']}",
        f"batch.size={settings['max_batch_size']}",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False).stdout
    found = re.findall(r"([\d.]+) records/sec", out)
    return float(found[-1]) if found else None


async def run(infra: Infra, n: int = 20_000, rounds: int = 3) -> dict[str, object]:
    envs = envelopes(n)
    raw_topic = f"raw{uuid.uuid4().hex[:8]}.{TOPIC}"
    await create_topic(infra.bootstrap, raw_topic)
    raw, relayed = [], []
    for _ in range(rounds):
        raw.append(await raw_round(infra.bootstrap, raw_topic, envs))
        relayed.append(await relay_round(infra, envs))
    size = int(statistics.mean(len(e.to_json()) for e in envs[:100]))
    java_topic = f"java{uuid.uuid4().hex[:8]}.{TOPIC}"
    await create_topic(infra.bootstrap, java_topic)
    java = await asyncio.to_thread(java_reference, infra.bootstrap, java_topic, n, size)
    value, baseline = statistics.median(relayed), statistics.median(raw)
    return {
        "name": "relay_throughput",
        "description": "events/s committed to the outbox (4 writers, 100 per transaction) and "
        "acknowledged on Kafka by the relay, vs raw aiokafka producing the same records",
        "value": round(value, 1),
        "baseline": round(baseline, 1),
        "ratio": round(value / baseline, 3),
        "target": ">= 0.5",
        "met": value / baseline >= 0.5,
        "unit": "events/s",
        "events_per_round": n,
        "rounds": {"relay": [round(x) for x in relayed], "raw_aiokafka": [round(x) for x in raw]},
        "record_bytes": size,
        "java_producer_performance": round(java, 1) if java else None,
        "producer_settings": producer_settings(),
    }

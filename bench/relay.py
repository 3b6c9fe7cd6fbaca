"""Relay throughput: events committed to the outbox and acknowledged on Kafka, vs raw aiokafka."""

import asyncio
import contextlib
import json
import re
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
from aiokafka.partitioner import DefaultPartitioner

from bench.infra import Infra
from devstack.kafka import ensure_tool_jars
from devstack.topics import create_topic
from shared import migrations, outbox
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


def records(envs) -> list[tuple[bytes, bytes, list[tuple[str, bytes]]]]:
    """Key, value and headers of each envelope, as the relay publishes them."""
    return [
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


async def raw_round(bootstrap: str, topic: str, envs) -> float:
    """Raw aiokafka: the same values, keys and headers, the same producer settings."""
    producer = make_producer(bootstrap, client_id="bench-raw")
    await producer.start()
    try:
        values = records(envs)
        began = time.perf_counter()
        futures = [await producer.send(topic, value=v, key=k, headers=h) for k, v, h in values]
        await asyncio.gather(*futures)
        return len(envs) / (time.perf_counter() - began)
    finally:
        await producer.stop()


async def raw_batches_round(bootstrap: str, topic: str, envs) -> float:
    """Raw aiokafka with the relay's own way of sending: one record batch per partition.

    The baseline sends record by record, as producers usually do; this shows what the same
    batching does for plain aiokafka (how much of the relay's figure is its batching).
    """
    producer = make_producer(bootstrap, client_id="bench-raw-batches")
    await producer.start()
    try:
        prepared = records(envs)
        partitions = sorted(await producer.partitions_for(topic))
        partitioner = DefaultPartitioner()
        began = time.perf_counter()
        futures = []
        for start in range(0, len(prepared), 500):
            batches: dict[int, Any] = {}
            for key, value, headers in prepared[start : start + 500]:
                p = partitioner(key, partitions, partitions)
                batch = batches.get(p)
                if batch is None or not batch.append(
                    timestamp=None, key=key, value=value, headers=headers
                ):
                    if batch is not None:
                        batch.close()
                        futures.append(await producer.send_batch(batch, topic, partition=p))
                    batch = batches[p] = producer.create_batch()
                    batch.append(timestamp=None, key=key, value=value, headers=headers)
            # Closed, as the relay closes its batches: sent at once, not after linger_ms.
            for p, batch in batches.items():
                batch.close()
                futures.append(await producer.send_batch(batch, topic, partition=p))
        await asyncio.gather(*futures)
        return len(envs) / (time.perf_counter() - began)
    finally:
        await producer.stop()


async def relay_round(infra: Infra, n: int, *, spans: bool = False) -> float:
    """Outbox + relay: a writer process commits, the relay publishes, until all are acked.

    The writers run in their own process, as the command handlers of a second instance of the
    service would; the relay leads in this one.
    """
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    prefix = f"b{uuid.uuid4().hex[:8]}."
    await create_topic(infra.bootstrap, prefix + TOPIC)
    conn = await asyncpg.connect(infra.admin_dsn)
    await migrations.migrate(conn, schema, migrations.platform_migrations())
    await conn.close()
    writer = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.writer",
        infra.admin_dsn,
        schema,
        str(n),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert writer.stdin
    assert writer.stdout
    relay = Relay(
        RelayConfig(
            dsn=infra.admin_dsn,
            schema=schema,
            bootstrap=infra.bootstrap,
            topic_prefix=prefix,
            spans=spans,
        )
    )
    task = asyncio.create_task(relay.run())
    try:
        assert (await writer.stdout.readline()).strip() == b"ready"
        while not relay.is_leader:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
        began = time.perf_counter()
        writer.stdin.write(b"go\n")
        await writer.stdin.drain()
        await _until_published(relay, n)
        return n / (time.perf_counter() - began)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if writer.returncode is None:
            writer.kill()
        await writer.wait()


async def drain_round(infra: Infra, envs, *, spans: bool = False) -> float:
    """The relay alone: events/s draining an outbox already holding every event."""
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    prefix = f"d{uuid.uuid4().hex[:8]}."
    await create_topic(infra.bootstrap, prefix + TOPIC)
    conn = await asyncpg.connect(infra.admin_dsn)
    await migrations.migrate(conn, schema, migrations.platform_migrations())
    await conn.execute(f'SET search_path TO "{schema}"')
    for i in range(0, len(envs), 1000):
        async with conn.transaction():
            await outbox.add(conn, envs[i : i + 1000], schema=schema)
    await conn.close()
    relay = Relay(
        RelayConfig(
            dsn=infra.admin_dsn,
            schema=schema,
            bootstrap=infra.bootstrap,
            topic_prefix=prefix,
            spans=spans,
        )
    )
    began = time.perf_counter()
    task = asyncio.create_task(relay.run())
    try:
        await _until_published(relay, len(envs))
        return len(envs) / (time.perf_counter() - began)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _until_published(relay: Relay, n: int, timeout: float = 180.0) -> None:
    async with asyncio.timeout(timeout):
        while relay.published < n:
            await asyncio.sleep(0.002)


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
    raw, batched, relayed, drained, traced = [], [], [], [], []
    for i in range(rounds):
        raw.append(await raw_round(infra.bootstrap, raw_topic, envs))
        batched.append(await raw_batches_round(infra.bootstrap, raw_topic, envs))
        relayed.append(await relay_round(infra, n))
        drained.append(await drain_round(infra, envs))
        traced.append(await relay_round(infra, n, spans=True))
        print(
            f"  round {i + 1}: raw {raw[-1]:.0f}/s, raw batches {batched[-1]:.0f}/s, "
            f"relay {relayed[-1]:.0f}/s, "
            f"drain {drained[-1]:.0f}/s, relay with spans {traced[-1]:.0f}/s",
            flush=True,
        )
    size = int(statistics.mean(len(e.to_json()) for e in envs[:100]))
    java_topic = f"java{uuid.uuid4().hex[:8]}.{TOPIC}"
    await create_topic(infra.bootstrap, java_topic)
    java = await asyncio.to_thread(java_reference, infra.bootstrap, java_topic, n, size)
    value, baseline = statistics.median(relayed), statistics.median(raw)
    return {
        "name": "relay_throughput",
        "description": "events/s committed to the outbox (a writer process: 4 writers, 100 per "
        "transaction) and acknowledged on Kafka by the relay, vs raw aiokafka producing the "
        "same records with the same producer settings, send() per record; the relay as services "
        "run it by default (spans not exported: records carry the stored trace context); "
        "relay_with_spans is the same with a producer span per record "
        "(OTEL_EXPORTER_OTLP_ENDPOINT set); raw_aiokafka_batches is raw aiokafka sending record "
        "batches per partition as the relay does",
        "value": round(value, 1),
        "baseline": round(baseline, 1),
        "ratio": round(value / baseline, 3),
        "target": ">= 0.5",
        "met": value / baseline >= 0.5,
        "unit": "events/s",
        "events_per_round": n,
        "rounds": {
            "relay": [round(x) for x in relayed],
            "raw_aiokafka": [round(x) for x in raw],
            "raw_aiokafka_batches": [round(x) for x in batched],
            "relay_drain_only": [round(x) for x in drained],
            "relay_with_spans": [round(x) for x in traced],
        },
        "relay_with_spans": round(statistics.median(traced), 1),
        "relay_with_spans_ratio": round(statistics.median(traced) / baseline, 3),
        "relay_drain_only": round(statistics.median(drained), 1),
        "raw_aiokafka_batches": round(statistics.median(batched), 1),
        "ratio_to_raw_batches": round(value / statistics.median(batched), 3),
        "record_bytes": size,
        "java_producer_performance": round(java, 1) if java else None,
        "producer_settings": producer_settings(),
    }

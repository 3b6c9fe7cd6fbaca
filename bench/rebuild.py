"""Projection rebuild: the demo year replayed into fresh views tables vs raw aiokafka reading.

The rebuild is the operators' one (``POST /_admin/rebuilds {}`` on the running views service:
every projection side by side, from offset 0 into a fresh table set, then the switch). Its events
per second are every record read over the wall time from the request until the last projection
switched (``rebuild_runs.finished_at``). The baseline reads the same partitions from offset 0 to
the same end offsets with a plain aiokafka consumer and the rebuild's own reader settings and
batch size (``views.adapters.offsets.kafka_reader``), doing nothing with the records. A second
reading that also decodes and parses every record as the rebuild does is reported next to it
(``raw_aiokafka_parsed``): what the rebuild costs besides PostgreSQL.
"""

import asyncio
import contextlib
import statistics
import time
from datetime import datetime
from typing import Any

import asyncpg
import httpx
from aiokafka import TopicPartition

from bench.report import result
from bench.stack import Stack
from shared.events.envelope import EnvelopeError, decode
from shared.events.registry import REGISTRY
from views.adapters.offsets import kafka_admin, kafka_reader, partitions
from views.domain.projections import PROJECTIONS

ROUNDS = 3
TARGET = 0.25
BATCH = 500  # views' REBUILD_BATCH_SIZE default
_RUNS = """
SELECT projection, state, started_at, finished_at, target_events, read_events, applied_events,
       skipped_events, error
FROM views.rebuild_runs WHERE started_at >= $1 ORDER BY started_at
"""


async def _topic_partitions(bootstrap: str) -> list[TopicPartition]:
    admin = kafka_admin(bootstrap, "bench-rebuild-admin")
    await admin.start()
    try:
        tps: list[TopicPartition] = await partitions(
            admin, [t for p in PROJECTIONS for t in p.topics]
        )
        return tps
    finally:
        await admin.close()


def _parse(records: list[Any]) -> None:
    for record in records:
        with contextlib.suppress(EnvelopeError):
            REGISTRY.parse(decode(record.value))


async def raw_round(
    bootstrap: str, tps: list[TopicPartition], *, parse: bool = False
) -> tuple[float, int]:
    """Events/s reading every partition from 0 to its end offset; and how many there were.

    With ``parse``, each record is also decoded and parsed into its event as the rebuild does
    (``decode`` + ``REGISTRY.parse``): the CPU part of the rebuild that is not PostgreSQL.
    """
    began = time.perf_counter()
    consumer = kafka_reader(bootstrap, "bench-rebuild-raw")
    await consumer.start()
    try:
        consumer.assign(tps)
        ends: dict[TopicPartition, int] = await consumer.end_offsets(tps)
        await consumer.seek_to_beginning(*tps)
        read = 0
        while True:
            behind = [tp for tp, end in ends.items() if await consumer.position(tp) < end]
            if not behind:
                break
            batch = await consumer.getmany(*behind, timeout_ms=500, max_records=BATCH)
            for records in batch.values():
                read += len(records)
                if parse:
                    _parse(records)
        return read / (time.perf_counter() - began), read
    finally:
        await consumer.stop()


async def rebuild_round(stack: Stack, dsn: str) -> tuple[float, list[dict[str, Any]]]:
    """Events/s of rebuilding every projection through views' endpoint; and its runs."""
    conn = await asyncpg.connect(dsn)
    try:
        since: datetime = await conn.fetchval("SELECT now()")
        async with httpx.AsyncClient(headers=stack.headers("admin"), timeout=30) as client:
            answer = await client.post(f"{stack.url('views')}/_admin/rebuilds", json={})
            answer.raise_for_status()
        while True:
            runs = [dict(r) for r in await conn.fetch(_RUNS, since)]
            failed = [r for r in runs if r["state"] == "FAILED"]
            if failed:
                raise RuntimeError(f"rebuild failed: {failed}")
            if len(runs) == len(PROJECTIONS) and all(r["state"] == "SWITCHED" for r in runs):
                break
            await asyncio.sleep(0.25)
    finally:
        await conn.close()
    seconds = (max(r["finished_at"] for r in runs) - since).total_seconds()
    return sum(r["read_events"] for r in runs) / seconds, runs


async def run(stack: Stack) -> list[dict[str, Any]]:
    """Alternating rounds of raw reading and a full rebuild (the demo year must be loaded)."""
    dsn = stack.cfg.postgres().admin_dsn("minzheng")
    await asyncio.to_thread(stack.pipeline_idle, 600)
    tps = await _topic_partitions(stack.bootstrap)
    raw, parsed, rebuilt, runs = [], [], [], []
    events = 0
    for i in range(ROUNDS):
        rate, events = await raw_round(stack.bootstrap, tps)
        raw.append(rate)
        parsed.append((await raw_round(stack.bootstrap, tps, parse=True))[0])
        rate, last = await rebuild_round(stack, dsn)
        rebuilt.append(rate)
        runs = last
        print(
            f"  round {i + 1}: raw {raw[-1]:.0f}/s, raw + parse {parsed[-1]:.0f}/s, "
            f"rebuild {rebuilt[-1]:.0f}/s",
            flush=True,
        )
    value, base = statistics.median(rebuilt), statistics.median(raw)
    per_projection = {
        r["projection"]: {
            "events": r["read_events"],
            "applied": r["applied_events"],
            "skipped": r["skipped_events"],
            "seconds": round((r["finished_at"] - r["started_at"]).total_seconds(), 1),
        }
        for r in runs
    }
    return [
        result(
            "rebuild",
            "events/s replaying the demo year into fresh views tables (POST /_admin/rebuilds {}: "
            "every projection side by side, read from offset 0, applied, switched) vs a plain "
            "aiokafka consumer reading the same partitions from 0 to their end with the rebuild's "
            f"reader settings ({BATCH} records per poll); {ROUNDS} alternating rounds, medians",
            value=value,
            baseline=base,
            unit="events/s",
            target=f">= {TARGET}",
            met=value / base >= TARGET,
            events=events,
            partitions=len(tps),
            rounds={
                "rebuild": [round(x) for x in rebuilt],
                "raw_aiokafka": [round(x) for x in raw],
                "raw_aiokafka_parsed": [round(x) for x in parsed],
            },
            raw_aiokafka_parsed=round(statistics.median(parsed), 1),
            last_rebuild=per_projection,
        )
    ]

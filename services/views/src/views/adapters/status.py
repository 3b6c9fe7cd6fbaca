"""Per-projection status: active set, checkpoints, end offsets, lag, rebuild progress, metrics."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, Gauge

from shared.kafka_security import KafkaSecurity
from views.adapters.offsets import (
    Offsets,
    by_topic,
    committed,
    kafka_admin,
    kafka_reader,
    partition_lag,
    partitions,
)
from views.adapters.reading import consistent_read
from views.adapters.sets import ddl_checksum, ensure_active, quoted
from views.domain.projections import PROJECTIONS, Projection

log = logging.getLogger(__name__)

_SETS = """
SELECT projection, generation, schema_name, ddl_checksum, state, activated_at
FROM projection_sets WHERE state IN ('ACTIVE', 'BUILDING') ORDER BY projection, generation
"""
_RUNS = """
SELECT DISTINCT ON (projection) run_id, projection, generation, state, started_at, finished_at,
    target_events, read_events, applied_events, skipped_events, error
FROM rebuild_runs ORDER BY projection, started_at DESC
"""


@dataclass
class Monitor:
    """Reads checkpoints and end offsets; keeps the Prometheus gauges of every projection."""

    main_schema: str
    bootstrap: str
    topic_prefix: str = ""
    group: str = "views"
    security: KafkaSecurity = field(default_factory=KafkaSecurity)
    _gauges: dict[str, Gauge] = field(default_factory=dict)
    _consumer: Any = None
    _admin: Any = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def register(self, registry: CollectorRegistry) -> None:
        """Create the gauges in a process's registry (once)."""
        if self._gauges:
            return
        labels = ["projection", "topic", "partition"]
        self._gauges = {
            "checkpoint": Gauge(
                "views_projection_checkpoint_offset",
                "Highest offset applied to the projection's active tables.",
                labels,
                registry=registry,
            ),
            "lag": Gauge(
                "views_projection_lag",
                "Events on the partition not yet applied to the projection's active tables.",
                labels,
                registry=registry,
            ),
            "generation": Gauge(
                "views_projection_generation",
                "Generation of the projection's active table set.",
                ["projection"],
                registry=registry,
            ),
            "rebuild": Gauge(
                "views_rebuild_progress_ratio",
                "Share of the captured end offsets the latest rebuild has read (1 when done).",
                ["projection"],
                registry=registry,
            ),
        }

    async def ensure_sets(self, conn: Any) -> None:
        """Every projection has an active set (first start)."""
        for projection in PROJECTIONS:
            async with conn.transaction():
                await ensure_active(conn, self.main_schema, projection)

    async def offsets(self) -> tuple[Offsets, Offsets]:
        """End offsets and the live group's committed offsets of every consumed partition.

        Both keyed by unprefixed topic, then partition; only this deployment's topics count.
        """
        async with self._lock:
            try:
                return await self._offsets()
            except BaseException:
                # A broken client is rebuilt on the next call rather than reused.
                await self.close()
                raise

    async def _offsets(self) -> tuple[Offsets, Offsets]:
        if self._admin is None:
            self._admin = kafka_admin(self.bootstrap, f"{self.main_schema}-status", self.security)
            await self._admin.start()
        if self._consumer is None:
            self._consumer = kafka_reader(
                self.bootstrap, f"{self.main_schema}-status", self.security
            )
            await self._consumer.start()
        topics = [self.topic_prefix + t for p in PROJECTIONS for t in p.topics]
        tps = await partitions(self._admin, topics)
        ends = await self._consumer.end_offsets(tps) if tps else {}
        done = await committed(self._admin, self.group, tps)
        return by_topic(self.topic_prefix, ends), by_topic(self.topic_prefix, done)

    async def close(self) -> None:
        """Stop the Kafka clients."""
        consumer, admin = self._consumer, self._admin
        self._consumer = self._admin = None
        if consumer is not None:
            with contextlib.suppress(Exception):
                await consumer.stop()
        if admin is not None:
            with contextlib.suppress(Exception):
                await admin.close()

    async def status(self, pool: Any, *, with_kafka: bool = True) -> dict[str, Any]:
        """Each projection: active generation, checkpoints, end offsets, lag, latest rebuild."""
        ends: Offsets = {}
        done: Offsets = {}
        if with_kafka:
            try:
                async with asyncio.timeout(5):
                    ends, done = await self.offsets()
            except Exception as exc:
                log.warning("end offsets unavailable", extra={"error": repr(exc)})
        # The sets, their checkpoints and the runs as of one snapshot (never a retired set).
        async with consistent_read(pool, self.main_schema) as conn:
            sets = await conn.fetch(_SETS)
            runs = {r["projection"]: dict(r) for r in await conn.fetch(_RUNS)}
            out = []
            for projection in PROJECTIONS:
                active = next(
                    (
                        s
                        for s in sets
                        if s["projection"] == projection.name and s["state"] == "ACTIVE"
                    ),
                    None,
                )
                entry = await self._projection(conn, projection, active, ends, done)
                entry["rebuild"] = runs.get(projection.name)
                out.append(entry)
        self._observe(out)
        return {"projections": out, "kafka": bool(ends)}

    async def _projection(
        self,
        conn: Any,
        projection: Projection,
        active: Any,
        ends: Offsets,
        done: Offsets,
    ) -> dict[str, Any]:
        checkpoints: dict[str, dict[int, int]] = {}
        if active is not None:
            rows = await conn.fetch(
                "SELECT topic, kafka_partition, kafka_offset"  # noqa: S608 - checked identifier
                f" FROM {quoted(active['schema_name'])}.p_checkpoints"
            )
            for r in rows:
                checkpoints.setdefault(r["topic"], {})[r["kafka_partition"]] = r["kafka_offset"]
        topics = []
        total_lag = 0
        for topic in projection.topics:
            parts = []
            for partition, end in sorted(ends.get(topic, {}).items()):
                checkpoint = checkpoints.get(topic, {}).get(partition)
                group = done.get(topic, {}).get(partition)
                lag = partition_lag(end, checkpoint, group)
                total_lag += lag
                parts.append(
                    {
                        "partition": partition,
                        "checkpoint": checkpoint,
                        "committed": group,
                        "end": end,
                        "lag": lag,
                    }
                )
            topics.append({"topic": topic, "partitions": parts})
        return {
            "projection": projection.name,
            "title": projection.title,
            "generation": active["generation"] if active else None,
            "schema": active["schema_name"] if active else None,
            "activated_at": active["activated_at"] if active else None,
            "ddl_current": bool(active and active["ddl_checksum"] == ddl_checksum(projection)),
            "tables": list(projection.tables),
            "lag": total_lag,
            "topics": topics,
        }

    def _observe(self, projections: list[dict[str, Any]]) -> None:
        if not self._gauges:
            return
        for p in projections:
            name = p["projection"]
            if p["generation"] is not None:
                self._gauges["generation"].labels(name).set(p["generation"])
            run = p["rebuild"]
            if run is not None:
                target = run["target_events"] or 0
                ratio = (
                    1.0 if run["state"] != "RUNNING" or not target else run["read_events"] / target
                )
                self._gauges["rebuild"].labels(name).set(min(1.0, ratio))
            for t in p["topics"]:
                for part in t["partitions"]:
                    labels = (name, t["topic"], str(part["partition"]))
                    if part["checkpoint"] is not None:
                        self._gauges["checkpoint"].labels(*labels).set(part["checkpoint"])
                    self._gauges["lag"].labels(*labels).set(part["lag"])

"""Per-projection status: active set, checkpoints, end offsets, lag, rebuild progress, metrics."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, Gauge

from views.adapters.rebuild import kafka_reader, partitions
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
    _gauges: dict[str, Gauge] = field(default_factory=dict)
    _consumer: Any = None
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

    async def end_offsets(self) -> dict[str, dict[int, int]]:
        """The end offset of every partition of every consumed topic (unprefixed names)."""
        async with self._lock:
            if self._consumer is None:
                self._consumer = kafka_reader(self.bootstrap, f"{self.main_schema}-status")
                await self._consumer.start()
            topics = [self.topic_prefix + t for p in PROJECTIONS for t in p.topics]
            tps = await partitions(self._consumer, topics)
            ends = await self._consumer.end_offsets(tps) if tps else {}
        out: dict[str, dict[int, int]] = {}
        for tp, end in ends.items():
            out.setdefault(tp.topic[len(self.topic_prefix) :], {})[tp.partition] = end
        return out

    async def committed(self) -> dict[str, dict[int, int]]:
        """The live consumer group's committed offsets (skipped and duplicate records count)."""
        from aiokafka.admin import AIOKafkaAdminClient

        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()  # type: ignore[no-untyped-call]
        try:
            offsets = await admin.list_consumer_group_offsets(self.group)
        finally:
            await admin.close()  # type: ignore[no-untyped-call]
        out: dict[str, dict[int, int]] = {}
        for tp, meta in offsets.items():
            out.setdefault(tp.topic[len(self.topic_prefix) :], {})[tp.partition] = meta.offset
        return out

    async def close(self) -> None:
        """Stop the Kafka client."""
        if self._consumer is not None:
            with contextlib.suppress(Exception):
                await self._consumer.stop()
            self._consumer = None

    async def status(self, conn: Any, *, with_kafka: bool = True) -> dict[str, Any]:
        """Each projection: active generation, checkpoints, end offsets, lag, latest rebuild."""
        ends: dict[str, dict[int, int]] = {}
        committed: dict[str, dict[int, int]] = {}
        if with_kafka:
            try:
                async with asyncio.timeout(5):
                    ends = await self.end_offsets()
                    committed = await self.committed()
            except (TimeoutError, OSError, Exception):
                log.warning("end offsets unavailable")
        sets = await conn.fetch(_SETS)
        runs = {r["projection"]: dict(r) for r in await conn.fetch(_RUNS)}
        out = []
        for projection in PROJECTIONS:
            active = next(
                (s for s in sets if s["projection"] == projection.name and s["state"] == "ACTIVE"),
                None,
            )
            entry = await self._projection(conn, projection, active, ends, committed)
            entry["rebuild"] = runs.get(projection.name)
            out.append(entry)
        self._observe(out)
        return {"projections": out, "kafka": bool(ends)}

    async def _projection(
        self,
        conn: Any,
        projection: Projection,
        active: Any,
        ends: dict[str, dict[int, int]],
        committed: dict[str, dict[int, int]],
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
                done = checkpoints.get(topic, {}).get(partition)
                # Skipped types and inbox duplicates move the group's offset, not the checkpoint.
                position = max(
                    done + 1 if done is not None else 0, committed.get(topic, {}).get(partition, 0)
                )
                lag = max(0, end - position)
                total_lag += lag
                parts.append({"partition": partition, "checkpoint": done, "end": end, "lag": lag})
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

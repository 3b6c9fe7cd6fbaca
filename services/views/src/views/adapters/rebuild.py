"""Rebuild a projection from the beginning of its topics into a fresh table set, then switch.

1. Create the next generation's set (BUILDING) while the active set keeps serving reads and the
   live consumer keeps writing to it.
2. Read every partition of the projection's topics from offset 0 (plain aiokafka, no group) up
   to the end offsets captured at the start, applying each poll's batch with the same writers in
   one transaction with its checkpoints and progress (:mod:`views.adapters.batch`).
3. Catch up with the live consumer: also apply up to what the active set's checkpoints show.
4. Switch: take the projection's switch lock exclusively (live writers wait), apply what the
   live consumer applied meanwhile, take the read lock exclusively (readers wait: none sees a
   mix), repoint the views and flip the states, all in one transaction.
5. Drop the retired set. A failed rebuild drops its own set; the active one never changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiokafka import ConsumerRecord, TopicPartition

from shared import db
from shared.kafka_security import KafkaSecurity
from views.adapters.apply import apply_event, record_positions
from views.adapters.batch import Item, KnownVersions, apply_events
from views.adapters.decoding import parsed
from views.adapters.gctune import fewer_collections
from views.adapters.offsets import kafka_admin, kafka_reader, partitions
from views.adapters.sets import (
    activate,
    create_set,
    drop_set,
    ensure_active,
    quoted,
    read_lock,
    switch_lock,
)
from views.domain.projections import Projection

log = logging.getLogger(__name__)

# Records parsed between two chances for the batch before to send its next statement.
_PARSE_SLICE = 50


class RebuildRunningError(RuntimeError):
    """Another rebuild of the same projection holds its lock."""


@dataclass
class Progress:
    """What a rebuild has done so far (also kept in ``rebuild_runs``)."""

    run_id: uuid.UUID
    projection: str
    generation: int = 0
    state: str = "RUNNING"
    target_events: int = 0
    read_events: int = 0
    applied_events: int = 0
    skipped_events: int = 0
    error: str | None = None

    @property
    def ratio(self) -> float:
        """Share of the captured end offsets read so far (1.0 when there was nothing)."""
        return 1.0 if self.target_events == 0 else min(1.0, self.read_events / self.target_events)


@dataclass
class RebuildConfig:
    """Where to read and write, and how fast."""

    dsn: str
    main_schema: str
    bootstrap: str
    topic_prefix: str = ""
    batch_size: int = 500
    pause_s: float = 0.0
    security: KafkaSecurity = field(default_factory=KafkaSecurity)
    on_progress: Callable[[Progress], None] | None = field(default=None, repr=False)


_UPDATE_RUN = """
UPDATE rebuild_runs SET state = $2, target_events = $3, read_events = $4, applied_events = $5,
    skipped_events = $6, error = $7,
    finished_at = CASE WHEN $2 = 'RUNNING' THEN NULL ELSE now() END
WHERE run_id = $1
"""


def rebuild_lock(main_schema: str, projection: Projection) -> str:
    """The advisory-lock name held (session level) by the one rebuild of a projection."""
    return f"views-rebuild:{main_schema}:{projection.name}"


async def rebuild_running(conn: Any, main_schema: str, projection: Projection) -> bool:
    """Whether some process (this one, another replica, the CLI) is rebuilding ``projection``."""
    lock = rebuild_lock(main_schema, projection)
    if await conn.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", lock):
        await conn.execute("SELECT pg_advisory_unlock(hashtext($1))", lock)
        return False
    return True


async def _caught_up(consumer: Any, targets: dict[TopicPartition, int]) -> bool:
    for tp, end in targets.items():
        if await consumer.position(tp) < end:
            return False
    return True


class Rebuilder:
    """Rebuilds one projection at a time (per process and, by an advisory lock, per cluster)."""

    def __init__(self, config: RebuildConfig) -> None:
        self.config = config
        # Per set being built: its p_versions rows (the rebuild is its only writer until the
        # switch). Forgotten when a batch goes record by record; read again at the next batch.
        self._known: dict[str, KnownVersions] = {}

    def _kafka_topic(self, topic: str) -> str:
        return self.config.topic_prefix + topic

    async def run(self, projection: Projection, run_id: uuid.UUID | None = None) -> Progress:
        """Rebuild ``projection`` and switch to it; raises :class:`RebuildRunningError` if busy."""
        with fewer_collections():
            return await self._run(projection, run_id)

    async def _run(self, projection: Projection, run_id: uuid.UUID | None) -> Progress:
        progress = Progress(run_id=run_id or uuid.uuid4(), projection=projection.name)
        conn = await db.connect(self.config.dsn, schema=self.config.main_schema)
        try:
            lock = rebuild_lock(self.config.main_schema, projection)
            if not await conn.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", lock):
                raise RebuildRunningError(projection.name)
            try:
                await self._prepare(conn, projection, progress)
                await self._rebuild(conn, projection, progress)
            except Exception as exc:
                progress.state, progress.error = "FAILED", f"{type(exc).__name__}: {exc}"[:500]
                # The original error matters more than a failure to record it (lost connection).
                with contextlib.suppress(Exception):
                    await self._fail(conn, projection, progress)
                log.exception("rebuild failed", extra={"projection": projection.name})
                raise
            finally:
                # Closing the connection releases the lock too, should this fail.
                with contextlib.suppress(Exception):
                    await conn.execute("SELECT pg_advisory_unlock(hashtext($1))", lock)
        finally:
            await conn.close()
        return progress

    async def _fail(self, conn: Any, projection: Projection, progress: Progress) -> None:
        """Record the failure and drop the half-built set (the active set never changed)."""
        async with conn.transaction():
            schema = await conn.fetchval(
                "UPDATE projection_sets SET state = 'FAILED' WHERE projection = $1"
                " AND generation = $2 AND state = 'BUILDING' RETURNING schema_name",
                projection.name,
                progress.generation,
            )
            if schema is not None:
                await drop_set(conn, schema)
            await self._save(conn, progress)
        self._report(progress)

    async def _prepare(self, conn: Any, projection: Projection, progress: Progress) -> None:
        main = self.config.main_schema
        async with conn.transaction():
            await ensure_active(conn, main, projection)
            # Whatever an interrupted rebuild left behind is garbage now: we hold the lock.
            for row in await conn.fetch(
                "UPDATE projection_sets SET state = 'FAILED' WHERE projection = $1"
                " AND state = 'BUILDING' RETURNING schema_name",
                projection.name,
            ):
                await drop_set(conn, row["schema_name"])
            await conn.execute(
                "UPDATE rebuild_runs SET state = 'FAILED', error = 'interrupted',"
                " finished_at = now()"
                " WHERE projection = $1 AND state = 'RUNNING'",
                projection.name,
            )
            progress.generation, _ = await create_set(conn, main, projection)
            await conn.execute(
                "INSERT INTO rebuild_runs (run_id, projection, generation, state)"
                " VALUES ($1, $2, $3, 'RUNNING')",
                progress.run_id,
                projection.name,
                progress.generation,
            )

    async def _rebuild(self, conn: Any, projection: Projection, progress: Progress) -> None:
        schema = f"{self.config.main_schema}_{projection.name}_g{progress.generation}"
        client_id = f"{self.config.main_schema}-rebuild"
        admin = kafka_admin(self.config.bootstrap, client_id, self.config.security)
        await admin.start()
        try:
            tps = await partitions(admin, [self._kafka_topic(t) for t in projection.topics])
        finally:
            await admin.close()
        consumer = kafka_reader(self.config.bootstrap, client_id, self.config.security)
        await consumer.start()
        try:
            consumer.assign(tps)
            if tps:
                await consumer.seek_to_beginning(*tps)
            target = dict(await consumer.end_offsets(tps)) if tps else {}
            progress.target_events = sum(target.values())
            await self._consume(consumer, conn, schema, target, progress)
            # The live consumer went on meanwhile: follow it before taking the switch lock.
            for _ in range(5):
                live = await self._live_ends(conn, projection)
                if await _caught_up(consumer, live):
                    break
                await self._consume(consumer, conn, schema, _merge(target, live), progress)
            await self._switch(consumer, conn, projection, schema, target, progress)
        finally:
            await consumer.stop()

    async def _switch(
        self,
        consumer: Any,
        conn: Any,
        projection: Projection,
        schema: str,
        target: dict[TopicPartition, int],
        progress: Progress,
    ) -> None:
        main = self.config.main_schema
        async with conn.transaction():
            await conn.execute(
                "SELECT pg_advisory_xact_lock(hashtext($1))", switch_lock(main, projection)
            )
            live = await self._live_ends(conn, projection)
            await self._consume(consumer, conn, schema, _merge(target, live), progress)
            # Readers in flight finish on the old set; later ones start after the commit.
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", read_lock(main))
            retired = await activate(conn, main, projection, progress.generation)
            progress.state = "SWITCHED"
            await self._save(conn, progress)
        if retired is not None:
            await drop_set(conn, retired)
        self._report(progress)

    async def _live_ends(self, conn: Any, projection: Projection) -> dict[TopicPartition, int]:
        """The next offset after what the live consumer applied, per partition."""
        schema = await conn.fetchval(
            "SELECT schema_name FROM projection_sets WHERE projection = $1 AND state = 'ACTIVE'",
            projection.name,
        )
        rows = await conn.fetch(
            f"SELECT topic, kafka_partition, kafka_offset FROM {quoted(schema)}.p_checkpoints"  # noqa: S608 - checked identifier
        )
        return {
            TopicPartition(self._kafka_topic(r["topic"]), r["kafka_partition"]): r["kafka_offset"]
            + 1
            for r in rows
        }

    async def _consume(
        self,
        consumer: Any,
        conn: Any,
        schema: str,
        target: dict[TopicPartition, int],
        progress: Progress,
    ) -> None:
        """Apply records until every partition's position reaches its target.

        The next batch is fetched and parsed while PostgreSQL (another process, so another core)
        runs the statements of the one before; batches still commit one at a time, in order.
        """
        applying: asyncio.Task[None] | None = None
        try:
            while True:
                behind = [tp for tp, end in target.items() if await consumer.position(tp) < end]
                if not behind:
                    break
                batch = await consumer.getmany(
                    *behind, timeout_ms=500, max_records=self.config.batch_size
                )
                records = [r for recs in batch.values() for r in recs]
                if not records:
                    continue
                items = await _parse_all(records)
                if applying is not None:
                    await applying
                applying = asyncio.create_task(
                    self._apply_batch(conn, schema, records, items, progress)
                )
                if self.config.pause_s:
                    await asyncio.sleep(self.config.pause_s)
            if applying is not None:
                await applying
        finally:
            # Never leave a batch running on the connection (the caller uses it next), nor its
            # error unretrieved when another one is on its way out.
            if applying is not None:
                with contextlib.suppress(Exception):
                    await applying

    async def _apply_batch(
        self,
        conn: Any,
        schema: str,
        records: list[ConsumerRecord[Any, Any]],
        items: list[Item],
        progress: Progress,
    ) -> None:
        """Apply a batch and its progress in one (sub)transaction; on an error, one by one.

        Outside the switch, a batch's commit does not wait for its WAL flush: the set is read by
        no one before the switch, whose (synchronous) commit flushes every batch before it, and
        a rebuild cut short by a crash is dropped and started again anyway.
        """
        top_level = not conn.is_in_transaction()
        try:
            async with conn.transaction():
                if top_level:
                    await conn.execute("SET LOCAL synchronous_commit TO off")
                applied = await self._apply_together(conn, schema, records, items)
                done = self._advanced(progress, len(records), applied)
                await self._save(conn, done)
            self._known[schema].commit()
        except Exception:
            # Rolled back whole: nothing of the batch stays, so it can be applied again. The
            # record-by-record path claims versions itself: read them again afterwards.
            self._known.pop(schema, None)
            log.warning("rebuild batch failed, applying it record by record", exc_info=True)
            async with conn.transaction():
                applied = await self._apply_one_by_one(conn, schema, records)
                done = self._advanced(progress, len(records), applied)
                await self._save(conn, done)
        progress.read_events = done.read_events
        progress.applied_events = done.applied_events
        progress.skipped_events = done.skipped_events
        self._report(progress)

    @staticmethod
    def _advanced(progress: Progress, read: int, applied: int) -> Progress:
        """The progress once a batch of ``read`` records, ``applied`` of them, has committed."""
        return dataclasses.replace(
            progress,
            read_events=progress.read_events + read,
            applied_events=progress.applied_events + applied,
            skipped_events=progress.skipped_events + read - applied,
        )

    async def _apply_together(
        self,
        conn: Any,
        schema: str,
        records: list[ConsumerRecord[Any, Any]],
        items: list[Item],
    ) -> int:
        """The whole batch in a few round trips (:mod:`views.adapters.batch`); how many applied."""
        await self._search_path(conn, schema)
        if schema not in self._known:
            self._known[schema] = await KnownVersions.load(conn)
        applied = sum(await apply_events(conn, items, self._known[schema]))
        await record_positions(conn, self._positions(records))
        await self._search_path(conn)
        return applied

    async def _apply_one_by_one(
        self, conn: Any, schema: str, records: list[ConsumerRecord[Any, Any]]
    ) -> int:
        """Each record in its own savepoint: a record that fails is skipped, the others apply."""
        await self._search_path(conn, schema)
        applied = 0
        for record in records:
            try:
                async with conn.transaction():
                    item = _parsed(record)
                    ok = item is not None and await apply_event(conn, *item)
            except Exception:
                log.warning(
                    "rebuild skipped a record",
                    extra={"topic": record.topic, "offset": record.offset},
                )
                ok = False
            applied += ok
        await record_positions(conn, self._positions(records))
        await self._search_path(conn)
        return applied

    async def _search_path(self, conn: Any, schema: str | None = None) -> None:
        """Write to ``schema`` (service tables next), or back to the service schema alone."""
        path = [quoted(s) for s in (schema, self.config.main_schema) if s is not None]
        await conn.execute(f"SET LOCAL search_path TO {', '.join(path)}")

    def _positions(self, records: list[ConsumerRecord[Any, Any]]) -> dict[tuple[str, int], int]:
        """The highest offset of each (unprefixed topic, partition) among ``records``."""
        out: dict[tuple[str, int], int] = {}
        for record in records:
            key = (record.topic[len(self.config.topic_prefix) :], record.partition)
            out[key] = max(out.get(key, -1), record.offset)
        return out

    async def _save(self, conn: Any, p: Progress) -> None:
        await conn.execute(
            _UPDATE_RUN,
            p.run_id,
            p.state,
            p.target_events,
            p.read_events,
            p.applied_events,
            p.skipped_events,
            p.error,
        )

    def _report(self, progress: Progress) -> None:
        if self.config.on_progress is not None:
            with contextlib.suppress(Exception):
                self.config.on_progress(progress)


def _parsed(record: ConsumerRecord[Any, Any]) -> Item | None:
    """The record's event and envelope; None for a malformed record or an unknown type."""
    return parsed(record.value)


async def _parse_all(records: list[ConsumerRecord[Any, Any]]) -> list[Item]:
    """Every record's event that parses, in order; yields now and then to the batch applying."""
    items: list[Item] = []
    for n, record in enumerate(records, 1):
        item = _parsed(record)
        if item is not None:
            items.append(item)
        if n % _PARSE_SLICE == 0:
            await asyncio.sleep(0)
    return items


def _merge(a: dict[TopicPartition, int], b: dict[TopicPartition, int]) -> dict[TopicPartition, int]:
    """The higher target per partition."""
    return {tp: max(a.get(tp, 0), b.get(tp, 0)) for tp in set(a) | set(b)}

"""The batch path of rebuilds: many events per transaction give the rows of one at a time.

``views.adapters.batch`` decides version claims in memory and regroups writers' statements
across aggregates; here, against the real database, it must give exactly the tables (and
``p_versions``) that applying each event on its own gives, whatever the batch size, and a batch
that fails half-way must leave nothing behind: the rebuild then applies it again, record by
record, and a rebuild that fails for good leaves the active tables alone.
"""

from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from shared.kafka import encode_headers
from shared.testing.harness import provision, unprovision
from tests.integration.test_projection_order import TABLES, interleave
from tests.support import (
    active_schemas,
    load_batched,
    load_direct,
    migrated,
    pool_for,
    snapshot,
)
from views.adapters import rebuild as rebuild_module
from views.adapters.apply import WRITERS
from views.adapters.batch import Recorder, apply_events
from views.adapters.offsets import kafka_admin, kafka_reader, partitions
from views.adapters.rebuild import RebuildConfig, Rebuilder
from views.adapters.sets import quoted
from views.adapters.setwise import set_based
from views.domain.projections import BY_NAME, PROJECTIONS


async def _versions(pool, main):
    """Every active set's ``p_versions`` rows, sorted."""
    sets = await active_schemas(pool, main)
    rows = []
    async with pool.acquire() as conn:
        for name, schema in sorted(sets.items()):
            found = await conn.fetch(
                f"SELECT aggregate, aggregate_id, version FROM {quoted(schema)}.p_versions"  # noqa: S608
            )
            rows += sorted((name, *r.values()) for r in found)
    return rows


async def _tables(pg_admin_dsn, items, *, chunk=None):
    """Tables and versions of ``items`` in a fresh schema: one by one, or ``chunk`` at a time."""
    schema = await migrated(pg_admin_dsn)
    pool = await pool_for(pg_admin_dsn, schema)
    try:
        if chunk is None:
            await load_direct(pool, schema, items)
        else:
            await load_batched(pool, schema, items, chunk=chunk)
        return await snapshot(pool, TABLES), await _versions(pool, schema)
    finally:
        await pool.close()


async def test_the_demo_year_in_batches_gives_the_tables_built_one_event_at_a_time(
    svc, demo_items, pg_admin_dsn
):
    # svc holds the demo year applied one event at a time (per aggregate, over 4 connections).
    tables, versions = await _tables(pg_admin_dsn, demo_items, chunk=500)
    assert tables == await snapshot(svc.pool, TABLES)
    assert versions == await _versions(svc.pool, svc.schema)
    assert sum(len(rows) for rows in tables.values()) > 30_000


@pytest.mark.parametrize(("chunk", "seed"), [(1, 1), (7, 2), (60, 3), (10_000, 4)])
async def test_shuffled_redelivered_events_give_the_same_rows_in_batches_of_any_size(
    sample_items, pg_admin_dsn, chunk, seed
):
    # Redeliveries land in the same batch as their original or in a later one, stale or not.
    stream = interleave(sample_items, seed=seed, duplicates=list(range(0, 600, 5)))
    one_by_one = await _tables(pg_admin_dsn, stream)
    assert await _tables(pg_admin_dsn, stream, chunk=chunk) == one_by_one
    assert one_by_one == await _tables(pg_admin_dsn, sample_items)


async def test_every_writer_statement_runs_set_based(sample_items, pg_admin_dsn):
    # A statement without a set-based form would still apply (row by row), only slowly.
    statements = set()
    for event, env in sample_items:
        recorder = Recorder()
        if env.type in WRITERS:
            await WRITERS[env.type](recorder, event, env)
        statements |= {sql for sql, _ in recorder.statements}
    schema = await migrated(pg_admin_dsn)
    pool = await pool_for(pg_admin_dsn, schema)
    try:
        sets = await active_schemas(pool, schema)
        async with pool.acquire() as conn:
            for sql in sorted(statements):
                projection = "notify" if "p_notifications" in sql else None
                candidates = [projection] if projection else list(sets)
                forms = []
                for name in candidates:
                    await conn.execute(f"SET search_path TO {quoted(sets[name])}")
                    try:
                        forms.append(await set_based(conn, sql))
                    except asyncpg.UndefinedTableError:
                        continue
                assert forms, sql
                assert all(forms), sql
    finally:
        await pool.close()
    assert len(statements) > 50


class _FailingConn:
    """The connection, except that its writes (execute, executemany) fail after ``after``."""

    def __init__(self, conn, after):
        self._conn, self._left = conn, after
        self.failed = False

    def __getattr__(self, name):
        return getattr(self._conn, name)

    def _count(self):
        if self._left == 0:
            self.failed = True
            raise RuntimeError("injected failure half-way through a batch")
        self._left -= 1

    async def execute(self, sql, *args):
        self._count()
        return await self._conn.execute(sql, *args)

    async def executemany(self, sql, rows):
        self._count()
        return await self._conn.executemany(sql, rows)


async def test_a_batch_failing_half_way_leaves_nothing_and_applies_cleanly_again(
    sample_items, pg_admin_dsn
):
    first, rest = sample_items[:100], sample_items[100:]
    schema = await migrated(pg_admin_dsn)
    pool = await pool_for(pg_admin_dsn, schema)
    try:
        await load_batched(pool, schema, first, chunk=100)
        before = await snapshot(pool, TABLES), await _versions(pool, schema)
        eldercare = (await active_schemas(pool, schema))["eldercare"]
        mine = [i for i in rest if i[0].TOPIC.startswith("eldercare.")]
        async with pool.acquire() as conn:
            failing = _FailingConn(conn, after=2)

            async def one_batch():
                async with conn.transaction():
                    await conn.execute(f"SET LOCAL search_path TO {quoted(eldercare)}")
                    await apply_events(failing, mine)

            with pytest.raises(RuntimeError, match="injected"):
                await one_batch()
        assert failing.failed
        assert (await snapshot(pool, TABLES), await _versions(pool, schema)) == before
        await load_batched(pool, schema, rest, chunk=len(rest))
        after = await snapshot(pool, TABLES), await _versions(pool, schema)
    finally:
        await pool.close()
    assert after == await _tables(pg_admin_dsn, sample_items)


# --- through Kafka: the rebuild itself ------------------------------------------------------


@pytest.fixture(scope="module")
async def topics(kafka_bootstrap, sample_items):
    """The sample on topics of their own (shuffled, with redeliveries); their prefix."""
    prefix = "batch-" + format(id(sample_items), "x") + "."
    names = await provision(kafka_bootstrap, prefix)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for event, env in interleave(sample_items, seed=11, duplicates=list(range(0, 500, 7))):
            await producer.send(
                prefix + event.TOPIC,
                value=env.to_json(),
                key=env.subject.encode(),
                headers=encode_headers({"ce_type": env.type, "ce_id": env.id}),
            )
        await producer.flush()
    finally:
        await producer.stop()
    yield prefix
    await unprovision(kafka_bootstrap, names)


async def _last_offsets(kafka_bootstrap, prefix):
    """The last offset of every non-empty partition, by (unprefixed topic, partition)."""
    admin = kafka_admin(kafka_bootstrap, "batch-test")
    await admin.start()
    try:
        tps = await partitions(admin, [prefix + t for p in PROJECTIONS for t in p.topics])
    finally:
        await admin.close()
    consumer = kafka_reader(kafka_bootstrap, "batch-test")
    await consumer.start()
    try:
        ends = await consumer.end_offsets(tps)
    finally:
        await consumer.stop()
    return {(tp.topic[len(prefix) :], tp.partition): end - 1 for tp, end in ends.items() if end}


async def _checkpoints(pool, main):
    """Every active set's checkpoints, by (topic, partition)."""
    out = {}
    async with pool.acquire() as conn:
        for schema in (await active_schemas(pool, main)).values():
            for r in await conn.fetch(
                f"SELECT topic, kafka_partition, kafka_offset FROM {quoted(schema)}.p_checkpoints"  # noqa: S608
            ):
                out[r["topic"], r["kafka_partition"]] = r["kafka_offset"]
    return out


async def _set_state(conn, schema):
    """What a table set holds: its versions, checkpoints and the row count of each table."""
    projection = BY_NAME[schema.rsplit("_", 2)[-2]]  # <service schema>_<projection>_g<N>
    counts = [
        await conn.fetchval(f"SELECT count(*) FROM {quoted(schema)}.{quoted(t)}")  # noqa: S608
        for t in projection.tables
    ]
    versions = await conn.fetch(f"SELECT * FROM {quoted(schema)}.p_versions ORDER BY 1, 2")  # noqa: S608
    checkpoints = await conn.fetch(
        f"SELECT topic, kafka_partition, kafka_offset FROM {quoted(schema)}.p_checkpoints"  # noqa: S608
        " ORDER BY 1, 2"
    )
    return counts, [tuple(r) for r in versions], [tuple(r) for r in checkpoints]


@pytest.fixture
async def service(pg_admin_dsn, kafka_bootstrap, topics):
    """A fresh service schema, its pool, and the rebuild settings reading ``topics``."""
    schema = await migrated(pg_admin_dsn)
    pool = await pool_for(pg_admin_dsn, schema)
    config = RebuildConfig(
        dsn=pg_admin_dsn,
        main_schema=schema,
        bootstrap=kafka_bootstrap,
        topic_prefix=topics,
        batch_size=40,
    )
    yield schema, pool, config
    await pool.close()


async def test_a_rebuild_applies_a_batch_that_failed_half_way_again_and_switches(
    service, topics, kafka_bootstrap, pg_admin_dsn, sample_items, monkeypatch
):
    schema, pool, config = service
    real_one_by_one = Rebuilder._apply_one_by_one
    seen: dict[str, Any] = {}

    async def apply_failing_once(conn, items, known=None):
        if "failing" in seen or len(items) < 30:
            return await apply_events(conn, items, known)
        building = await conn.fetchval("SELECT current_schema()")
        seen["before"] = await _set_state(conn, building)
        seen["failing"] = failing = _FailingConn(conn, after=2)
        return await apply_events(failing, items, known)

    async def one_by_one(self, conn, building, records):
        seen["at_retry"] = await _set_state(conn, building)
        return await real_one_by_one(self, conn, building, records)

    monkeypatch.setattr(rebuild_module, "apply_events", apply_failing_once)
    monkeypatch.setattr(Rebuilder, "_apply_one_by_one", one_by_one)
    runs = [await Rebuilder(config).run(p) for p in PROJECTIONS]

    assert seen["failing"].failed
    assert seen["at_retry"] == seen["before"]  # the failed batch left nothing behind
    assert all(r.state == "SWITCHED" and r.read_events == r.target_events for r in runs)
    assert sum(r.read_events for r in runs) == sum(
        o + 1 for o in (await _last_offsets(kafka_bootstrap, topics)).values()
    )
    expected_tables, expected_versions = await _tables(pg_admin_dsn, sample_items)
    assert await snapshot(pool, TABLES) == expected_tables
    assert await _versions(pool, schema) == expected_versions
    assert await _checkpoints(pool, schema) == await _last_offsets(kafka_bootstrap, topics)


async def test_a_rebuild_failing_for_good_leaves_the_active_tables_and_the_next_one_switches(
    service, pg_admin_dsn, sample_items, monkeypatch
):
    _, pool, config = service
    eldercare = BY_NAME["eldercare"]
    for projection in PROJECTIONS:
        await Rebuilder(config).run(projection)
    before = await snapshot(pool, TABLES)

    async def broken(conn, positions):
        raise RuntimeError("injected: the checkpoints cannot be written")

    monkeypatch.setattr(rebuild_module, "record_positions", broken)
    with pytest.raises(RuntimeError, match="injected"):
        await Rebuilder(config).run(eldercare)
    monkeypatch.undo()

    sets = await pool.fetch(
        "SELECT generation, state, schema_name FROM projection_sets WHERE projection = $1"
        " ORDER BY generation",
        "eldercare",
    )
    assert [(r["generation"], r["state"]) for r in sets] == [
        (1, "RETIRED"),
        (2, "ACTIVE"),
        (3, "FAILED"),
    ]
    dropped = await pool.fetchval(
        "SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1",
        sets[-1]["schema_name"],
    )
    assert dropped == 0
    run = await pool.fetchrow(
        "SELECT state, error FROM rebuild_runs WHERE projection = 'eldercare'"
        " ORDER BY started_at DESC LIMIT 1"
    )
    assert run["state"] == "FAILED"
    assert "injected" in run["error"]
    assert await snapshot(pool, TABLES) == before

    again = await Rebuilder(config).run(eldercare)
    assert (again.state, again.generation) == ("SWITCHED", 4)
    assert await snapshot(pool, TABLES) == before == (await _tables(pg_admin_dsn, sample_items))[0]

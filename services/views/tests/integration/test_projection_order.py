"""Projections are the same whatever the interleaving of aggregates and however many duplicates.

Kafka keeps order per aggregate only; a consumer restart redelivers what it had not committed.
Here the writers are driven straight against PostgreSQL (no Kafka, for speed): every shuffle that
keeps each aggregate's own order, with redelivered events re-inserted later, gives the tables
that applying each event once, in publication order, gives.
"""

import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.support import active_schemas, load_direct, migrated, pool_for, snapshot
from views.adapters.sets import BUREAU_SITE_ID, quoted
from views.domain.projections import PROJECTIONS

TABLES = [t for p in PROJECTIONS for t in p.tables]


def interleave(items, seed, duplicates):
    """A random merge of the per-aggregate sequences, plus redeliveries of some events later."""
    rng = random.Random(seed)
    queues: dict[tuple[str, str], list[object]] = {}
    for item in items:
        queues.setdefault((item[1].aggregatetype, item[1].subject), []).append(item)
    pending = list(queues.values())
    out = []
    while pending:
        queue = rng.choice(pending)
        out.append(queue.pop(0))
        if not queue:
            pending.remove(queue)
    for index in sorted(duplicates, reverse=True):
        at = index % len(out)
        # A redelivery re-sends an event and what followed it on its partition, after the original.
        out.insert(rng.randint(at + 1, len(out)), out[at])
    return out


@pytest.fixture(scope="module")
def pool_items(sample_items):
    return sample_items


@pytest.fixture(scope="module")
async def db(pg_admin_dsn):
    schema = await migrated(pg_admin_dsn)
    pool = await pool_for(pg_admin_dsn, schema)
    yield pool, schema
    await pool.close()


async def _reset(pool, schema):
    sets = await active_schemas(pool, schema)
    async with pool.acquire() as conn:
        for projection in PROJECTIONS:
            names = [*projection.tables, "p_versions", "p_checkpoints"]
            qualified = ", ".join(f"{quoted(sets[projection.name])}.{quoted(t)}" for t in names)
            await conn.execute(f"TRUNCATE {qualified}")
        await conn.execute(
            f"INSERT INTO {quoted(sets['eldercare'])}.p_sites"
            " (site_id, name, kind, status, version)"
            " SELECT $1, '益阳市民政局', 'BUREAU', 'BUREAU', 0",
            BUREAU_SITE_ID,
        )


@pytest.fixture(scope="module")
async def expected(db, pool_items):
    pool, schema = db
    await _reset(pool, schema)
    await load_direct(pool, schema, pool_items)
    return await snapshot(pool, TABLES)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 2**32), duplicates=st.lists(st.integers(0, 10_000), max_size=40))
async def test_shuffled_redelivered_events_build_the_same_tables(
    db, pool_items, expected, seed, duplicates
):
    pool, schema = db
    await _reset(pool, schema)
    await load_direct(pool, schema, interleave(pool_items, seed, duplicates), chunk=50)
    assert await snapshot(pool, TABLES) == expected


async def test_the_sample_covers_every_projection_and_almost_every_event_type(pool_items):
    types = {event.TYPE for event, _ in pool_items}
    assert len(types) >= 80
    assert {"eldercare.elder.erased.v1", "inspection.leader.removed.v1"} <= types

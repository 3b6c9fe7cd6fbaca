"""Test helpers: apply events straight to table sets (no Kafka), snapshot tables, fresh schemas."""

from __future__ import annotations

import asyncio
import uuid
import zlib
from collections.abc import Iterable, Sequence
from typing import Any

import asyncpg

from shared.db import init_connection
from shared.events.base import IntegrationEvent
from shared.events.envelope import CloudEvent
from shared.migrations import folder_migrations, migrate, platform_migrations
from views.adapters.apply import apply_event
from views.adapters.batch import apply_events
from views.adapters.sets import ensure_active, quoted
from views.bootstrap import MIGRATIONS
from views.domain.projections import BY_TOPIC, PROJECTIONS

Item = tuple[IntegrationEvent, CloudEvent]


async def migrated(pg_admin_dsn: str, schema: str | None = None) -> str:
    """A fresh service schema with the platform and views migrations applied."""
    schema = schema or f"vt_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(pg_admin_dsn)
    try:
        await migrate(
            conn, schema, platform_migrations() + folder_migrations(MIGRATIONS, source="views")
        )
    finally:
        await conn.close()
    return schema


async def pool_for(pg_admin_dsn: str, schema: str) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        pg_admin_dsn,
        min_size=1,
        max_size=4,
        init=init_connection,
        server_settings={"search_path": schema},
    )


async def active_schemas(pool: asyncpg.Pool, main: str) -> dict[str, str]:
    """Each projection's active set, creating the first generation where missing."""
    out = {}
    async with pool.acquire() as conn:
        for projection in PROJECTIONS:
            async with conn.transaction():
                out[projection.name] = await ensure_active(conn, main, projection)
    return out


async def load_direct(
    pool: asyncpg.Pool, main: str, items: Iterable[Item], *, chunk: int = 2000, parallel: int = 1
) -> int:
    """Apply events through the projection writers; returns how many applied.

    With ``parallel`` > 1 the aggregates are split over that many connections, each keeping its
    aggregates' events in the given order: another interleaving across aggregates, which the
    projections must not notice (DOMAIN §3.3), and several times faster on a busy database.
    """
    schemas = await active_schemas(pool, main)
    if parallel > 1:
        parts: list[list[Item]] = [[] for _ in range(parallel)]
        for item in items:
            parts[zlib.crc32(item[1].subject.encode()) % parallel].append(item)
        done = await asyncio.gather(
            *(_load(pool, main, schemas, part, chunk=chunk) for part in parts)
        )
        return sum(done)
    return await _load(pool, main, schemas, items, chunk=chunk)


async def _load(
    pool: asyncpg.Pool, main: str, schemas: dict[str, str], items: Iterable[Item], *, chunk: int
) -> int:
    batch: list[Item] = []
    applied = 0

    async def flush() -> int:
        done = 0
        async with pool.acquire() as conn, conn.transaction():
            current = None
            for event, env in batch:
                schema = schemas[BY_TOPIC[event.TOPIC].name]
                if schema != current:
                    await conn.execute(f"SET LOCAL search_path TO {quoted(schema)}, {quoted(main)}")
                    current = schema
                done += await apply_event(conn, event, env)
        batch.clear()
        return done

    for item in items:
        batch.append(item)
        if len(batch) >= chunk:
            applied += await flush()
    if batch:
        applied += await flush()
    return applied


async def load_batched(pool: asyncpg.Pool, main: str, items: Sequence[Item], *, chunk: int) -> int:
    """Apply events as a rebuild does: per projection, ``chunk`` at a time, a transaction each."""
    schemas = await active_schemas(pool, main)
    applied = 0
    async with pool.acquire() as conn:
        for projection in PROJECTIONS:
            mine = [item for item in items if BY_TOPIC[item[0].TOPIC] is projection]
            path = f"{quoted(schemas[projection.name])}, {quoted(main)}"
            for start in range(0, len(mine), chunk):
                async with conn.transaction():
                    await conn.execute(f"SET LOCAL search_path TO {path}")
                    applied += sum(await apply_events(conn, mine[start : start + chunk]))
    return applied


async def snapshot(pool: asyncpg.Pool, tables: Sequence[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of each table (read through the service's p_* views), sorted."""
    out = {}
    async with pool.acquire() as conn:
        for table in tables:
            rows = await conn.fetch(f"SELECT * FROM {quoted(table)}")  # noqa: S608
            out[table] = sorted((tuple(r.values()) for r in rows), key=repr)
    return out

"""Table sets: each projection's ``p_*`` tables live in a schema per generation.

The service schema holds a view ``p_x`` per table, selecting from the projection's ACTIVE set.
A rebuild fills a new set (state BUILDING) while the old one serves, then :func:`activate`
repoints the views and flips the states in one transaction: readers see either the old set or
the new one, never a mix. Live writers take the projection's switch lock in shared mode and
the switch takes it exclusively, so no live event lands in a set that is being retired.
Readers take the read lock in shared mode around their snapshot (:mod:`views.adapters.reading`)
and the switch takes it exclusively: a reader's snapshot is wholly before or wholly after a
switch, and a switch never waits on a reader that waits on it (no deadlock on the views).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from pathlib import Path
from typing import Any

from views.domain.projections import Projection

SQL_DIR = Path(__file__).parent / "sql"
_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# The fixed site row of the bureau itself (DOMAIN §10.1): talks and meetings held at the bureau.
BUREAU_SITE_ID = uuid.uuid5(uuid.NAMESPACE_URL, "urn:minzheng:site:BUREAU")

_ACTIVE = "SELECT schema_name FROM projection_sets WHERE projection = $1 AND state = 'ACTIVE'"


def quoted(name: str) -> str:
    """A schema or table name, checked and double-quoted for SQL."""
    if not _IDENT.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return f'"{name}"'


def ddl(projection: Projection) -> str:
    """The DDL of one table set of ``projection`` (unqualified: run it on the set's path)."""
    common = (SQL_DIR / "common.sql").read_text("utf-8")
    return common + "\n" + (SQL_DIR / f"{projection.name}.sql").read_text("utf-8")


def ddl_checksum(projection: Projection) -> str:
    """A short hash of the DDL: a set built from other DDL needs a rebuild."""
    return hashlib.sha256(ddl(projection).encode()).hexdigest()[:16]


def switch_lock(main_schema: str, projection: Projection) -> str:
    """The advisory-lock name guarding the switch of a projection's active set."""
    return f"views-switch:{main_schema}:{projection.name}"


def read_lock(main_schema: str) -> str:
    """The advisory-lock name readers share and a switch takes exclusively."""
    return f"views-read:{main_schema}"


async def active_set(conn: Any, projection: Projection) -> str | None:
    """The schema of the projection's active set, if any."""
    schema: str | None = await conn.fetchval(_ACTIVE, projection.name)
    return schema


async def create_set(conn: Any, main_schema: str, projection: Projection) -> tuple[int, str]:
    """Create the next generation's empty set (state BUILDING); returns (generation, schema)."""
    generation: int = await conn.fetchval(
        "SELECT COALESCE(max(generation), 0) + 1 FROM projection_sets WHERE projection = $1",
        projection.name,
    )
    schema = f"{main_schema}_{projection.name}_g{generation}"
    await conn.execute(f"DROP SCHEMA IF EXISTS {quoted(schema)} CASCADE")
    await conn.execute(f"CREATE SCHEMA {quoted(schema)}")
    await conn.execute(f"SET LOCAL search_path TO {quoted(schema)}")
    await conn.execute(ddl(projection))
    if "p_sites" in projection.tables:
        await conn.execute(
            "INSERT INTO p_sites (site_id, name, kind, status, version)"
            " VALUES ($1, '益阳市民政局', 'BUREAU', 'BUREAU', 0)",
            BUREAU_SITE_ID,
        )
    await conn.execute(f"SET LOCAL search_path TO {quoted(main_schema)}")
    await conn.execute(
        "INSERT INTO projection_sets (projection, generation, schema_name, ddl_checksum, state)"
        " VALUES ($1, $2, $3, $4, 'BUILDING')",
        projection.name,
        generation,
        schema,
        ddl_checksum(projection),
    )
    return generation, schema


async def activate(
    conn: Any, main_schema: str, projection: Projection, generation: int
) -> str | None:
    """Point the service's views at a set and make it ACTIVE; returns the retired set's schema."""
    schema = await conn.fetchval(
        "SELECT schema_name FROM projection_sets WHERE projection = $1 AND generation = $2",
        projection.name,
        generation,
    )
    for table in projection.tables:
        target = f"{quoted(main_schema)}.{quoted(table)}"
        await conn.execute(f"DROP VIEW IF EXISTS {target}")
        await conn.execute(
            f"CREATE VIEW {target} AS SELECT * FROM {quoted(schema)}.{quoted(table)}"  # noqa: S608 - checked identifiers
        )
    retired: str | None = await conn.fetchval(
        "UPDATE projection_sets SET state = 'RETIRED' WHERE projection = $1 AND state = 'ACTIVE'"
        " RETURNING schema_name",
        projection.name,
    )
    await conn.execute(
        "UPDATE projection_sets SET state = 'ACTIVE', activated_at = now()"
        " WHERE projection = $1 AND generation = $2",
        projection.name,
        generation,
    )
    return retired


async def ensure_active(conn: Any, main_schema: str, projection: Projection) -> str:
    """The active set's schema, creating generation 1 if the projection has none (in a txn)."""
    schema = await active_set(conn, projection)
    if schema is not None:
        return schema
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"views-sets:{main_schema}")
    schema = await active_set(conn, projection)
    if schema is not None:
        return schema
    generation, schema = await create_set(conn, main_schema, projection)
    await activate(conn, main_schema, projection, generation)
    return schema


async def drop_set(conn: Any, schema: str) -> None:
    """Drop a retired or failed set's tables (its row stays as history)."""
    await conn.execute(f"DROP SCHEMA IF EXISTS {quoted(schema)} CASCADE")

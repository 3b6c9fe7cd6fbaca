"""Forward-only SQL migrations: numbered files applied once each, recorded with a checksum."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import asyncpg

log = logging.getLogger(__name__)

_CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


class MigrationError(RuntimeError):
    """A migration already applied was edited, or one failed."""


@dataclass(frozen=True)
class Migration:
    """One SQL file: ``<source>:<NNNN_name>`` and its text."""

    name: str
    sql: str

    @property
    def checksum(self) -> str:
        """SHA-256 of the file, to refuse edits to applied migrations."""
        return hashlib.sha256(self.sql.encode()).hexdigest()


def platform_migrations() -> list[Migration]:
    """The tables every service schema has: outbox, inbox, idempotency keys."""
    folder = resources.files("shared.sql")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return [Migration(name=f"shared:{f.name[:-4]}", sql=f.read_text("utf-8")) for f in files]


def folder_migrations(folder: Path, *, source: str) -> list[Migration]:
    """The numbered ``*.sql`` files of a service, in order."""
    files = sorted(folder.glob("*.sql"))
    return [Migration(name=f"{source}:{f.stem}", sql=f.read_text("utf-8")) for f in files]


async def migrate(conn: asyncpg.Connection, schema: str, migrations: list[Migration]) -> list[str]:
    """Apply what is missing, in order, each in its own transaction; return what was applied."""
    exists = await conn.fetchval(
        "SELECT 1 FROM information_schema.schemata WHERE schema_name = $1", schema
    )
    if not exists:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
    await conn.execute(f'SET search_path TO "{schema}"')
    # One migrator at a time per schema: two instances starting together must not race.
    lock_key = f"migrate:{schema}"
    await conn.execute("SELECT pg_advisory_lock(hashtext($1))", lock_key)
    try:
        await conn.execute(_CREATE_TABLE)
        applied = {
            r["name"]: r["checksum"]
            for r in await conn.fetch("SELECT name, checksum FROM schema_migrations")
        }
        done: list[str] = []
        for migration in migrations:
            if migration.name in applied:
                if applied[migration.name] != migration.checksum:
                    raise MigrationError(f"{migration.name} was changed after it was applied")
                continue
            async with conn.transaction():
                await conn.execute(migration.sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)",
                    migration.name,
                    migration.checksum,
                )
            log.info("migration applied", extra={"migration": migration.name, "schema": schema})
            done.append(migration.name)
        return done
    finally:
        await conn.execute("SELECT pg_advisory_unlock(hashtext($1))", lock_key)

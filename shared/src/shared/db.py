"""PostgreSQL plumbing: the pool of a service, bound to its own schema."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy

# A connection of one's own or one borrowed from a pool: both run queries and transactions.
Conn = asyncpg.Connection | PoolConnectionProxy

# Errors that mean "the database is not reachable right now", not "this statement is wrong".
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.ConnectionFailureError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.TooManyConnectionsError,
    # A pooled connection the server dropped mid-protocol (a crash) fails the next query with
    # "cannot switch to state 15; another operation (2) is in progress": an outage, not a bug.
    asyncpg.exceptions.InternalClientError,
    TimeoutError,
)


# Values the database cannot hold: an instant with no UTC equivalent (refused while encoding,
# as a bare DataError), a number past its column, a NUL in text. Bad input that got past
# validation, not a bug; other data exceptions (division by zero …) stay errors.
UNSTORABLE_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.NumericValueOutOfRangeError,
    asyncpg.exceptions.DatetimeFieldOverflowError,
    asyncpg.exceptions.CharacterNotInRepertoireError,
    asyncpg.exceptions.UntranslatableCharacterError,
    asyncpg.exceptions.StringDataRightTruncationError,
)


def is_unstorable(exc: BaseException) -> bool:
    """Whether an error means a value of the input cannot be stored or compared (422)."""
    return type(exc) is asyncpg.exceptions.DataError or isinstance(exc, UNSTORABLE_ERRORS)


async def init_connection(conn: asyncpg.Connection) -> None:
    """Decode json and jsonb as Python objects on every connection."""
    for kind in ("json", "jsonb"):
        await conn.set_type_codec(kind, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def _rollback_only(_: asyncpg.Connection) -> None:
    """A released connection's reset beyond asyncpg's own rollback of an open transaction."""


async def create_pool(
    dsn: str, *, schema: str, min_size: int = 1, max_size: int = 10, session_reset: bool = True
) -> asyncpg.Pool:
    """A pool whose connections resolve unqualified names in the service's schema.

    ``session_reset=False`` skips the reset statement asyncpg sends on every release (advisory
    unlock, UNLISTEN, RESET ALL: one round trip per request); an open transaction is still
    rolled back. Only for services that never take session locks, LISTEN or SET on a pooled
    connection.
    """
    pool: asyncpg.Pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=init_connection,
        reset=None if session_reset else _rollback_only,
        server_settings={"search_path": schema, "application_name": schema},
        command_timeout=30,
    )
    return pool


async def connect(dsn: str, *, schema: str) -> asyncpg.Connection:
    """One dedicated connection (relay leadership, LISTEN) in the service's schema."""
    conn: asyncpg.Connection = await asyncpg.connect(
        dsn, server_settings={"search_path": schema, "application_name": f"{schema}-dedicated"}
    )
    await init_connection(conn)
    return conn


def is_unavailable(exc: BaseException) -> bool:
    """Whether an error means the database is down or unreachable (retry, do not blame input)."""
    return isinstance(exc, UNAVAILABLE_ERRORS)


def jsonable(value: Any) -> Any:
    """Round-trip through JSON so stored documents equal what a reader gets back."""
    return json.loads(json.dumps(value, default=str))

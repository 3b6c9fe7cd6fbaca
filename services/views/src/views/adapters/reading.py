"""Consistent reads of the read model, safe against a concurrent switch to a rebuilt set.

A switch repoints the ``p_*`` views in one transaction, but PostgreSQL resolves a view through
the current catalog, not through the reader's snapshot: a REPEATABLE READ reader whose snapshot
predates a switch would read the new set as it was at that snapshot (half built). So every
reader takes the service's read lock in shared mode *before* its snapshot begins, and the
switch takes it exclusively: each reader sees the old sets or the new ones, never a mix, and
never deadlocks with the switch (it holds no view lock while waiting).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from views.adapters.sets import read_lock


@contextlib.asynccontextmanager
async def consistent_read(
    pool: Any, main_schema: str, *, write: bool = False
) -> AsyncIterator[Any]:
    """A connection in one REPEATABLE READ transaction over the whole read model.

    ``write`` allows the transaction to write (the elder-360 read audit row).
    """
    lock = read_lock(main_schema)
    async with pool.acquire() as conn:
        # Session-level, taken outside the transaction: the snapshot starts after we hold it.
        await conn.execute("SELECT pg_advisory_lock_shared(hashtext($1))", lock)
        try:
            async with conn.transaction(isolation="repeatable_read", readonly=not write):
                yield conn
        finally:
            # If this fails (connection lost), the pool's reset on release drops the lock anyway.
            with contextlib.suppress(Exception):
                await conn.execute("SELECT pg_advisory_unlock_shared(hashtext($1))", lock)

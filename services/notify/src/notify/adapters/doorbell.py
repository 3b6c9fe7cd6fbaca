"""The dispatcher's doorbell: rung when notifications fall due now, so they skip the poll's wait.

Writers ring with ``pg_notify`` inside their transaction: PostgreSQL delivers it only once the
transaction commits (never on rollback, so the dispatcher cannot wake before the rows are
visible), to every notify process listening on the database. Each process's listener turns
the notifications into one in-process ``asyncio.Event``: a burst of commits is one wake-up.
The dispatcher still polls every ``DISPATCH_INTERVAL_S``, so a lost wake-up only costs time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import asyncpg

from notify.adapters.db import Conn

log = logging.getLogger(__name__)


def dispatch_channel(schema: str) -> str:
    """The LISTEN/NOTIFY channel of the dispatchers sharing a schema."""
    return f"dispatch_{schema}"


class Doorbell:
    """Wakes the dispatcher: at once in this process, or on commit in every process."""

    def __init__(self, channel: str, *, retry_s: float = 2.0) -> None:
        self.channel = channel
        self.retry_s = retry_s
        self.listening = False
        self._rung = asyncio.Event()

    def ring(self) -> None:
        """Wake this process's dispatcher (for work that is already committed)."""
        self._rung.set()

    async def ring_on_commit(self, conn: Conn) -> None:
        """Wake every listening dispatcher once the caller's transaction commits."""
        # PostgreSQL folds identical notifications of one transaction into one delivery.
        await conn.execute("SELECT pg_notify($1, '')", self.channel)

    async def wait(self, timeout_s: float) -> bool:
        """Until rung or ``timeout_s`` passed; whether it was rung. Resets the bell."""
        # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
        # arrives as the event is set (the relay's lesson), and the loop would never stop.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout_s):
                await self._rung.wait()
        rung = self._rung.is_set()
        # Cleared before the pass that follows: a ring during that pass wakes the next one.
        self._rung.clear()
        return rung

    async def listen(self, connect: Callable[[], Awaitable[asyncpg.Connection]]) -> None:
        """Ring on every notification of the channel, reconnecting after a loss; until cancelled."""
        while True:
            try:
                conn = await connect()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("doorbell cannot listen yet", extra={"error": repr(exc)})
                await asyncio.sleep(self.retry_s)
                continue
            try:
                await self._listen_on(conn)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("doorbell lost its connection", extra={"error": repr(exc)})
            finally:
                self.listening = False
                with contextlib.suppress(Exception):
                    await asyncio.shield(conn.close(timeout=2))
            await asyncio.sleep(self.retry_s)

    async def _listen_on(self, conn: asyncpg.Connection) -> None:
        closed = asyncio.Event()
        conn.add_termination_listener(lambda _conn: closed.set())
        await conn.add_listener(self.channel, lambda *_: self.ring())
        self.listening = True
        # Commits while nobody listened rang no one: one pass picks them up now.
        self.ring()
        await closed.wait()

"""Background work: the dispatcher loop and the sweepers (escalation, stuck sends, retention).

The dispatcher runs when its doorbell rings (a commit that made notifications due now) and every
``dispatch_interval_s`` in any case; the sweepers run every ``sweep_interval_s`` in a loop of
their own, so a long sweep never holds a send back. Every sweeper is a function of (pool, now),
idempotent, and callable as ``POST /_admin/sweeps/{name}`` in demo mode.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from notify.adapters import audit
from notify.adapters.delivery import Dispatcher
from notify.adapters.doorbell import Doorbell
from notify.adapters.escalation import Escalator
from notify.adapters.metrics import NotifyMetrics
from notify.adapters.notifications import Store
from notify.bootstrap import Bound
from notify.domain.model import Status
from notify.service_layer.ports import DispatchPass
from shared.clock import Clock

if TYPE_CHECKING:
    import asyncpg

    from shared.service import Runtime

log = logging.getLogger(__name__)


# After a ring, how often and how soon a pass is retried that found the dispatch lock of its schema
# held by another replica (deployments in other schemas have keys of their own and never block).
BUSY_RETRIES = 50
BUSY_RETRY_S = 0.05


@dataclass
class DispatchLoop:
    """Runs the dispatcher when the doorbell rings, and every ``interval_s`` whatever happens."""

    dispatcher: DispatchPass
    doorbell: Doorbell
    interval_s: float
    metrics: NotifyMetrics | None = None

    async def run(self, clock: Clock) -> None:
        """Pass, then wait for a ring or the interval; until cancelled."""
        cause, busy = "start", 0
        while True:
            if self.metrics is not None:
                self.metrics.wakeups.labels(cause).inc()
            made: int | None = 0
            try:
                made = await self.dispatcher.tick(clock.now())
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("notify dispatcher pass failed")
            if made is None and cause != "poll" and busy < BUSY_RETRIES:
                # Something else held this schema's dispatch lock (another replica, an admin
                # sweep, a test pausing the dispatcher): its pass may have claimed before the
                # commit that rang us and need not run again for this ring (a one-off sweep, a
                # replica whose listener is reconnecting), so retry shortly, not at the poll.
                busy += 1
                await asyncio.sleep(BUSY_RETRY_S)
                self.doorbell.ring()
            elif made is not None:
                busy = 0
            # Rings during the pass left the bell set: the next pass starts at once, and a
            # burst of rings is still one pass (which drains every due batch).
            cause = "doorbell" if await self.doorbell.wait(self.interval_s) else "poll"


@dataclass
class Workers:
    """The dispatcher and the sweepers, with their settings."""

    bound: Bound
    store: Store
    dispatcher: Dispatcher
    escalator: Escalator
    metrics: NotifyMetrics
    doorbell: Doorbell
    stuck_after_s: int
    retention_days: int
    dispatch_interval_s: float
    sweep_interval_s: float
    # Opens the doorbell's LISTEN connection (None: rings of other processes are not heard).
    listen: Callable[[], Awaitable[asyncpg.Connection]] | None = None
    enabled: bool = True
    escalation_enabled: bool = True

    async def dispatch_once(self, now: datetime) -> int:
        """One dispatcher pass; 0 when another replica of this schema held the dispatch lock."""
        return await self.dispatcher.tick(now) or 0

    def sweeps(self) -> dict[str, Callable[[datetime], Awaitable[int]]]:
        """The sweepers by name (for the admin route)."""
        return {
            "dispatch": self.dispatch_once,
            "escalations": self.escalator.sweep,
            "stuck": self.release_stuck,
            "purge": self.purge,
            "gauges": self.refresh_gauges,
        }

    def _periodic(self) -> tuple[str, ...]:
        ladder = ("escalations",) if self.escalation_enabled else ()
        return (*ladder, "stuck", "purge", "gauges")

    async def release_stuck(self, now: datetime) -> int:
        """In-flight sends with no outcome after ``stuck_after_s`` (real time) are retried."""
        async with self.bound.pool().acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "UPDATE notifications SET in_flight_since = NULL, next_attempt_at = $2 "
                "WHERE in_flight_since < clock_timestamp() - make_interval(secs => $1) "
                "AND status IN ('QUEUED', 'FAILED') RETURNING *",
                float(self.stuck_after_s),
                now,
            )
            for row in rows:
                await conn.execute(
                    "UPDATE delivery_attempts SET outcome = 'unknown' "
                    "WHERE notification_id = $1 AND attempt = $2 AND outcome IS NULL",
                    row["id"],
                    row["attempts"],
                )
                await audit.record_for(
                    conn,
                    row,
                    now,
                    "stuck_released",
                    attempt=row["attempts"],
                    reason="no outcome recorded: will retry",
                )
        return len(rows)

    async def purge(self, now: datetime) -> int:
        """Drop rendered content and params of settled notifications past the retention."""
        cutoff = now - timedelta(days=self.retention_days)
        async with self.bound.pool().acquire() as conn, conn.transaction():
            purged = await conn.fetchval(
                "WITH p AS (UPDATE notifications SET params = NULL, rendered_subject = NULL, "
                "rendered_body = NULL, purged_at = $2 WHERE created_at < $1 AND purged_at IS NULL "
                "AND status NOT IN ('QUEUED', 'FAILED') RETURNING 1) SELECT count(*) FROM p",
                cutoff,
                now,
            )
            await conn.execute(
                "UPDATE ack_chains SET params = NULL WHERE status <> 'OPEN' AND closed_at < $1",
                cutoff,
            )
            if purged:
                await audit.record(
                    conn, now, "retention_purge", reason=f"{purged} notifications before {cutoff}"
                )
        return int(purged or 0)

    async def refresh_gauges(self, now: datetime) -> int:
        """Notifications by channel and status, for /metrics."""
        rows = await self.bound.pool().fetch(
            "SELECT channel, status, count(*) AS n FROM notifications GROUP BY channel, status"
        )
        self.metrics.by_status.clear()
        for row in rows:
            self.metrics.by_status.labels(row["channel"], row["status"]).set(row["n"])
        for status in Status:
            for channel in ("email", "sms", "robot"):
                self.metrics.by_status.labels(channel, str(status)).inc(0)
        return len(rows)

    async def run(self, runtime: Runtime) -> None:
        """The background task: bind the runtime, then dispatch and sweep until cancelled."""
        self.bound.runtime = runtime
        self.bound.started.set()
        for collector in self.metrics.collectors:
            with contextlib.suppress(ValueError):
                runtime.metrics.registry.register(collector)
        if not self.enabled:
            return
        dispatch = DispatchLoop(
            self.dispatcher, self.doorbell, self.dispatch_interval_s, metrics=self.metrics
        )
        async with asyncio.TaskGroup() as tasks:
            if self.listen is not None:
                tasks.create_task(self.doorbell.listen(self.listen), name="notify-doorbell")
            tasks.create_task(dispatch.run(runtime.clock), name="notify-dispatch")
            tasks.create_task(self._sweep(runtime.clock), name="notify-sweeps")

    async def _sweep(self, clock: Clock) -> None:
        while True:
            try:
                for name in self._periodic():
                    await self.sweeps()[name](clock.now())
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("notify sweep pass failed")
            await asyncio.sleep(self.sweep_interval_s)

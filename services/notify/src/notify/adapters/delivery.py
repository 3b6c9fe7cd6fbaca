"""The dispatcher: claim due notifications lane by lane, call the channel, record the outcome.

A row is claimed in a short transaction (re-checks, address, render, attempt row), the provider
is called outside any transaction, and the outcome is recorded in a second one. The dispatcher
of all replicas sharing a schema is one at a time (a session advisory lock keyed by the schema,
``dispatch_lock_key``), which tests also use to pause it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status as SpanStatus, StatusCode

from notify.adapters import audit, directory
from notify.adapters.contacts import Contacts
from notify.adapters.db import Conn
from notify.adapters.notifications import Store
from notify.domain.model import Channel, NotifyError, Priority, Status
from notify.domain.policy import LOCAL_TZ, ErrorClass, backoff, next_local_midnight, trigger_holds
from notify.domain.templates import Rendered
from notify.service_layer import publishing
from notify.service_layer.creating import Policy
from notify.service_layer.ports import Address, ChannelAdapter, DeliveryResult

# The class id (first key of the two-int advisory lock) of notify's dispatcher locks.
DISPATCH_LOCK_CLASS = 7_311_042


def dispatch_lock_key(schema: str) -> tuple[int, int]:
    """The dispatcher's advisory-lock key of a schema: ``pg_try_advisory_lock(class, objid)``.

    One dispatcher at a time per schema, so two notify deployments in different schemas of one
    database never pause each other. ``objid`` is the first 31 bits of the SHA-256 of the schema
    name: the same in every process and Python version (unlike ``hash()``), and non-negative, so
    ``pg_locks.objid`` shows exactly this number (``classid`` the class, ``objsubid`` 2). Two
    schemas whose hashes collide (about 1 in 2**31) would only share one lock, as all did before.
    """
    digest = hashlib.sha256(schema.encode()).digest()
    return DISPATCH_LOCK_CLASS, int.from_bytes(digest[:4], "big") & 0x7FFF_FFFF


tracer = trace.get_tracer("notify.delivery")


class TokenBucket:
    """Per-channel rate limit in real time (it protects providers, not business deadlines)."""

    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.tokens = float(per_minute)
        self.rate = per_minute / 60.0
        self.stamp = time.monotonic()

    def take(self) -> bool:
        """Spend one token if there is one."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


@dataclass(frozen=True)
class Claimed:
    """A notification handed to the dispatcher for one attempt."""

    notification_id: UUID
    attempt: int
    address: Address
    message: Rendered
    trace_context: Mapping[str, str]  # W3C context stored when the notification was created


class Dispatcher:
    """Sends due notifications: urgent lane first, then high, then normal."""

    def __init__(
        self,
        *,
        pool: Callable[[], asyncpg.Pool],
        store: Store,
        contacts: Contacts,
        adapters: Mapping[Channel, ChannelAdapter],
        policy: Policy,
        batch: int,
    ) -> None:
        self._pool = pool
        self.store = store
        self.contacts = contacts
        self.adapters = adapters
        self.policy = policy
        self.batch = batch
        self.buckets = {c: TokenBucket(policy.rate_per_min.get(c, 60)) for c in Channel}
        self.lock_key = dispatch_lock_key(store.schema)

    async def tick(self, now: datetime) -> int | None:
        """Lane passes until nothing due is left; how many attempts were made (None: busy).

        None when another dispatcher of this schema (another replica) holds the lock and this
        pass did nothing.
        """
        async with self._pool().acquire() as lock:
            if not await lock.fetchval("SELECT pg_try_advisory_lock($1, $2)", *self.lock_key):
                return None
            try:
                made, more = 0, True
                # Batch after batch, each pass urgent first: a burst drains in one wake-up
                # without a normal backlog holding back an urgent message behind it.
                while more:
                    more = False
                    for lane in Priority:
                        claimed, full = await self._claim(lane, now)
                        for item in claimed:
                            await self._deliver(item, now)
                        made += len(claimed)
                        more = more or full
                return made
            finally:
                await lock.execute("SELECT pg_advisory_unlock($1, $2)", *self.lock_key)

    async def _claim(self, lane: Priority, now: datetime) -> tuple[list[Claimed], bool]:
        """A lane's batch of claims, and whether more may be due behind it."""
        claimed: list[Claimed] = []
        limited = False
        async with self._pool().acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "SELECT * FROM notifications WHERE status IN ('QUEUED', 'FAILED') "
                "AND priority = $1 AND next_attempt_at <= $2 AND in_flight_since IS NULL "
                "ORDER BY next_attempt_at, created_at LIMIT $3 FOR UPDATE SKIP LOCKED",
                str(lane),
                now,
                self.batch,
            )
            for row in rows:
                ready = await self._ready(conn, row, now)
                if ready is None:
                    continue  # settled or deferred: no longer due
                if not self.buckets[Channel(row["channel"])].take():
                    self.store.metrics.suppressed.labels("rate_limit").inc()
                    limited = True
                    continue
                claimed.append(await self._claim_row(conn, row, now, *ready))
        # A row held back by the rate limit stays due: asking again now would loop on it.
        return claimed, len(rows) == self.batch and not limited

    async def _still_wanted(self, conn: Conn, row: Any, now: datetime) -> bool:
        """Re-check the trigger and the deadline; settle the row when it is no longer wanted."""
        params = dict(row["params"] or {})
        hazard = case_open = None
        if row["subject_id"] is not None and row["trigger_kind"].startswith("hazard_"):
            found = await directory.hazard(conn, row["subject_id"])
            hazard = found.state if found else None
        if row["trigger_kind"] == "missing_case_reported":
            case_open = await conn.fetchval(
                "SELECT open FROM missing_cases WHERE case_id = $1", row["subject_id"]
            )
        if not trigger_holds(row["trigger_kind"], params, hazard, case_open=case_open):
            self.store.metrics.suppressed.labels("trigger_gone").inc()
            await self.store.move(
                conn,
                row,
                Status.CANCELLED,
                at=now,
                decision="suppressed",
                reason="trigger no longer holds at send time",
            )
            return False
        if now > row["deadline_at"]:
            await self._give_up(conn, row, now, "deadline passed before delivery")
            return False
        return True

    async def _give_up(self, conn: Conn, row: Any, now: datetime, why: str) -> None:
        await self.store.move(
            conn,
            row,
            Status.UNDELIVERABLE,
            at=now,
            events=[publishing.undeliverable(row)],
            reason=why,
            last_error=why,
        )

    async def _prepare(
        self, conn: Conn, row: Any, now: datetime
    ) -> tuple[Address, Rendered] | None:
        channel = Channel(row["channel"])
        address = await self.contacts.address(conn, row["recipient_person_id"], channel)
        if address is None:
            await self._give_up(conn, row, now, f"no {channel} contact for recipient")
            return None
        params = dict(row["params"] or {})
        try:
            message = self.policy.render(
                row["template_code"], row["template_version"], params, channel
            )
        except NotifyError as exc:
            await self._give_up(conn, row, now, exc.code)
            return None
        return address, message

    async def _over_cap(self, conn: Conn, row: Any, now: datetime) -> bool:
        if row["priority"] == Priority.URGENT:
            return False  # a missing elder is announced even past the blast-radius cap
        day = now.astimezone(LOCAL_TZ).date()
        sent = await conn.fetchval(
            "SELECT sent FROM daily_volume WHERE local_day = $1 AND channel = $2",
            day,
            row["channel"],
        )
        if (sent or 0) < self.policy.daily_cap:
            return False
        release = next_local_midnight(now)
        await conn.execute(
            "UPDATE notifications SET next_attempt_at = $2, not_before = $2 WHERE id = $1",
            row["id"],
            release,
        )
        await audit.record_for(conn, row, now, "deferred_daily_cap", reason=str(release))
        self.store.metrics.suppressed.labels("daily_cap").inc()
        return True

    async def _ready(self, conn: Conn, row: Any, now: datetime) -> tuple[Address, Rendered] | None:
        """Address and message of a row still to send now; None once it is settled or deferred."""
        if not await self._still_wanted(conn, row, now):
            return None
        prepared = await self._prepare(conn, row, now)
        if prepared is None or await self._over_cap(conn, row, now):
            return None
        return prepared

    async def _claim_row(
        self, conn: Conn, row: Any, now: datetime, address: Address, message: Rendered
    ) -> Claimed:
        attempt = int(row["attempts"]) + 1
        await conn.execute(
            "UPDATE notifications SET attempts = $2, in_flight_since = clock_timestamp(), "
            "rendered_subject = $3, rendered_body = $4, segments = $5 WHERE id = $1",
            row["id"],
            attempt,
            message.subject,
            message.text,
            message.segments,
        )
        await conn.execute(
            "INSERT INTO delivery_attempts (notification_id, attempt, channel, started_at) "
            "VALUES ($1, $2, $3, $4)",
            row["id"],
            attempt,
            row["channel"],
            now,
        )
        await conn.execute(
            "INSERT INTO daily_volume VALUES ($1, $2, 1) ON CONFLICT (local_day, channel) "
            "DO UPDATE SET sent = daily_volume.sent + 1",
            now.astimezone(LOCAL_TZ).date(),
            row["channel"],
        )
        await audit.record_for(conn, row, now, "attempt", attempt=attempt)
        return Claimed(row["id"], attempt, address, message, row["trace_context"] or {})

    async def _deliver(self, claimed: Claimed, now: datetime) -> None:
        """One attempt in a span of the trace that created the notification (DECISIONS §8)."""
        channel = str(claimed.address.channel)
        # Current while the outcome is recorded, so NotificationSent and the like carry it on.
        with tracer.start_as_current_span(
            f"notify deliver {channel}",
            context=propagate.extract(claimed.trace_context),
            kind=SpanKind.CLIENT,
            attributes={
                "notify.notification_id": str(claimed.notification_id),
                "notify.channel": channel,
                "notify.attempt": claimed.attempt,
            },
        ) as span:
            result = await self._send(claimed)
            outcome = "delivered" if result.delivered else "accepted"
            span.set_attribute("notify.outcome", outcome if result.ok else str(result.error_class))
            if not result.ok:
                span.set_status(SpanStatus(StatusCode.ERROR, result.detail or None))
            await self._record(claimed, result, now)

    async def _send(self, claimed: Claimed) -> DeliveryResult:
        adapter = self.adapters[claimed.address.channel]
        try:
            return await adapter.send(claimed.address, claimed.message)
        except Exception as exc:  # an adapter bug must not kill the dispatcher
            return DeliveryResult.failed(ErrorClass.RETRYABLE, f"adapter {type(exc).__name__}")

    async def _record(self, claimed: Claimed, result: DeliveryResult, now: datetime) -> None:
        outcome = (
            ("delivered" if result.delivered else "accepted")
            if result.ok
            else str(result.error_class)
        )
        self.store.metrics.attempts.labels(claimed.address.channel, outcome).inc()
        async with self._pool().acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                "UPDATE notifications SET in_flight_since = NULL WHERE id = $1 RETURNING *",
                claimed.notification_id,
            )
            await conn.execute(
                "UPDATE delivery_attempts SET outcome = $3, error_class = $4, detail = $5 "
                "WHERE notification_id = $1 AND attempt = $2",
                claimed.notification_id,
                claimed.attempt,
                outcome,
                str(result.error_class) if result.error_class else None,
                result.detail or None,
            )
            await self._apply(conn, row, claimed.attempt, result, now)

    async def _apply(
        self,
        conn: Conn,
        row: Any,
        attempt: int,
        result: DeliveryResult,
        now: datetime,
    ) -> None:
        if result.ok:
            target = Status.DELIVERED if result.delivered else Status.SENT
            await self.store.move(
                conn,
                row,
                target,
                at=now,
                events=[publishing.sent(row, now)],
                attempts=attempt,
                sent_at=now,
                delivered_at=now if result.delivered else None,
            )
            return
        error = result.error_class or ErrorClass.RETRYABLE
        failed = publishing.delivery_failed(row, attempt, str(error), now)
        retry_at = now + backoff(attempt, self.policy.backoff_s)
        if error is ErrorClass.PERMANENT or retry_at > row["deadline_at"]:
            why = result.detail if error is ErrorClass.PERMANENT else "deadline would pass"
            await self.store.move(
                conn,
                row,
                Status.UNDELIVERABLE,
                at=now,
                attempts=attempt,
                events=[failed, publishing.undeliverable(row)],
                reason=why,
                last_error=result.detail,
            )
            return
        await self.store.move(
            conn,
            row,
            Status.FAILED,
            at=now,
            events=[failed],
            attempts=attempt,
            next_attempt_at=retry_at,
            last_error=result.detail,
            reason=result.detail,
            decision="retry_scheduled",
        )

"""Notification rows: create (deduplicated), move through the state machine, publish, cancel."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from notify.adapters import audit
from notify.adapters.db import Conn
from notify.adapters.doorbell import Doorbell
from notify.adapters.metrics import NotifyMetrics
from notify.domain.model import Status, can_move
from notify.domain.policy import HazardState, trigger_holds
from notify.service_layer import publishing
from notify.service_layer.creating import NewNotification
from shared import outbox
from shared.events.base import IntegrationEvent

_INSERT = """
INSERT INTO notifications (id, dedupe_key, source_event_id, source_event_type, subject_id,
    rule_code, rule_version, trigger_kind, recipient_person_id, recipient_source, channel,
    template_code, template_version, params, priority, status, chain_id, escalation_step,
    next_attempt_at, not_before, deadline_at, created_at, finished_at, last_error, trace_context,
    version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
    $20, $21, $22, $23, $24, $25, 0)
ON CONFLICT (dedupe_key) DO NOTHING
RETURNING *
"""


def _values(new: NewNotification) -> tuple[Any, ...]:
    """The INSERT's parameters, in column order."""
    refused = new.refusal is not None
    return (
        new.id,
        new.dedupe_key,
        new.source_event_id,
        new.source_event_type,
        new.subject_id,
        new.rule_code,
        new.rule_version,
        new.trigger_kind,
        new.recipient_person_id,
        new.recipient_source,
        str(new.channel),
        new.template_code,
        new.template_version,
        None if refused else new.params,  # refused params may hold what the guard refused
        str(new.priority),
        str(new.status),
        new.chain_id,
        new.escalation_step,
        new.next_attempt_at,
        new.not_before,
        new.deadline_at,
        new.created_at,
        new.created_at if refused else None,
        new.refusal.code if new.refusal else None,
        # The current span (consumer or request): each delivery attempt's span continues it.
        outbox.trace_headers() or None,
    )


class Store:
    """Notification persistence bound to a schema name, the process's metrics and doorbell."""

    def __init__(self, *, schema: str, metrics: NotifyMetrics, doorbell: Doorbell) -> None:
        self.schema = schema
        self.metrics = metrics
        self.doorbell = doorbell

    async def publish(
        self,
        conn: Conn,
        row: Any,
        events: Sequence[IntegrationEvent],
        *,
        at: datetime,
        actor: str = "notify",
    ) -> int:
        """Add events of one notification to the outbox; returns the new version."""
        version = int(row["version"])
        envelopes = []
        for event in events:
            version += 1
            envelopes.append(publishing.envelope(event, version=version, at=at, actor=actor))
        await outbox.add(conn, envelopes, schema=self.schema)
        return version

    async def create(
        self, conn: Conn, new: NewNotification, *, actor: str = "notify"
    ) -> Any | None:
        """Insert a notification unless its dedupe key exists; audit and announce refusals."""
        row = await conn.fetchrow(_INSERT, *_values(new))
        if row is None:
            await audit.record(
                conn,
                new.created_at,
                "deduplicated",
                notification_id=new.id,
                source_event_id=new.source_event_id,
                channel=str(new.channel),
                recipient_person_id=new.recipient_person_id,
                reason="dedupe key exists",
            )
            return None
        if new.refusal is not None:
            await self._refused(conn, row, new.created_at, new.refusal.code, actor)
            return row
        decision = "deferred_quiet_hours" if new.not_before else "queued"
        reason = f"release {new.not_before.isoformat()}" if new.not_before else None
        await audit.record_for(conn, row, new.created_at, decision, reason=reason, actor=actor)
        self.metrics.moved(row["channel"], Status.QUEUED)
        if new.not_before is None:
            # Due now: the dispatchers wake when this commits instead of at their next poll.
            await self.doorbell.ring_on_commit(conn)
        return row

    async def _refused(self, conn: Conn, row: Any, at: datetime, code: str, actor: str) -> None:
        """A notification refused before any send is announced as undeliverable."""
        await audit.record_for(
            conn, row, at, "refused", outcome="UNDELIVERABLE", reason=code, actor=actor
        )
        events = [publishing.undeliverable(row)]
        version = await self.publish(conn, row, events, at=at, actor=actor)
        await conn.execute(
            "UPDATE notifications SET version = $2 WHERE id = $1", row["id"], version
        )
        self.metrics.moved(row["channel"], Status.UNDELIVERABLE)

    async def move(  # noqa: PLR0913 - a transition and its consequences, keyword-only
        self,
        conn: Conn,
        row: Any,
        target: Status,
        *,
        at: datetime,
        events: Sequence[IntegrationEvent] = (),
        reason: str | None = None,
        decision: str | None = None,
        actor: str = "notify",
        **columns: Any,
    ) -> bool:
        """Move a locked row forward; a backward or late move is audited and ignored."""
        current = Status(row["status"])
        if not can_move(current, target):
            await audit.record_for(
                conn,
                row,
                at,
                "late_signal_ignored",
                outcome=str(target),
                reason=f"{current} -> {target}",
                actor=actor,
            )
            return False
        version = await self.publish(conn, row, events, at=at, actor=actor)
        sets = {"status": str(target), "version": version, **columns}
        if target in (Status.UNDELIVERABLE, Status.CANCELLED, Status.ACKNOWLEDGED):
            sets.setdefault("finished_at", at)
        assignments = ", ".join(f"{name} = ${i + 2}" for i, name in enumerate(sets))
        await conn.execute(
            f"UPDATE notifications SET {assignments} WHERE id = $1",  # noqa: S608 - names are ours
            row["id"],
            *sets.values(),
        )
        await audit.record_for(
            conn,
            row,
            at,
            decision or str(target).lower(),
            outcome=str(target),
            reason=reason,
            attempt=columns.get("attempts", row["attempts"]),
            actor=actor,
        )
        self.metrics.moved(row["channel"], target)
        return True

    async def cancel_stale(
        self,
        conn: Conn,
        subject_id: UUID,
        *,
        hazard: HazardState | None,
        case_open: bool | None,
        at: datetime,
        because: str,
    ) -> int:
        """Cancel the pending notifications of a subject whose trigger no longer holds."""
        rows = await conn.fetch(
            # A send in flight is left alone: its outcome is the truth, whatever happens meanwhile.
            "SELECT * FROM notifications WHERE subject_id = $1 AND status IN ('QUEUED', 'FAILED') "
            "AND in_flight_since IS NULL "
            "ORDER BY created_at FOR UPDATE",
            subject_id,
        )
        cancelled = 0
        for row in rows:
            params = dict(row["params"] or {})
            if trigger_holds(row["trigger_kind"], params, hazard, case_open=case_open):
                continue
            await self.move(
                conn,
                row,
                Status.CANCELLED,
                at=at,
                decision="suppressed",
                reason=f"trigger no longer holds after {because}",
            )
            cancelled += 1
        return cancelled


async def get(conn: Conn, notification_id: UUID, *, lock: bool = False) -> Any:
    """One notification row (optionally locked)."""
    if lock:
        return await conn.fetchrow(
            "SELECT * FROM notifications WHERE id = $1 FOR UPDATE", notification_id
        )
    return await conn.fetchrow("SELECT * FROM notifications WHERE id = $1", notification_id)


async def search(  # noqa: PLR0913 - the filters of GET /notifications, keyword-only
    conn: Conn,
    *,
    status: str | None,
    recipient: UUID | None,
    event: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
) -> list[Any]:
    """Notifications matching the filters, newest first."""
    event_id: UUID | None = None
    event_type: str | None = None
    if event:
        try:
            event_id = UUID(event)
        except ValueError:
            event_type = event
    return list(
        await conn.fetch(
            "SELECT * FROM notifications WHERE ($1::text IS NULL OR status = $1) "
            "AND ($2::uuid IS NULL OR recipient_person_id = $2) "
            "AND ($3::uuid IS NULL OR source_event_id = $3) "
            "AND ($4::text IS NULL OR source_event_type = $4) "
            "AND ($5::timestamptz IS NULL OR created_at >= $5) "
            "AND ($6::timestamptz IS NULL OR created_at < $6) "
            "ORDER BY created_at DESC, id LIMIT $7",
            status,
            recipient,
            event_id,
            event_type,
            since,
            until,
            limit,
        )
    )


async def attempts(conn: Conn, notification_id: UUID) -> list[dict[str, Any]]:
    """The delivery attempts of a notification."""
    rows = await conn.fetch(
        "SELECT attempt, channel, started_at, outcome, error_class, detail "
        "FROM delivery_attempts WHERE notification_id = $1 ORDER BY attempt",
        notification_id,
    )
    return [dict(r) for r in rows]

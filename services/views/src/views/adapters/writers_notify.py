"""Writers of the notification ledger (notify projection).

Notify may report a failed attempt before or after ``NotificationSent``, so every writer upserts;
the status is the latest event's (SENT, FAILED, UNDELIVERABLE, ACKNOWLEDGED), and
``failed_attempts`` counts the failed attempts whatever came after them.
"""

from __future__ import annotations

from typing import Any

from shared.clock import local_date
from shared.events import notify as ev
from shared.events.envelope import CloudEvent
from views.adapters.writing import Writers

W = Writers()

_SENT = """
INSERT INTO p_notifications AS p (notification_id, source_event_id, source_event_type,
    recipient_person_id, channel, template_code, priority, status, sent_at, sent_on, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, 'SENT', $8, $9, $10)
ON CONFLICT (notification_id) DO UPDATE SET source_event_id = EXCLUDED.source_event_id,
    source_event_type = EXCLUDED.source_event_type,
    recipient_person_id = EXCLUDED.recipient_person_id, channel = EXCLUDED.channel,
    template_code = EXCLUDED.template_code, priority = EXCLUDED.priority, status = 'SENT',
    sent_at = EXCLUDED.sent_at, sent_on = EXCLUDED.sent_on, version = EXCLUDED.version
WHERE p.version < EXCLUDED.version
"""


@W.on(ev.NotificationSent)
async def on_sent(conn: Any, e: ev.NotificationSent, env: CloudEvent) -> None:
    """Handed to its channel."""
    await conn.execute(
        _SENT,
        e.notification_id,
        e.source_event_id,
        e.source_event_type,
        e.recipient_person_id,
        e.channel,
        e.template_code,
        e.priority,
        e.sent_at,
        local_date(e.sent_at),
        env.aggregateversion,
    )


async def _upsert(conn: Any, env: CloudEvent, status: str, sets: str, *args: Any) -> None:
    """Make sure the row exists, then apply ``sets`` ($4… are ``args``) if the event is newer."""
    await conn.execute(
        "INSERT INTO p_notifications (notification_id, status, version) VALUES ($1, 'PENDING', 0)"
        " ON CONFLICT DO NOTHING",
        env.subject,
    )
    sql = (
        f"UPDATE p_notifications SET status = $3, {sets}, version = $2"  # noqa: S608 - fixed fragments
        " WHERE notification_id = $1 AND version < $2"
    )
    await conn.execute(sql, env.subject, env.aggregateversion, status, *args)


@W.on(ev.NotificationDeliveryFailed)
async def on_delivery_failed(conn: Any, e: ev.NotificationDeliveryFailed, env: CloudEvent) -> None:
    """A delivery attempt failed."""
    await _upsert(
        conn,
        env,
        "FAILED",
        "failed_attempts = failed_attempts + 1, last_error_class = $4",
        e.error_class,
    )


@W.on(ev.NotificationUndeliverable)
async def on_undeliverable(conn: Any, e: ev.NotificationUndeliverable, env: CloudEvent) -> None:
    """No channel could deliver it: someone must follow up by hand."""
    await _upsert(conn, env, "UNDELIVERABLE", "recipient_person_id = $4", e.recipient_person_id)


@W.on(ev.NotificationAcknowledged)
async def on_acknowledged(conn: Any, e: ev.NotificationAcknowledged, env: CloudEvent) -> None:
    """The recipient acknowledged it."""
    await _upsert(conn, env, "ACKNOWLEDGED", "acked_at = $4", e.acked_at)

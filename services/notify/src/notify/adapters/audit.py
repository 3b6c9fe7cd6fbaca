"""The append-only audit ledger: one row per decision, ids and codes only (no address, no text)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from notify.adapters.db import Conn

_COLUMNS = (
    "notification_id",
    "chain_id",
    "source_event_id",
    "source_event_type",
    "rule_code",
    "rule_version",
    "recipient_person_id",
    "recipient_source",
    "channel",
    "template_code",
    "template_version",
    "attempt",
    "outcome",
    "reason",
    "actor",
)
_INSERT = (
    f"INSERT INTO audit_log (at, decision, {', '.join(_COLUMNS)}) VALUES "  # noqa: S608 - fixed names
    f"($1, $2, {', '.join(f'${i + 3}' for i in range(len(_COLUMNS)))})"
)
# What a notification row contributes to each of its audit rows.
FROM_NOTIFICATION = (
    "source_event_id",
    "source_event_type",
    "rule_code",
    "rule_version",
    "recipient_person_id",
    "recipient_source",
    "channel",
    "template_code",
    "template_version",
    "chain_id",
)


async def record(conn: Conn, at: datetime, decision: str, **fields: Any) -> None:
    """Append one decision; unknown field names are a programming error."""
    unknown = set(fields) - set(_COLUMNS)
    if unknown:
        raise KeyError(f"not audit columns: {sorted(unknown)}")
    await conn.execute(_INSERT, at, decision, *(fields.get(c) for c in _COLUMNS))


async def record_for(conn: Conn, row: Any, at: datetime, decision: str, **fields: Any) -> None:
    """Append a decision about one notification row (its ids and versions copied over)."""
    base = {c: row[c] for c in FROM_NOTIFICATION}
    base["notification_id"] = row["id"]
    base.update(fields)
    await record(conn, at, decision, **base)


async def trail(
    conn: Conn, *, notification_id: Any = None, source_event_id: Any = None
) -> list[dict[str, Any]]:
    """The audit rows of a notification or of a source event, oldest first."""
    rows = await conn.fetch(
        "SELECT * FROM audit_log WHERE ($1::uuid IS NULL OR notification_id = $1) "
        "AND ($2::uuid IS NULL OR source_event_id = $2) ORDER BY seq LIMIT 1000",
        notification_id,
        source_event_id,
    )
    return [dict(r) for r in rows]

"""What notify still has to send: the demo loader waits for it before moving the clock on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

_PENDING = """
SELECT count(*) FILTER (WHERE next_attempt_at <= $1) AS due,
       count(*) AS waiting,
       min(next_attempt_at) AS next_at
FROM notifications
WHERE status IN ('QUEUED', 'FAILED')
"""


async def pending_sends(pool: asyncpg.Pool, now: datetime) -> dict[str, Any]:
    """Sends due now, sends waiting (retries, quiet hours) and when the next one falls due."""
    row = await pool.fetchrow(_PENDING, now)
    next_at = row["next_at"] if row else None
    return {
        "due": int(row["due"]) if row else 0,
        "waiting": int(row["waiting"]) if row else 0,
        "next_at": next_at.isoformat() if next_at else None,
    }

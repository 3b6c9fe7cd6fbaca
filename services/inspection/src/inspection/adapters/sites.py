"""The site replica, fed by eldercare.institutions: version-guarded, so replays change nothing."""

from __future__ import annotations

import uuid
from datetime import datetime

from shared.db import Conn

_UPSERT_REGISTERED = """
INSERT INTO site_replica (id, kind, status, county_code, version, updated_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (id) DO UPDATE
SET kind = EXCLUDED.kind, status = EXCLUDED.status, county_code = EXCLUDED.county_code,
    version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
WHERE site_replica.version < EXCLUDED.version
"""
# A status change for a site not seen yet (out-of-order replay) still records the status.
_UPSERT_STATUS = """
INSERT INTO site_replica (id, kind, status, county_code, version, updated_at)
VALUES ($1, NULL, $2, NULL, $3, $4)
ON CONFLICT (id) DO UPDATE
SET status = EXCLUDED.status, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
WHERE site_replica.version < EXCLUDED.version
"""


async def site_registered(  # noqa: PLR0913 - the replica row's columns, keyword-only
    conn: Conn,
    *,
    site_id: uuid.UUID,
    kind: str,
    status: str,
    county_code: str,
    version: int,
    at: datetime,
) -> None:
    """Record a registered institution (newer versions only)."""
    await conn.execute(_UPSERT_REGISTERED, site_id, kind, status, county_code, version, at)


async def site_status_changed(
    conn: Conn, *, site_id: uuid.UUID, status: str, version: int, at: datetime
) -> None:
    """Record an institution's new status (newer versions only)."""
    await conn.execute(_UPSERT_STATUS, site_id, status, version, at)

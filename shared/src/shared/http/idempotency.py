"""Idempotency-Key for creating commands: a replay returns the stored response."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from shared.db import Conn
from shared.http.problems import Problem

MAX_KEY_LENGTH = 200

_SELECT = (
    "SELECT fingerprint, status_code, response FROM idempotency_keys WHERE scope=$1 AND key=$2"
)
_INSERT = """
INSERT INTO idempotency_keys (scope, key, fingerprint, status_code, response)
VALUES ($1, $2, $3, $4, $5)
"""


@dataclass(frozen=True)
class StoredResponse:
    """What the first request with this key answered."""

    status_code: int
    body: Any


def fingerprint(body: Any) -> str:
    """A stable hash of a request body (key order does not matter)."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key: str) -> str:
    """Refuse an unusable key with 422."""
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise Problem(
            422, "invalid_idempotency_key", f"Idempotency-Key 须为 1 至 {MAX_KEY_LENGTH} 个可见字符"
        )
    return key


async def replay(
    conn: Conn, *, scope: str, key: str, body_fingerprint: str
) -> StoredResponse | None:
    """The stored response of an earlier request with this key, in the caller's transaction.

    Takes a transaction-scoped lock on the key, so two concurrent requests with one key
    run one after the other and the second gets the first's answer.
    """
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"idem:{scope}:{key}")
    row = await conn.fetchrow(_SELECT, scope, check_key(key))
    if row is None:
        return None
    if row["fingerprint"] != body_fingerprint:
        raise Problem(422, "idempotency_key_reused", "该 Idempotency-Key 已用于内容不同的请求")
    return StoredResponse(status_code=row["status_code"], body=row["response"])


async def remember(
    conn: Conn,
    *,
    scope: str,
    key: str,
    body_fingerprint: str,
    status_code: int,
    body: Any,
) -> None:
    """Store the response in the command's own transaction."""
    await conn.execute(_INSERT, scope, key, body_fingerprint, status_code, body)

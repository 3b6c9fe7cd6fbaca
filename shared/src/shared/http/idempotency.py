"""Idempotency-Key for creating commands: a replay returns the stored response."""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import asyncpg

from shared.db import Conn
from shared.http.problems import Problem

MAX_KEY_LENGTH = 200

_SELECT = (
    "SELECT fingerprint, status_code, response FROM idempotency_keys WHERE scope=$1 AND key=$2"
)
_INSERT = """
INSERT INTO idempotency_keys (scope, key, fingerprint, status_code, response)
VALUES ($1, $2, $3, $4, $5::text::jsonb)
"""


@dataclass(frozen=True)
class StoredResponse:
    """What the first request with this key answered."""

    status_code: int
    body: Any


@dataclass(frozen=True)
class Answer:
    """A command's answer to keep under its Idempotency-Key, written with the command."""

    scope: str
    key: str
    fingerprint: str
    status_code: int
    body: Any

    def row(self) -> tuple[str, str, str, int, str]:
        """The ``idempotency_keys`` row, the body as JSON text."""
        return (self.scope, self.key, self.fingerprint, self.status_code, json.dumps(self.body))


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
    conn: Conn, *, scope: str, key: str, body_fingerprint: str, lock: bool = True
) -> StoredResponse | None:
    """The stored response of an earlier request with this key, in the caller's transaction.

    With ``lock`` (the default) it first takes a transaction-scoped lock on the key, so two
    concurrent requests with one key run one after the other and the second gets the first's
    answer. Without it, the key's primary key decides: the loser's transaction fails when it
    writes its answer, and the caller asks :func:`answer_after_failure` for the winner's.
    """
    if lock:
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"idem:{scope}:{key}")
    return _stored(await conn.fetchrow(_SELECT, scope, check_key(key)), body_fingerprint)


async def answer_after_failure(
    pool: asyncpg.Pool, *, scope: str, key: str, body_fingerprint: str
) -> StoredResponse | None:
    """After a command with this key failed: the answer a concurrent request stored, if any.

    A request that lost the race for its key fails (on the key, or earlier on the aggregate the
    winner created); once its transaction has rolled back, the winner's answer is the one to
    give. None when there is none (the failure was the command's own) or the database cannot
    say; the caller then reports its own failure. 422 when the key was used for another body.
    """
    row = None
    with contextlib.suppress(Exception):
        async with pool.acquire() as conn:
            row = await conn.fetchrow(_SELECT, scope, key)
    return _stored(row, body_fingerprint)


def _stored(row: Any, body_fingerprint: str) -> StoredResponse | None:
    """The stored answer of ``row`` (None without one); 422 when it was for another body."""
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
    await store(conn, Answer(scope, key, body_fingerprint, status_code, body))


async def store(conn: Conn, answer: Answer) -> None:
    """Store a command's answer in its own transaction."""
    await conn.execute(_INSERT, *answer.row())

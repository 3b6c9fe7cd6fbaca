"""Committing a consumer's processed offsets in the background, not one Kafka request per record.

A record's effect and its inbox row commit together in PostgreSQL first; the offset only says
where a restarted consumer resumes. Committing it per record cost a request to the group
coordinator for every event (about half of a consumer's CPU and the broker's, measured). The
offsets of processed records are committed instead once the stream pauses (``quiet_s``) or at
least every ``every_s`` under a steady stream. A crash or a rebalance before that redelivers
at most those records, and the inbox turns them into duplicates: nothing is lost, no effect is
doubled. Only offsets of processed records are ever committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any, Protocol

from aiokafka import TopicPartition
from aiokafka.errors import (
    CommitFailedError,
    IllegalGenerationError,
    IllegalStateError,
    RebalanceInProgressError,
    UnknownMemberIdError,
)

log = logging.getLogger(__name__)

# What a commit raises when the group rebalanced since the records were read.
REBALANCED = (
    CommitFailedError,
    IllegalGenerationError,
    IllegalStateError,
    RebalanceInProgressError,
    UnknownMemberIdError,
)

QUIET_S = 0.05
EVERY_S = 0.5
RETRY_S = 1.0


class Committing(Protocol):
    """The part of an aiokafka consumer the committer uses."""

    def assignment(self) -> set[TopicPartition]: ...

    async def commit(self, offsets: dict[TopicPartition, int]) -> None: ...


class OffsetCommitter:
    """Collects the next offset to read per partition and commits them in the background."""

    def __init__(self, *, quiet_s: float = QUIET_S, every_s: float = EVERY_S) -> None:
        self.quiet_s = quiet_s
        self.every_s = every_s
        self._next: dict[TopicPartition, int] = {}
        self._consumer: Committing | None = None
        self._first_at: float | None = None
        self._last_at = 0.0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.commits = 0
        self.dropped = 0

    def processed(self, consumer: Any, topic: str, partition: int, offset: int) -> None:
        """Note a record as done: the partition resumes after it."""
        self._consumer = consumer
        self._next[TopicPartition(topic, partition)] = offset + 1
        self._last_at = time.monotonic()
        if self._first_at is None:
            self._first_at = self._last_at
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="offset-committer")
        self._wake.set()

    @property
    def pending(self) -> dict[TopicPartition, int]:
        """Offsets noted and not yet committed."""
        return dict(self._next)

    async def close(self) -> None:
        """Commit what is pending (best effort) and stop."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
            self._task = None
        with contextlib.suppress(Exception):
            await self.flush()

    async def flush(self) -> None:
        """Commit every pending offset of a partition still assigned to this consumer.

        When the group has rebalanced since, the offsets are dropped (their records come again
        and the inbox skips them). Raises any other failure; the offsets then stay pending (a
        newer one noted meanwhile wins), so the next flush retries them.
        """
        consumer = self._consumer
        if consumer is None or not self._next:
            return
        taken, self._next, self._first_at = self._next, {}, None
        # A partition revoked meanwhile belongs to another member now: its records will be
        # redelivered there and found in the inbox.
        assigned = consumer.assignment()
        mine = {tp: offset for tp, offset in taken.items() if tp in assigned}
        if not mine:
            return
        try:
            await consumer.commit(mine)
            self.commits += 1
        except REBALANCED as exc:
            # The group moved on: these partitions may be another member's now. Retrying would
            # only restart the rebalance (every failed commit makes this member rejoin); the
            # records come again to whoever owns them, and the inbox skips them.
            self.dropped += 1
            log.info("offsets not committed: the group rebalanced", extra={"error": repr(exc)})
        except BaseException:
            for tp, offset in mine.items():
                self._next[tp] = max(offset, self._next.get(tp, offset))
            if self._first_at is None:
                self._first_at = time.monotonic()
            raise

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._next:
                now = time.monotonic()
                first = self._first_at if self._first_at is not None else now
                wait = min(self._last_at + self.quiet_s, first + self.every_s) - now
                if wait > 0:
                    await asyncio.sleep(wait)
                    continue
                try:
                    await self.flush()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    # The broker may be restarting: keep the offsets and try again shortly.
                    log.warning("offset commit failed; will retry", extra={"error": repr(exc)})
                    await asyncio.sleep(RETRY_S)

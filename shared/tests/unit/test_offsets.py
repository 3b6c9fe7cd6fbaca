"""The background offset committer: few commits, only processed offsets, retried on failure."""

import asyncio

import pytest
from aiokafka import TopicPartition
from aiokafka.errors import CommitFailedError

from shared.offsets import OffsetCommitter

A0 = TopicPartition("t", 0)
A1 = TopicPartition("t", 1)


class FakeConsumer:
    """Records commits; can be told to fail or to have lost partitions."""

    def __init__(self) -> None:
        self.assigned = {A0, A1}
        self.commits: list[dict[TopicPartition, int]] = []
        self.attempts = 0
        self.failures = 0
        self.failure: Exception = ConnectionError("coordinator not available")

    def assignment(self) -> set[TopicPartition]:
        return set(self.assigned)

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        self.attempts += 1
        if self.failures:
            self.failures -= 1
            raise self.failure
        self.commits.append(dict(offsets))


async def until(condition, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


async def test_a_burst_is_one_commit_of_the_next_offsets_once_the_stream_pauses():
    consumer = FakeConsumer()
    committer = OffsetCommitter(quiet_s=0.05, every_s=10)
    for offset in range(100):
        committer.processed(consumer, "t", offset % 2, offset)
    await until(lambda: consumer.commits)
    await asyncio.sleep(0.1)
    assert consumer.commits == [{A0: 99, A1: 100}]
    assert committer.pending == {}
    await committer.close()


async def test_a_steady_stream_is_committed_at_least_every_interval():
    consumer = FakeConsumer()
    committer = OffsetCommitter(quiet_s=0.2, every_s=0.1)
    for offset in range(30):  # a record every 20 ms: never quiet for 200 ms
        committer.processed(consumer, "t", 0, offset)
        await asyncio.sleep(0.02)
    assert len(consumer.commits) >= 3
    offsets = [c[A0] for c in consumer.commits]
    assert offsets == sorted(offsets)
    await committer.close()
    assert consumer.commits[-1] == {A0: 30}


async def test_a_partition_no_longer_assigned_is_not_committed():
    consumer = FakeConsumer()
    committer = OffsetCommitter(quiet_s=0.02, every_s=10)
    committer.processed(consumer, "t", 0, 7)
    committer.processed(consumer, "t", 1, 8)
    consumer.assigned = {A1}  # a rebalance took partition 0 away
    await until(lambda: consumer.commits)
    assert consumer.commits == [{A1: 9}]
    await committer.close()


async def test_a_failed_commit_keeps_the_offsets_and_a_newer_one_wins(monkeypatch):
    monkeypatch.setattr("shared.offsets.RETRY_S", 0.05)
    consumer = FakeConsumer()
    consumer.failures = 1
    committer = OffsetCommitter(quiet_s=0.02, every_s=10)
    committer.processed(consumer, "t", 0, 3)
    await asyncio.sleep(0.04)  # the first attempt fails
    committer.processed(consumer, "t", 0, 4)
    await until(lambda: consumer.commits)
    assert consumer.commits == [{A0: 5}]
    await committer.close()


async def test_close_commits_what_is_pending():
    consumer = FakeConsumer()
    committer = OffsetCommitter(quiet_s=60, every_s=60)
    committer.processed(consumer, "t", 1, 41)
    await committer.close()
    assert consumer.commits == [{A1: 42}]


async def test_flush_raises_and_keeps_offsets_when_the_commit_fails():
    consumer = FakeConsumer()
    consumer.failures = 1
    committer = OffsetCommitter(quiet_s=60, every_s=60)
    committer.processed(consumer, "t", 0, 1)
    with pytest.raises(ConnectionError):
        await committer.flush()
    assert committer.pending == {A0: 2}
    await committer.close()
    assert consumer.commits == [{A0: 2}]


async def test_offsets_of_a_group_that_rebalanced_are_dropped_not_retried(monkeypatch):
    # Each failed commit makes the member rejoin: retrying would keep the group rebalancing.
    monkeypatch.setattr("shared.offsets.RETRY_S", 0.02)
    consumer = FakeConsumer()
    consumer.failures = 1
    consumer.failure = CommitFailedError("the group has already rebalanced")
    committer = OffsetCommitter(quiet_s=0.02, every_s=10)
    committer.processed(consumer, "t", 0, 9)
    await until(lambda: consumer.attempts == 1)
    await asyncio.sleep(0.1)
    assert consumer.attempts == 1
    assert committer.pending == {}
    assert committer.dropped == 1
    committer.processed(consumer, "t", 0, 10)  # records read in the new generation commit
    await until(lambda: consumer.commits)
    assert consumer.commits == [{A0: 11}]
    await committer.close()

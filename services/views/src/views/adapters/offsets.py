"""Kafka positions for the status page and rebuilds: partitions, end offsets, committed offsets.

A shared cluster holds thousands of topics (one set per deployment or test-run prefix), so
metadata is asked for the named topics only, never for the whole cluster; and the live consumer
group's committed offsets are read for this deployment's partitions only (the same group name
may have committed offsets under other prefixes).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared.kafka_security import KafkaSecurity

# Offsets per (unprefixed) topic, then partition.
Offsets = dict[str, dict[int, int]]


def kafka_reader(bootstrap: str, client_id: str, security: KafkaSecurity | None = None) -> Any:
    """A consumer outside any group (manual assignment, no committed offsets), not started."""
    return AIOKafkaConsumer(  # type: ignore[no-untyped-call]
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        client_id=client_id,
        **(security or KafkaSecurity()).client_options(),
    )


def kafka_admin(bootstrap: str, client_id: str, security: KafkaSecurity | None = None) -> Any:
    """An admin client (metadata and group offsets), not started."""
    return AIOKafkaAdminClient(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        **(security or KafkaSecurity()).client_options(),
    )


async def partitions(admin: Any, topics: Iterable[str]) -> list[TopicPartition]:
    """Every partition of the named (prefixed) topics; a topic not created yet has none."""
    names = sorted(set(topics))
    if not names:
        return []
    described = await admin.describe_topics(names)
    return sorted(
        TopicPartition(t["topic"], p["partition"])
        for t in described
        if not t["error_code"]
        for p in t["partitions"]
    )


async def committed(admin: Any, group: str, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
    """The group's committed offset (the next record it reads) of each partition that has one."""
    if not tps:
        return {}
    offsets = await admin.list_consumer_group_offsets(group, partitions=tps)
    wanted = set(tps)
    return {tp: meta.offset for tp, meta in offsets.items() if tp in wanted and meta.offset >= 0}


def unprefixed(prefix: str, topic: str) -> str | None:
    """The topic's name without the deployment prefix; None if it carries another prefix."""
    if not topic.startswith(prefix):
        return None
    return topic[len(prefix) :]


def by_topic(prefix: str, offsets: dict[TopicPartition, int]) -> Offsets:
    """Offsets keyed by unprefixed topic, then partition; other prefixes' topics are left out."""
    out: Offsets = {}
    for tp, offset in offsets.items():
        topic = unprefixed(prefix, tp.topic)
        if topic is not None:
            out.setdefault(topic, {})[tp.partition] = offset
    return out


def partition_lag(end: int, checkpoint: int | None, group_offset: int | None) -> int:
    """Records on a partition the projection has not dealt with yet.

    The checkpoint is the last offset *applied*; records the live consumer skipped (types views
    does not read) or found in its inbox (redeliveries) apply nothing and move only the group's
    committed offset, the next record it will read. Either shows how far the stream is done.
    """
    position = max(checkpoint + 1 if checkpoint is not None else 0, group_offset or 0)
    return max(0, end - position)

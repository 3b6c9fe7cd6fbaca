"""aiokafka objects behind ``Any``-typed factories.

aiokafka's methods carry no annotations, so mypy --strict rejects every call on a typed handle;
one boundary here keeps the rest of devstack strictly typed. aiokafka is imported on first use,
which keeps ``import devstack.<anything>`` cheap for the pytest plugin.
"""

from __future__ import annotations

from typing import Any


def admin(bootstrap: str, **options: Any) -> Any:
    """An (unstarted) ``AIOKafkaAdminClient``."""
    from aiokafka.admin import AIOKafkaAdminClient

    return AIOKafkaAdminClient(bootstrap_servers=bootstrap, **options)


def consumer(*topics: str, bootstrap: str, **options: Any) -> Any:
    """An (unstarted) ``AIOKafkaConsumer``."""
    from aiokafka import AIOKafkaConsumer

    factory: Any = AIOKafkaConsumer
    return factory(*topics, bootstrap_servers=bootstrap, **options)


def producer(bootstrap: str, **options: Any) -> Any:
    """An (unstarted) ``AIOKafkaProducer``."""
    from aiokafka import AIOKafkaProducer

    factory: Any = AIOKafkaProducer
    return factory(bootstrap_servers=bootstrap, **options)


def new_topic(name: str, partitions: int, replication: int, configs: dict[str, str]) -> Any:
    """A ``NewTopic`` request item."""
    from aiokafka.admin import NewTopic

    factory: Any = NewTopic
    return factory(name, partitions, replication, topic_configs=configs)

import dataclasses
import uuid
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from devstack.topics import provision_topics
from shared.events.topics import DLQ_RETENTION_MS, all_topics


async def _topic_config(bootstrap: str, topic: str) -> dict[str, str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        responses: list[Any] = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, topic)]
        )
    finally:
        await admin.close()
    (resource,) = responses[0].resources
    return {entry[0]: entry[1] for entry in resource[4]}


async def _partitions(bootstrap: str, topic: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return len(described["partitions"])


async def test_provisioning_creates_every_registered_topic_once(kafka_bootstrap):
    # The real registry, under a unique prefix: the shared test broker outlives this test.
    prefix = f"p{uuid.uuid4().hex[:8]}"
    specs = [dataclasses.replace(spec, name=f"{prefix}.{spec.name}") for spec in all_topics()]
    names = {spec.name for spec in specs}

    created = await provision_topics(kafka_bootstrap, specs, partitions=2, replication=1)
    assert set(created) == names

    again = await provision_topics(kafka_bootstrap, specs, partitions=2, replication=1)
    assert again == []

    domain = next(s for s in specs if s.retention_ms == -1)
    dlq = next(s for s in specs if s.is_dlq)
    assert (await _topic_config(kafka_bootstrap, domain.name))["retention.ms"] == "-1"
    assert (await _topic_config(kafka_bootstrap, dlq.name))["retention.ms"] == str(DLQ_RETENTION_MS)
    assert await _partitions(kafka_bootstrap, domain.name) == 2


async def test_provisioning_leaves_existing_topics_alone(kafka_bootstrap, new_topic):
    existing = await new_topic(partitions=1)
    spec = dataclasses.replace(all_topics()[0], name=existing)
    fresh = dataclasses.replace(all_topics()[0], name=f"{existing}.fresh")

    created = await provision_topics(
        kafka_bootstrap, [spec, fresh], partitions=3, replication=1, min_insync=1
    )

    assert created == [fresh.name]
    assert await _partitions(kafka_bootstrap, existing) == 1
    assert (await _topic_config(kafka_bootstrap, fresh.name))["min.insync.replicas"] == "1"

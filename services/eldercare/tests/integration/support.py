"""Builders and assertions shared by the integration tests."""

import asyncio
import hashlib
import json
import random
import uuid
from datetime import date, timedelta
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from eldercare.domain.identity import check_character
from shared.events.topics import all_topics

ELDERCARE_TOPICS = [
    t.name for t in all_topics() if t.name.startswith("eldercare.") and ".dlq" not in t.name
]
SURNAMES = "欧阳司马诸葛上官皇甫"
GIVEN = "鹤龄寿康福安宁静松柏兰桂芝梅"
REGIONS = ["430902", "430903", "430921", "430922", "430923", "430981"]
STREETS = ["桃花仑路", "康富路", "龙洲路", "金山路", "会龙路"]


def id_card(born: date, *, region: str = "430902", male: bool | None = None) -> str:
    """A synthetic ID number with a valid check character (never a real person's)."""
    seq = random.randint(0, 999)
    if male is not None and (seq % 2 == 1) != male:
        seq = (seq + 1) % 1000
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + check_character(first17)


def random_birth_date() -> date:
    """A birth date between 1925 and 1955: 60 or older on every date the tests use (2018-)."""
    return date(1925, 1, 1) + timedelta(days=random.randint(0, 11_000))


def person(born: date | None = None) -> dict[str, str]:
    """Distinct personal data: name, ID number, phone, address."""
    born = born or random_birth_date()
    name = random.choice(["欧阳", "司马", "诸葛", "上官", "皇甫"]) + "".join(
        random.sample(GIVEN, 2)
    )
    return {
        "name": name,
        "id_card_no": id_card(born, region=random.choice(REGIONS)),
        "phone": "139" + f"{random.randint(0, 99_999_999):08d}",
        "address": f"湖南省益阳市赫山区{random.choice(STREETS)}{random.randint(1, 999)}号"
        f"{random.randint(1, 30)}栋",
    }


def elder_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        **person(),
        "county_code": "430903",
        "township_code": "430903001",
        "care_pillars": ["HOME"],
        "special_basis": ["DIBAO"],
    }
    body.update(overrides)
    return body


def institution_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "filing_no": f"BA-{uuid.uuid4().hex[:10]}",
        "name": "资阳区中心敬老院",
        "kind": "ELDERCARE_SAFETY_NET",
        "county_code": "430902",
        "township_code": "430902001",
        "beds": 20,
        "head_person_id": str(uuid.uuid4()),
    }
    body.update(overrides)
    return body


def assert_problem(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["code"] == code, problem
    return problem


async def state_digest(svc) -> dict[str, str]:
    """A digest of every table of the schema except migration bookkeeping."""
    tables = await svc.pool.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 "
        "AND table_type = 'BASE TABLE' AND table_name NOT IN ('schema_migrations')",
        svc.schema,
    )
    digest = {}
    for row in tables:
        name = row["table_name"]
        text = await svc.pool.fetchval(
            f"SELECT coalesce(string_agg(t::text, '|' ORDER BY t::text), '') FROM \"{name}\" t"  # noqa: S608
        )
        digest[name] = hashlib.sha256(text.encode()).hexdigest()
    return digest


_OFFSET_READERS: dict[str, AIOKafkaConsumer] = {}


async def end_offsets(svc, topics: list[str]) -> dict[str, int]:
    """Sum of partition end offsets per topic, from one consumer kept for the session.

    ``Harness.end_offsets`` starts a consumer per call (seconds under load); this one is reused.
    """
    consumer = _OFFSET_READERS.get(svc.prefix)
    if consumer is None:
        consumer = AIOKafkaConsumer(bootstrap_servers=svc.bootstrap, enable_auto_commit=False)
        await consumer.start()
        await consumer._client.force_metadata_update()
        _OFFSET_READERS[svc.prefix] = consumer
    parts = {
        topic: [
            TopicPartition(svc.prefix + topic, p)
            for p in consumer.partitions_for_topic(svc.prefix + topic) or ()
        ]
        for topic in topics
    }
    ends = await consumer.end_offsets([tp for tps in parts.values() for tp in tps])
    return {topic: sum(ends[tp] for tp in tps) for topic, tps in parts.items()}


async def close_offset_readers() -> None:
    """Stop the consumers :func:`end_offsets` kept."""
    while _OFFSET_READERS:
        await _OFFSET_READERS.popitem()[1].stop()


class Unchanged:
    """``async with Unchanged(svc):`` asserts the block changed no table and emitted no event."""

    def __init__(self, svc, *, topics: list[str] | None = None) -> None:
        self.svc = svc
        self.topics = topics

    async def __aenter__(self) -> "Unchanged":
        await self.svc.drained()
        self.before = await state_digest(self.svc)
        if self.topics is not None:
            self.offsets = await end_offsets(self.svc, self.topics)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if exc[0] is not None:
            return
        assert await state_digest(self.svc) == self.before
        if self.topics is not None:
            assert await end_offsets(self.svc, self.topics) == self.offsets


async def all_events(svc, topics: list[str]) -> list[dict[str, Any]]:
    """Every CloudEvent on the given (unprefixed) topics, read with one consumer."""
    await svc.drained()
    consumer = AIOKafkaConsumer(bootstrap_servers=svc.bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        parts = [
            TopicPartition(svc.prefix + topic, p)
            for topic in topics
            for p in consumer.partitions_for_topic(svc.prefix + topic) or ()
        ]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        found: list[dict[str, Any]] = []
        async with asyncio.timeout(30):
            while any([await consumer.position(tp) < end for tp, end in ends.items()]):
                for records in (await consumer.getmany(timeout_ms=200)).values():
                    found.extend(json.loads(r.value or b"null") for r in records)
        return found
    finally:
        await consumer.stop()

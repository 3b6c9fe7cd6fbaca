"""Helpers of the integration tests: sites through the replica, rejection checks, clock."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.clock import LOCAL_TZ, SimulatedClock
from shared.events import envelope_for
from shared.events.eldercare import InstitutionRegistered, InstitutionStatusChanged
from shared.events.inspection import EVENTS
from shared.http.auth import principal_for
from shared.testing import Harness
from shared.testing.harness import wait_until

TOPICS = sorted({event.TOPIC for event in EVENTS})
INSTITUTIONS = "eldercare.institutions"


def person(key: str) -> str:
    """The person id behind a token key (``safety_lead`` → S1 in these tests)."""
    return str(principal_for(key).person_id)


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """An Asia/Shanghai wall-clock instant."""
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def at(clock: SimulatedClock, day: date, hour: int = 10) -> None:
    """Move the service clock to a local day and hour."""
    clock.set(local(day.year, day.month, day.day, hour))


async def site(
    svc: Harness, *, status: str = "ACTIVE", kind: str = "ELDERCARE_PRIVATE", version: int = 1
) -> str:
    """A site registered in eldercare, once the replica has it."""
    site_id = uuid.uuid4()
    event = InstitutionRegistered(
        institution_id=site_id,
        filing_no=f"F-{site_id.hex[:8]}",
        name="测试养老院",
        kind=kind,  # type: ignore[arg-type]
        county_code="430902",
        township_code="430902001",
        beds=40,
        head_person_id=uuid.uuid4(),
        status=status,  # type: ignore[arg-type]
        registered_at=datetime(2020, 1, 1, tzinfo=UTC),
    )
    envelope = envelope_for(
        event, source="eldercare", version=version, time=datetime(2020, 1, 1, tzinfo=UTC)
    )
    await svc.publish(envelope, topic=INSTITUTIONS)
    await replica_has(svc, site_id, status)
    return str(site_id)


async def change_status(svc: Harness, site_id: str, status: str, *, version: int) -> None:
    """An institution's status changes in eldercare, and the replica follows."""
    event = InstitutionStatusChanged(
        institution_id=uuid.UUID(site_id),
        status=status,  # type: ignore[arg-type]
        changed_at=datetime(2023, 6, 30, tzinfo=UTC),
        reason_code="TEST",
    )
    envelope = envelope_for(
        event, source="eldercare", version=version, time=datetime(2023, 6, 30, tzinfo=UTC)
    )
    await svc.publish(envelope, topic=INSTITUTIONS)
    await replica_has(svc, uuid.UUID(site_id), status)


async def replica_has(svc: Harness, site_id: uuid.UUID, status: str) -> None:
    """Wait until the replica shows a site with a status."""

    async def arrived() -> bool:
        found = await svc.pool.fetchval("SELECT status FROM site_replica WHERE id = $1", site_id)
        return bool(found == status)

    await wait_until(arrived, timeout=30)


_READERS: dict[str, AIOKafkaConsumer] = {}


async def _reader(svc: Harness, purpose: str = "offsets") -> AIOKafkaConsumer:
    """Long-lived consumers per service run (starting one per look is slow).

    One only asks for end offsets and never has partitions assigned (an assigned consumer's
    fetcher makes those requests wait); the other reads events.
    """
    key = f"{svc.prefix}:{purpose}"
    reader = _READERS.get(key)
    if reader is None:
        reader = _READERS[key] = AIOKafkaConsumer(
            bootstrap_servers=svc.bootstrap, enable_auto_commit=False
        )
        await reader.start()
    return reader


async def _partitions(reader: AIOKafkaConsumer, name: str) -> list[TopicPartition]:
    known = reader.partitions_for_topic(name)
    if not known:
        await reader._client.force_metadata_update()
        known = reader.partitions_for_topic(name) or set()
    return [TopicPartition(name, p) for p in sorted(known)]


async def end_offsets(svc: Harness) -> dict[str, int]:
    """Summed end offsets of every inspection topic."""
    reader = await _reader(svc)
    partitions = [tp for topic in TOPICS for tp in await _partitions(reader, svc.prefix + topic)]
    ends = await reader.end_offsets(partitions)
    return {
        topic: sum(v for tp, v in ends.items() if tp.topic == svc.prefix + topic)
        for topic in TOPICS
    }


async def published(
    svc: Harness, topic: str, *, subject: str | None = None
) -> list[dict[str, Any]]:
    """Every event on a topic once the outbox is drained (optionally of one subject)."""
    await svc.drained()
    # Partitions and ends from the unassigned consumer: it knows every topic's metadata.
    partitions = await _partitions(await _reader(svc), svc.prefix + topic)
    ends = await (await _reader(svc)).end_offsets(partitions)
    reader = await _reader(svc, "events")
    reader.assign(partitions)
    await reader.seek_to_beginning(*partitions)
    found: list[dict[str, Any]] = []
    async with asyncio.timeout(10):
        while any([await reader.position(tp) < end for tp, end in ends.items()]):
            batch = await reader.getmany(*partitions, timeout_ms=200)
            for records in batch.values():
                found.extend(json.loads(r.value or b"null") for r in records)
    if subject is not None:
        found = [e for e in found if e.get("subject") == subject]
    return found


async def close_readers() -> None:
    """Stop the offset readers (end of the session)."""
    for reader in _READERS.values():
        await reader.stop()
    _READERS.clear()


async def outbox_size(svc: Harness) -> int:
    """Outbox rows ever written (its sequence: published rows are deleted once acknowledged)."""
    return int(
        await svc.pool.fetchval("SELECT coalesce(pg_sequence_last_value('outbox_seq_seq'), 0)")
    )


async def rejected(
    svc: Harness,
    call: Callable[[], Awaitable[httpx.Response]],
    status: int,
    code: str | None = None,
    *,
    tables: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Assert a command is refused with a problem, and changed nothing and emitted nothing."""
    snapshot = [await svc.pool.fetch(f"SELECT * FROM {t} ORDER BY 1") for t in tables]  # noqa: S608
    before_outbox = await outbox_size(svc)
    await svc.drained()
    before = await end_offsets(svc)
    response = await call()
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    if code is not None:
        assert problem["code"] == code, problem
    assert await outbox_size(svc) == before_outbox
    await svc.drained()
    assert await end_offsets(svc) == before
    after = [await svc.pool.fetch(f"SELECT * FROM {t} ORDER BY 1") for t in tables]  # noqa: S608
    assert after == snapshot
    return problem


def data(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """The data of the events of one type (by the type's verb, e.g. ``hazard.overdue``)."""
    return [e["data"] for e in events if e["type"] == f"inspection.{kind}.v1"]


async def campaign(svc: Harness, start_on: str = "2024-01-01", end_on: str | None = None) -> str:
    """A running campaign with a unique name."""
    body = {
        "code": "C3",
        "name": f"安全生产治本攻坚-{uuid.uuid4().hex[:8]}",
        "kind": "ROOT_CAUSE",
        "start_on": start_on,
        "end_on": end_on,
        "lead_unit": "市民政局",
    }
    response = await svc.client.post("/campaigns", json=body, headers=svc.auth("safety_lead"))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def inspection(
    svc: Harness,
    *,
    site_id: str,
    campaign_id: str,
    planned_on: str = "2024-03-06",
    type_: str = "SPECIAL",
    lead: str | None = None,
    participants: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A scheduled inspection."""
    body = {
        "site_id": site_id,
        "type": type_,
        "campaign_id": campaign_id,
        "lead_person_id": lead or person("inspector"),
        "participant_ids": list(participants),
        "planned_on": planned_on,
    }
    response = await svc.client.post("/inspections", json=body, headers=svc.auth("inspector"))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def post(svc: Harness, path: str, body: dict[str, Any], role: str = "inspector") -> Any:
    """POST a command that must succeed; its JSON answer."""
    response = await svc.client.post(path, json=body, headers=svc.auth(role))
    assert response.status_code in (200, 201), response.text
    return response.json()


RESPONSIBLE = "5a1e0000-0000-4000-8000-000000000001"  # a site's safety officer (no token)


async def hazard(
    svc: Harness, *, site_id: str | None = None, level: str = "GENERAL", found: str = "2024-11-06"
) -> dict[str, Any]:
    """A self-reported hazard found on a local date (the clock must be past it)."""
    body: dict[str, Any] = {
        "site_id": site_id or await site(svc),
        "category": "消防",
        "level": level,
        "description": "二楼疏散通道堆放杂物",
        "photo_ids": ["photo-1", "photo-2"],
        "found_at": f"{found}T10:00:00+08:00",
    }
    if level == "MAJOR":
        body["major_basis"] = "FACILITY_DEFECT"
    result: dict[str, Any] = await post(svc, "/hazards", body)
    return result


def plan(deadline_on: str, level: str = "GENERAL", **extra: Any) -> dict[str, Any]:
    """A complete 五定 plan for a hazard level."""
    body: dict[str, Any] = {
        "responsible_person_id": RESPONSIBLE,
        "measures": "清理杂物，设置警示标识",
        "deadline_on": deadline_on,
    }
    if level == "MAJOR":
        body |= {
            "standard": "疏散通道净宽不小于1.4米",
            "funds_minor": 1_200_000,
            "funds_source": "机构自筹",
            "contingency_plan": "专人值守，夜间巡查",
            "interim_measures": "停用二楼东侧房间",
        }
    return body | extra

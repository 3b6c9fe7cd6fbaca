"""Helpers of the integration tests: inject events, register contacts, read the sinks."""

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from shared.events import envelope_for
from shared.events.base import IntegrationEvent
from shared.testing.harness import wait_until

SOURCES = {"inspection": "inspection", "eldercare": "eldercare", "charity": "charity"}


def envelope(event: IntegrationEvent, version: int, at: datetime):
    return envelope_for(event, source=event.TYPE.split(".")[0], version=version, time=at)


async def inject(svc, event: IntegrationEvent, version: int, at: datetime):
    env = envelope(event, version, at)
    await svc.publish(env, topic=event.TOPIC)
    return env


def phone() -> str:
    return "139" + "".join(random.choice("0123456789") for _ in range(8))


async def contact(svc, person_id: uuid.UUID, *, email=True, sms=True, robot=True) -> dict[str, str]:
    body: dict[str, str] = {}
    if email:
        body["email"] = f"p{person_id.hex[:12]}@test.yiyang.example"
    if sms:
        body["phone"] = phone()
    if robot:
        body["chat_id"] = f"u{person_id.hex[:12]}"
    made = await svc.client.put(f"/contacts/{person_id}", json=body, headers=svc.auth("admin"))
    assert made.status_code == 200, made.text
    return body


async def messages(sink, kind: str, to: str) -> list[dict[str, Any]]:
    answer = await sink.get("/messages", params={"kind": kind, "to": to})
    return list(answer.json())


async def wait_messages(sink, kind: str, to: str, count: int = 1, timeout: float = 20.0):
    async def enough() -> bool:
        return len(await messages(sink, kind, to)) >= count

    await wait_until(enough, timeout=timeout)
    return await messages(sink, kind, to)


async def rows(svc, sql: str, *args):
    return await svc.pool.fetch(sql, *args)


async def wait_rows(svc, sql: str, *args, count: int = 1, timeout: float = 20.0):
    async def enough() -> bool:
        return len(await svc.pool.fetch(sql, *args)) >= count

    await wait_until(enough, timeout=timeout)
    return await svc.pool.fetch(sql, *args)


async def sweep(svc, name: str) -> dict[str, Any]:
    done = await svc.client.post(f"/_admin/sweeps/{name}", headers=svc.auth("admin"))
    assert done.status_code == 200, done.text
    return dict(done.json())


def later(at: datetime, **delta) -> datetime:
    return at + timedelta(**delta)

"""End-to-end latency: a hazard assignment over HTTP until its e-mail reaches the SMTP dev sink.

The path: ``POST /hazards/{id}/assign`` on inspection (transaction + outbox) → relay →
``inspection.hazards`` → notify's consumer (routing, one QUEUED notification per channel:
e-mail and robot; the commit rings the dispatcher's doorbell, a PostgreSQL NOTIFY) → notify's
dispatcher (woken by the ring; it also polls every ``DISPATCH_INTERVAL_S``) → SMTP to the dev
sink, which stamps each message on arrival. Latency = sink arrival − the moment the request was
sent (one machine, one wall clock). Commands go out open loop at a fixed rate, one every 1/RATE
s whatever the previous ones answered. Two intermediate stamps split it: the HTTP answer, and
the ``HazardRectificationAssigned`` event reaching a consumer of the bench on the topic.

The baseline is the raw Kafka round trip measured at the same time, at the same rate, on the
same broker: aiokafka producing with the services' producer settings
(``shared.kafka.make_producer``), an aiokafka consumer already at the end of the topic receiving.

notify runs first as the stack configures it (``DISPATCH_INTERVAL_S`` 0.5 s, the fallback poll),
then restarted with ``DISPATCH_INTERVAL_S`` 30: the doorbell alone sends the e-mails, so the
latency should not move (before the doorbell, a message waited for the next pass, and only a
0.05 s poll met the target).
"""

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import aiohttp
import httpx
from aiokafka import AIOKafkaConsumer

from bench import httpload
from bench.report import result
from bench.stack import Stack
from devstack.topics import create_topic
from shared.clock import local_date
from shared.events import topics
from shared.kafka import make_producer

RATE = 1.0  # commands (and raw records) per second
SECONDS = 100.0
TARGET = 20.0
CONFIGURED_INTERVAL_S = 0.5  # notify.config's dispatch_interval_s default (the stack keeps it)
SLOW_INTERVAL_S = 30.0  # a pass every 30 s: the round's e-mails go on the doorbell's wake-up
ASSIGNED = "inspection.hazard.rectification_assigned."


@dataclass
class Round:
    """Per hazard number: when the request went, was answered, its event seen, its e-mail in."""

    sent: dict[str, float] = field(default_factory=dict)
    answered: dict[str, float] = field(default_factory=dict)
    on_kafka: dict[str, float] = field(default_factory=dict)
    in_sink: dict[str, float] = field(default_factory=dict)
    failed: int = 0
    raw: list[float] = field(default_factory=list)

    def since_sent(self, stamps: dict[str, float]) -> list[float]:
        return [stamps[k] - self.sent[k] for k in self.sent if k in stamps]


def _offsets(n: int) -> list[float]:
    return [i / RATE for i in range(n)]


async def _at_end(bootstrap: str, topic: str) -> Any:
    """A consumer outside any group, assigned to every partition and positioned at the end."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    consumer.subscribe([topic])
    while not consumer.assignment():
        await consumer.getmany(timeout_ms=100)
    await consumer.seek_to_end()
    return consumer


async def raw_round_trip(bootstrap: str, n: int) -> list[float]:
    """Seconds from each record's send until a consumer at the end of the topic has it."""
    topic = await create_topic(bootstrap, f"bench.roundtrip.{uuid.uuid4().hex[:8]}")
    sent: dict[int, float] = {}
    latencies: list[float] = []
    consumer = await _at_end(bootstrap, topic)
    producer = make_producer(bootstrap, client_id="bench-roundtrip")
    await producer.start()
    try:

        async def receive() -> None:
            while len(latencies) < n:
                batch = await consumer.getmany(timeout_ms=1000)
                now = time.perf_counter()
                for records in batch.values():
                    latencies.extend(now - sent[int(r.value or b"-1")] for r in records)

        receiver = asyncio.create_task(receive())
        began = time.perf_counter()
        for i, offset in enumerate(_offsets(n)):
            await asyncio.sleep(max(0.0, began + offset - time.perf_counter()))
            sent[i] = time.perf_counter()
            await producer.send(topic, value=str(i).encode(), key=uuid.uuid4().bytes)
        await asyncio.wait_for(receiver, 60)
        return latencies
    finally:
        await producer.stop()
        await consumer.stop()


async def _post(client: httpx.AsyncClient, url: str, token: str, body: dict[str, Any]) -> Any:
    answer = await client.post(url, json=body, headers=httpload.command_headers(token))
    if answer.status_code >= 300:
        raise RuntimeError(f"{url} → {answer.status_code}: {answer.text[:300]}")
    return answer.json()


async def _setup(stack: Stack, n: int) -> tuple[str, str, list[tuple[str, str]]]:
    """A site, a responsible person with an e-mail and a robot chat, ``n`` reported hazards."""
    tokens = stack.tokens()
    person, site = str(uuid.uuid4()), str(uuid.uuid4())
    address = f"bench-{person[:8]}@example.org"
    async with httpx.AsyncClient(timeout=60) as client:
        answer = await client.put(
            f"{stack.url('notify')}/contacts/{person}",
            json={"email": address, "chat_id": f"bench-{person[:8]}"},
            headers={"Authorization": f"Bearer {tokens['notify_operator']}"},
        )
        answer.raise_for_status()
        site_body = {
            "id": site,
            "filing_no": f"YY-MZ-E{site[:8]}",
            "name": "益阳市基准测试养老服务机构",
            "kind": "ELDERCARE_PUBLIC",
            "county_code": "430902",
            "township_code": "430902001",
            "beds": 30,
            "head_person_id": str(uuid.uuid4()),
        }
        await _post(client, f"{stack.url('eldercare')}/institutions", tokens["admin"], site_body)
        # inspection and notify must know the site before a hazard there can be reported.
        await asyncio.to_thread(stack.pipeline_idle, 300)
        hazard = {
            "site_id": site,
            "category": "FIRE",
            "level": "GENERAL",
            "description": "消防通道堆放杂物，需立即清理",
        }
        hazards = []
        for start in range(0, n, 8):
            made = await asyncio.gather(
                *(
                    _post(
                        client,
                        f"{stack.url('inspection')}/hazards",
                        tokens["institution_staff"],
                        hazard,
                    )
                    for _ in range(min(8, n - start))
                )
            )
            hazards += [(h["id"], h["hazard_no"]) for h in made]
    # Every HazardReported consumed: the round starts from a quiet stack.
    await asyncio.to_thread(stack.pipeline_idle, 300)
    return person, address, hazards


async def _inspection_today(stack: Stack) -> date:
    async with httpx.AsyncClient(headers=stack.headers("admin"), timeout=10) as client:
        answer = await client.get(f"{stack.url('inspection')}/_admin/clock")
        answer.raise_for_status()
    return local_date(datetime.fromisoformat(answer.json()["now"]))


async def _watch_events(consumer: Any, numbers: dict[str, str], seen: dict[str, float]) -> None:
    """Stamp each hazard's HazardRectificationAssigned as it arrives on the topic."""
    while len(seen) < len(numbers):
        batch = await consumer.getmany(timeout_ms=500)
        now = time.time()
        for records in batch.values():
            for record in records:
                event = json.loads(record.value)
                number = numbers.get(event.get("subject", ""))
                if event.get("type", "").startswith(ASSIGNED) and number:
                    seen.setdefault(number, now)


async def e2e_round(stack: Stack) -> Round:
    """One round: the assignments at RATE per second, the raw round trip alongside."""
    n = int(RATE * SECONDS)
    person, address, hazards = await _setup(stack, n)
    today = await _inspection_today(stack)
    plan = {
        "responsible_person_id": person,
        "measures": "清理消防通道杂物，设置禁止堆放标识",
        "deadline_on": (today + timedelta(days=30)).isoformat(),
    }
    token = stack.tokens()["safety_lead"]
    numbers = dict(hazards)
    measured = Round()
    watcher = await _at_end(stack.bootstrap, topics.INSPECTION_HAZARDS)
    async with httpload.session(64) as client:

        async def assign(hazard_id: str, hazard_no: str) -> None:
            measured.sent[hazard_no] = time.time()
            async with client.post(
                f"{stack.url('inspection')}/hazards/{hazard_id}/assign",
                json=plan,
                headers=httpload.command_headers(token),
            ) as answer:
                await answer.read()
                measured.answered[hazard_no] = time.time()
                if answer.status != 200:
                    measured.failed += 1

        async def send_all() -> None:
            tasks = []
            began = time.perf_counter()
            for (hazard_id, hazard_no), offset in zip(hazards, _offsets(n), strict=True):
                await asyncio.sleep(max(0.0, began + offset - time.perf_counter()))
                tasks.append(asyncio.create_task(assign(hazard_id, hazard_no)))
            await asyncio.gather(*tasks)

        events = asyncio.create_task(_watch_events(watcher, numbers, measured.on_kafka))
        _, measured.raw = await asyncio.gather(send_all(), raw_round_trip(stack.bootstrap, n))
        measured.in_sink = await _arrivals(client, stack, address, set(numbers.values()), 180)
        try:
            await asyncio.wait_for(events, 30)
        finally:
            await watcher.stop()
    measured.failed += n - len(measured.in_sink)
    return measured


async def _arrivals(
    client: aiohttp.ClientSession, stack: Stack, address: str, wanted: set[str], timeout: float
) -> dict[str, float]:
    """When the sink received the e-mail of each wanted hazard number (epoch seconds)."""
    deadline = time.monotonic() + timeout
    found: dict[str, float] = {}
    while time.monotonic() < deadline:
        async with client.get(
            f"{stack.url('sinks')}/messages", params={"kind": "email", "to": address}
        ) as answer:
            messages = await answer.json()
        for message in messages:
            for no in wanted - found.keys():
                if no in message["subject"]:
                    found[no] = datetime.fromisoformat(message["received_at"]).timestamp()
        if found.keys() >= wanted:
            break
        await asyncio.sleep(0.5)
    return found


def _ms(values: list[float], q: float) -> float:
    return round(httpload.percentile(values, q) * 1000, 1)


def _max(values: list[float]) -> float:
    return round(max(values, default=float("nan")) * 1000, 1)


def _summary(measured: Round, interval: float) -> dict[str, Any]:
    e2e = measured.since_sent(measured.in_sink)
    return {
        "dispatch_interval_s": interval,
        "samples": len(e2e),
        "lost_or_failed": measured.failed,
        "e2e_ms": {"p50": _ms(e2e, 50), "p99": _ms(e2e, 99), "max": _max(e2e)},
        "raw_round_trip_ms": {
            "p50": _ms(measured.raw, 50),
            "p99": _ms(measured.raw, 99),
            "max": _max(measured.raw),
        },
        "ratios": {
            "p50": round(_ms(e2e, 50) / _ms(measured.raw, 50), 1),
            "p99": round(_ms(e2e, 99) / _ms(measured.raw, 99), 1),
        },
        "stages_ms_since_sent": {
            stage: {"p50": _ms(values, 50), "p99": _ms(values, 99)}
            for stage, values in (
                ("http_answered", measured.since_sent(measured.answered)),
                ("event_on_kafka", measured.since_sent(measured.on_kafka)),
                ("email_in_sink", e2e),
            )
        },
    }


async def run(stack: Stack) -> list[dict[str, Any]]:
    """A round with notify as configured, then one where only the doorbell can wake it."""
    configured = _summary(await e2e_round(stack), CONFIGURED_INTERVAL_S)
    print(f"  as configured: {json.dumps(configured, ensure_ascii=False)}", flush=True)
    await asyncio.to_thread(
        stack.restart_service, "notify", DISPATCH_INTERVAL_S=str(SLOW_INTERVAL_S)
    )
    slow = _summary(await e2e_round(stack), SLOW_INTERVAL_S)
    print(f"  slow poll: {json.dumps(slow, ensure_ascii=False)}", flush=True)
    value, base = configured["e2e_ms"]["p99"], configured["raw_round_trip_ms"]["p99"]
    return [
        result(
            "e2e_latency",
            "p99 ms from POST /hazards/{id}/assign on inspection until notify's e-mail is in the "
            f"SMTP dev sink, {RATE:g} command/s open loop for {SECONDS:.0f} s, notify as "
            f"configured (dispatcher woken on commit; DISPATCH_INTERVAL_S {CONFIGURED_INTERVAL_S}"
            " s fallback poll), vs the raw Kafka produce → consume round trip measured alongside "
            "at the same rate on the same broker",
            value=value,
            baseline=base,
            unit="ms (p99)",
            target=f"ratio <= {TARGET:.0f}",
            met=value <= TARGET * base,
            offered_load_per_s=RATE,
            **configured,
            with_slow_poll={**slow, "met": slow["ratios"]["p99"] <= TARGET},
        )
    ]

"""End-to-end latency: a hazard assignment over HTTP until its e-mail reaches the SMTP dev sink.

The path: ``POST /hazards/{id}/assign`` on inspection (transaction + outbox) → relay →
``inspection.hazards`` → notify's consumer (routing, a QUEUED notification per channel) → notify's
dispatcher (polls every ``DISPATCH_INTERVAL_S``) → SMTP to the dev sink, which stamps each
message on arrival. Latency = sink arrival − the moment the request was sent (one machine, one
wall clock). Commands are sent open loop at a fixed rate (a new one every 1/RATE s whatever the
previous answered). The baseline is the raw Kafka round trip at the same rate on the same
broker: aiokafka producing with the services' producer settings, an aiokafka consumer already
positioned at the end receiving.

notify runs first as the stack configures it (``DISPATCH_INTERVAL_S`` 0.5 s: on average a
message waits a quarter of a second for the next pass, at worst half a second), then restarted
with ``DISPATCH_INTERVAL_S=0.05`` to show the pipeline without the poll: the price is twenty
dispatcher queries a second on an idle stack instead of two.
"""

import asyncio
import time
import uuid
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
from shared.kafka import make_producer

RATE = 5.0  # commands (and raw records) per second
SECONDS = 40.0
TARGET = 20.0
CONFIGURED_INTERVAL_S = 0.5  # notify.config's dispatch_interval_s default (the stack keeps it)
FAST_INTERVAL_S = 0.05


def _offsets(n: int) -> list[float]:
    return [i / RATE for i in range(n)]


async def raw_round_trip(bootstrap: str) -> list[float]:
    """Seconds from each record's send until a consumer at the end of the topic has it."""
    topic = await create_topic(bootstrap, f"bench.roundtrip.{uuid.uuid4().hex[:8]}")
    n = int(RATE * SECONDS)
    sent: dict[int, float] = {}
    latencies: list[float] = []
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    producer = make_producer(bootstrap, client_id="bench-roundtrip")
    await consumer.start()
    await producer.start()
    try:
        consumer.subscribe([topic])
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=100)
        await consumer.seek_to_end()

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


async def _post(client: httpx.AsyncClient, url: str, role_token: str, body: dict[str, Any]) -> Any:
    answer = await client.post(
        url,
        json=body,
        headers={
            "Authorization": f"Bearer {role_token}",
            "Idempotency-Key": f"bench:{uuid.uuid4()}",
        },
    )
    if answer.status_code >= 300:
        raise RuntimeError(f"{url} → {answer.status_code}: {answer.text[:300]}")
    return answer.json()


async def _setup(stack: Stack, n: int) -> tuple[str, str, list[tuple[str, str]]]:
    """A site, a responsible person with an e-mail and a robot chat, ``n`` reported hazards."""
    tokens = stack.tokens()
    person = str(uuid.uuid4())
    address = f"bench-{person[:8]}@example.org"
    site = str(uuid.uuid4())
    async with httpx.AsyncClient(timeout=60) as client:
        answer = await client.put(
            f"{stack.url('notify')}/contacts/{person}",
            json={"email": address, "chat_id": f"bench-{person[:8]}"},
            headers={"Authorization": f"Bearer {tokens['notify_operator']}"},
        )
        answer.raise_for_status()
        await _post(
            client,
            f"{stack.url('eldercare')}/institutions",
            tokens["admin"],
            {
                "id": site,
                "filing_no": f"YY-MZ-E{site[:8]}",
                "name": "益阳市基准测试养老服务机构",
                "kind": "ELDERCARE_PUBLIC",
                "county_code": "430902",
                "township_code": "430902001",
                "beds": 30,
                "head_person_id": str(uuid.uuid4()),
            },
        )
        # inspection and notify must know the site before a hazard there can be reported.
        await asyncio.to_thread(stack.pipeline_idle, 300)
        url = f"{stack.url('inspection')}/hazards"
        body = {
            "site_id": site,
            "category": "FIRE",
            "level": "GENERAL",
            "description": "消防通道堆放杂物，需立即清理",
        }
        hazards = []
        for start in range(0, n, 8):
            made = await asyncio.gather(
                *(
                    _post(client, url, tokens["institution_staff"], body)
                    for _ in range(min(8, n - start))
                )
            )
            hazards += [(h["id"], h["hazard_no"]) for h in made]
    await asyncio.to_thread(stack.pipeline_idle, 300)
    return person, address, hazards


async def e2e_round(stack: Stack) -> tuple[list[float], int]:
    """Seconds from each assign request's sending until its e-mail reached the sink; errors."""
    n = int(RATE * SECONDS)
    person, address, hazards = await _setup(stack, n)
    today = await _inspection_today(stack)
    plan = {
        "responsible_person_id": person,
        "measures": "清理消防通道杂物，设置禁止堆放标识",
        "deadline_on": (today + timedelta(days=30)).isoformat(),
    }
    token = stack.tokens()["safety_lead"]
    sent: dict[str, float] = {}
    errors = 0
    async with httpload.session(64) as client:

        async def assign(hazard_id: str, hazard_no: str) -> None:
            nonlocal errors
            sent[hazard_no] = time.time()
            async with client.post(
                f"{stack.url('inspection')}/hazards/{hazard_id}/assign",
                json=plan,
                headers=httpload.command_headers(token),
            ) as answer:
                await answer.read()
                if answer.status != 200:
                    errors += 1

        tasks = []
        began = time.perf_counter()
        for (hazard_id, hazard_no), offset in zip(hazards, _offsets(n), strict=True):
            await asyncio.sleep(max(0.0, began + offset - time.perf_counter()))
            tasks.append(asyncio.create_task(assign(hazard_id, hazard_no)))
        await asyncio.gather(*tasks)
        arrived = await _arrivals(client, stack, address, set(sent), timeout=120)
    return [arrived[no] - sent[no] for no in sent if no in arrived], errors + n - len(arrived)


async def _inspection_today(stack: Stack) -> date:
    async with httpx.AsyncClient(headers=stack.headers("admin"), timeout=10) as client:
        answer = await client.get(f"{stack.url('inspection')}/_admin/clock")
        answer.raise_for_status()
    return local_date(datetime.fromisoformat(answer.json()["now"]))


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


async def run(stack: Stack) -> list[dict[str, Any]]:
    """Raw round trip, e2e as configured, raw again, e2e with the fast dispatcher."""
    raw = await raw_round_trip(stack.bootstrap)
    configured, errors_configured = await e2e_round(stack)
    print(f"  raw p99 {_ms(raw, 99)} ms; e2e p99 {_ms(configured, 99)} ms", flush=True)
    raw += await raw_round_trip(stack.bootstrap)
    await asyncio.to_thread(
        stack.restart_service, "notify", DISPATCH_INTERVAL_S=str(FAST_INTERVAL_S)
    )
    fast, errors_fast = await e2e_round(stack)
    print(f"  fast dispatch e2e p99 {_ms(fast, 99)} ms", flush=True)
    raw_p50, raw_p99 = _ms(raw, 50), _ms(raw, 99)
    value = _ms(configured, 99)
    return [
        result(
            "e2e_latency",
            "p99 ms from POST /hazards/{id}/assign on inspection until notify's e-mail is in the "
            "SMTP dev sink, at a fixed offered load, notify as configured (DISPATCH_INTERVAL_S "
            f"{CONFIGURED_INTERVAL_S} s), vs the raw Kafka produce → consume round trip at the "
            "same rate on the same broker",
            value=value,
            baseline=raw_p99,
            unit="ms (p99)",
            target=f"<= {TARGET:.0f}x",
            met=value <= TARGET * raw_p99,
            offered_load_per_s=RATE,
            samples={"e2e": len(configured), "raw": len(raw)},
            lost_or_failed=errors_configured,
            p50={"e2e": _ms(configured, 50), "raw": raw_p50, "ratio": _ratio(configured, raw, 50)},
            p99={"e2e": value, "raw": raw_p99, "ratio": _ratio(configured, raw, 99)},
            max_ms={"e2e": round(max(configured) * 1000, 1), "raw": round(max(raw) * 1000, 1)},
            dispatch_interval_s=CONFIGURED_INTERVAL_S,
            with_fast_dispatch={
                "dispatch_interval_s": FAST_INTERVAL_S,
                "samples": len(fast),
                "lost_or_failed": errors_fast,
                "p50_ms": _ms(fast, 50),
                "p99_ms": _ms(fast, 99),
                "p50_ratio": _ratio(fast, raw, 50),
                "p99_ratio": _ratio(fast, raw, 99),
                "met": _ms(fast, 99) <= TARGET * raw_p99,
            },
        )
    ]


def _ratio(values: list[float], baseline: list[float], q: float) -> float:
    return round(httpload.percentile(values, q) / httpload.percentile(baseline, q), 1)

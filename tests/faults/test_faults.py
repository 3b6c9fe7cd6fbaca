"""Faults under load on a 3-broker cluster (issue 10 "Faults"; DECISIONS §5, §9).

One private stack for the module: three Kafka brokers on loopback (every topic replication 3,
min.insync.replicas 2, two partitions), PostgreSQL, the notify sinks, and the five services as
processes. Each test streams real commands through the HTTP APIs while it injects one fault,
then checks that every command that got a 2xx has its event on the topic and its effects in
every consumer (replicas, notifications, projections, inboxes), and that nothing was applied
twice. See ``tests/faults/README.md``.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
import pytest_asyncio
from aiokafka.admin import AIOKafkaAdminClient

from shared.events import eldercare as ec
from shared.events.topics import CONSUMERS, ELDERCARE_INSTITUTIONS, dlq_topic
from tests.faults.load import PROBLEM_JSON, Commander, Ledger, World, prepare_world, stream
from tests.faults.stack import SERVICES, FaultStack, Instance, described
from tests.faults.verify import (
    Effects,
    TopicCheck,
    check_topics,
    read_topic,
    sent_events,
    wait_converged as converged,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

CONSUMING = ("inspection", "charity", "notify", "views")
# A service must answer within this while its database is down (503, not a hang).
OUTAGE_ANSWER_S = 10.0


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stack() -> AsyncIterator[FaultStack]:
    made = FaultStack.create()
    try:
        await made.start()
        yield made
    finally:
        made.close()
        # FAULTS_KEEP=1 keeps the logs and data of the run for a post-mortem.
        if os.environ.get("FAULTS_KEEP") != "1":
            made.remove()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def world(stack: FaultStack) -> World:
    async with httpx.AsyncClient(timeout=30) as http:
        return await prepare_world(Commander(stack, http, Ledger()))


def report(name: str, **facts: Any) -> None:
    """One line of figures per test, in the pytest output (``-s``) and the junit log."""
    sys.stdout.write(f"\n[faults] {name}: {facts}\n")


async def under_load(
    stack: FaultStack, world: World, fault: Callable[[], Awaitable[None]]
) -> tuple[Ledger, float]:
    """Stream commands while ``fault()`` runs; the ledger and how long the stream ran."""
    ledger = Ledger()
    began = time.monotonic()
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=20)) as http:
        stop = asyncio.Event()
        load = asyncio.create_task(stream(Commander(stack, http, ledger), world, stop))
        try:
            await fault()
        finally:
            stop.set()
            await load
    return ledger, time.monotonic() - began


async def leader_of(bootstrap: str, topic: str, partition: int = 0) -> tuple[int, list[int]]:
    """The leader and ISR of one partition."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    await admin.start()
    try:
        (described_topic,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    part = next(p for p in described_topic["partitions"] if p["partition"] == partition)
    return int(part["leader"]), sorted(part["isr"])


async def dead_letters(bootstrap: str) -> dict[str, int]:
    """How many records each consumer's DLQ holds (a fault must dead-letter nothing)."""
    return {c: len(await read_topic(bootstrap, dlq_topic(c))) for c in CONSUMERS}


def assert_delivered(
    stack: FaultStack, ledger: Ledger, topics: TopicCheck, *, exactly_once: bool
) -> None:
    """Every accepted event is on its topic; exactly once, or at least identical copies."""
    assert ledger.accepted, f"no command was accepted: {ledger.outcomes()}\n{stack.logs()}"
    assert not topics.missing, f"accepted but not on the topic: {topics.missing[:10]}"
    assert not topics.divergent, f"one event id, different payloads: {topics.divergent[:10]}"
    if exactly_once:
        assert not topics.duplicated, f"published more than once: {topics.duplicated}"


def assert_effects(found: Effects, *, sends_exactly_once: bool) -> None:
    """No effect lost, none doubled."""
    assert found.problems(sends_exactly_once=sends_exactly_once) == []


async def assert_sent_once(stack: FaultStack, found: Effects, *, exactly_once: bool) -> None:
    """Each notification has its NotificationSent event on the topic (once, when strict)."""
    counts = await sent_events(stack.bootstrap, found.notifications)
    missing = [n for n in found.notifications if counts[n] == 0]
    assert not missing, f"{len(missing)} notifications without NotificationSent"
    if exactly_once:
        assert {n: c for n, c in counts.items() if c != 1} == {}


# --- 1. a broker SIGKILLed and restarted -----------------------------------------------------


async def test_a_broker_killed_and_restarted_under_load_loses_and_doubles_nothing(
    stack: FaultStack, world: World
) -> None:
    report("stack", **described(stack))
    victim, _ = await leader_of(stack.bootstrap, ELDERCARE_INSTITUTIONS)
    marks: dict[str, float] = {}

    async def fault() -> None:
        await asyncio.sleep(4)
        marks["killed"] = time.monotonic()
        await asyncio.to_thread(stack.cluster.kill, victim)
        # Two brokers left: min.insync.replicas=2 still holds, so acks=all keeps succeeding.
        await asyncio.sleep(10)
        marks["restarted"] = time.monotonic()
        await asyncio.to_thread(stack.cluster.node(victim).start)
        # The stream goes on while the broker starts and catches up its replicas.
        await asyncio.sleep(6)

    ledger, ran = await under_load(stack, world, fault)
    # Commands never touch Kafka: the outage must not reach an HTTP client at all.
    assert [a for a in ledger.answers if a.status not in (200, 201)] == []
    found = await converged(stack, ledger)
    topics = await check_topics(stack.bootstrap, ledger.accepted)
    assert_delivered(stack, ledger, topics, exactly_once=True)
    assert_effects(found, sends_exactly_once=True)
    await assert_sent_once(stack, found, exactly_once=True)
    assert await dead_letters(stack.bootstrap) == dict.fromkeys(CONSUMERS, 0)
    # The restarted broker serves again and rejoins the in-sync replicas it lost.
    await stack.cluster.wait_ready(timeout=120)
    async with asyncio.timeout(60):
        while victim not in (await leader_of(stack.bootstrap, ELDERCARE_INSTITUTIONS))[1]:
            await asyncio.sleep(0.5)
    marks["back"] = time.monotonic()
    report(
        "broker",
        victim=victim,
        commands=len(ledger.answers),
        accepted=len(ledger.accepted),
        stream_s=round(ran, 1),
        killed_to_restart_s=round(marks["restarted"] - marks["killed"], 1),
        restart_to_in_sync_s=round(marks["back"] - marks["restarted"], 1),
        notifications=len(found.notifications),
    )


# --- 2. PostgreSQL restarted ------------------------------------------------------------------


# A read of each consumer service (auditor may read all three), asked while the database is down.
OUTAGE_READS = {
    "charity": "/funds",
    "notify": "/notifications",
    "views": "/views/hazards",
}


async def _probe_outage(stack: FaultStack) -> dict[str, tuple[int, str, float]]:
    """Each service's /ready, and a read of each consumer, while the database is down."""
    seen: dict[str, tuple[int, str, float]] = {}
    headers = {"Authorization": f"Bearer {stack.tokens['auditor']}"}
    probes = [(f"{s} /ready", s, "/ready") for s in SERVICES]
    probes += [(f"{s} GET {path}", s, path) for s, path in OUTAGE_READS.items()]
    async with httpx.AsyncClient(timeout=OUTAGE_ANSWER_S, headers=headers) as http:
        for name, service, path in probes:
            began = time.monotonic()
            answer = await http.get(stack.instance(service, 1).url + path)
            kind = answer.headers.get("content-type", "").split(";")[0]
            seen[name] = (answer.status_code, kind, round(time.monotonic() - began, 3))
    return seen


async def test_postgres_restarted_under_load_answers_503_recovers_and_loses_nothing(
    stack: FaultStack, world: World
) -> None:
    marks: dict[str, float] = {}
    probed: dict[str, tuple[int, str, float]] = {}

    async def fault() -> None:
        await asyncio.sleep(4)
        marks["down"] = time.monotonic()
        await asyncio.to_thread(stack.pg.kill)  # a crash: the restart recovers from the WAL
        await asyncio.sleep(2)
        probed.update(await _probe_outage(stack))
        await asyncio.sleep(4)
        marks["up"] = time.monotonic()
        await asyncio.to_thread(stack.pg.start)
        await stack.wait_ready(list(stack.instances.values()), timeout=120)
        marks["recovered"] = time.monotonic()
        await asyncio.sleep(4)

    ledger, ran = await under_load(stack, world, fault)
    assert ledger.unexpected() == [], "a database outage must be a 503, never a 500"
    during = [a for a in ledger.answers if marks["down"] + 1 < a.began and a.ended < marks["up"]]
    assert {a.service for a in during} >= {"eldercare", "inspection"}, ledger.outcomes()
    assert {(a.status, a.code) for a in during} == {(503, "database_unavailable")}
    assert all(PROBLEM_JSON in a.content_type for a in during)
    outage = [a for a in ledger.answers if marks["down"] <= a.began <= marks["up"]]
    assert max(a.seconds for a in outage) < OUTAGE_ANSWER_S, "a command hung on the outage"
    assert {name: status for name, (status, _, _) in probed.items()} == dict.fromkeys(probed, 503)
    assert {kind for name, (_, kind, _) in probed.items() if "GET" in name} == {PROBLEM_JSON}
    # The services recovered by themselves: commands after the restart were accepted again.
    after = [a for a in ledger.answers if a.began > marks["recovered"]]
    assert after
    assert all(a.status in (200, 201) for a in after), ledger.outcomes()
    found = await converged(stack, ledger)
    topics = await check_topics(stack.bootstrap, ledger.accepted)
    # A batch the broker acknowledged but the relay could not mark published is sent again
    # (at least once, DECISIONS §5): identical copies are allowed on the topic, never effects.
    assert_delivered(stack, ledger, topics, exactly_once=False)
    assert_effects(found, sends_exactly_once=False)
    await assert_sent_once(stack, found, exactly_once=False)
    assert await dead_letters(stack.bootstrap) == dict.fromkeys(CONSUMERS, 0)
    report(
        "postgres",
        outcomes=dict(ledger.outcomes()),
        accepted=len(ledger.accepted),
        stream_s=round(ran, 1),
        down_s=round(marks["up"] - marks["down"], 1),
        recovered_after_start_s=round(marks["recovered"] - marks["up"], 1),
        slowest_answer_during_outage_s=round(max(a.seconds for a in outage), 2),
        probes_while_down=probed,
        topic_duplicates=len(topics.duplicated),
        resent_notifications=sum(1 for c in found.successful_sends.values() if c > 1),
    )


# --- 3. every service SIGKILLed and restarted -------------------------------------------------


async def test_each_service_killed_and_restarted_under_load_loses_and_doubles_nothing(
    stack: FaultStack, world: World
) -> None:
    order = ("eldercare", "notify", "inspection", "views", "charity")

    async def fault() -> None:
        for service in order:
            await asyncio.sleep(2.5)
            stack.kill(service, 1)
            await asyncio.sleep(0.5)
            stack.spawn(service, 1)
        await stack.wait_ready([stack.instance(s, 1) for s in order], timeout=180)
        await asyncio.sleep(4)

    ledger, ran = await under_load(stack, world, fault)
    # A killed producer's clients see refused or cut connections (outcome unknown to them); a
    # restarting one may answer 503 until its pool is up. Never a 500.
    assert ledger.unexpected() == []
    found = await converged(stack, ledger)
    topics = await check_topics(stack.bootstrap, ledger.accepted)
    assert_delivered(stack, ledger, topics, exactly_once=False)
    assert_effects(found, sends_exactly_once=False)
    await assert_sent_once(stack, found, exactly_once=False)
    assert await dead_letters(stack.bootstrap) == dict.fromkeys(CONSUMERS, 0)
    report(
        "services",
        outcomes=dict(ledger.outcomes()),
        accepted=len(ledger.accepted),
        stream_s=round(ran, 1),
        topic_duplicates=len(topics.duplicated),
        resent_notifications=sum(1 for c in found.successful_sends.values() if c > 1),
    )


# --- 4. two instances of every service ------------------------------------------------------


_SAMPLE = re.compile(r"^(?P<name>[a-z_]+)\{(?P<labels>[^}]*)\} (?P<value>\S+)$", re.M)
_LABEL = re.compile(r'(\w+)="([^"]*)"')


def _samples(text: str, name: str) -> list[tuple[dict[str, str], float]]:
    """The samples of one metric family in a Prometheus exposition: (labels, value)."""
    return [
        (dict(_LABEL.findall(m["labels"])), float(m["value"]))
        for m in _SAMPLE.finditer(text)
        if m["name"] == name
    ]


async def _metrics(http: httpx.AsyncClient, inst: Instance) -> str:
    try:
        answer = await http.get(inst.url + "/metrics", timeout=5)
    except httpx.HTTPError:
        return ""
    return answer.text if answer.status_code == 200 else ""


def _leads(text: str, schema: str) -> bool:
    return any(lb["schema"] == schema and v == 1 for lb, v in _samples(text, "relay_leader"))


def _partitions(text: str) -> set[tuple[str, int]]:
    """The (topic, partition) pairs an instance consumed from (its ``consumer_lag`` series)."""
    return {(lb["topic"], int(lb["partition"])) for lb, _ in _samples(text, "consumer_lag")}


def _handled(text: str) -> float:
    samples = _samples(text, "consumer_messages_total")
    return sum(v for lb, v in samples if lb["outcome"] == "applied")


async def _lock_holders(conn: Any) -> dict[str, int]:
    """How many sessions hold each service's relay advisory lock right now."""
    rows = await conn.fetch(
        "SELECT s.name, count(l.pid) AS n FROM unnest($1::text[]) AS s(name) "
        "LEFT JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
        "AND l.objid::bigint = (hashtext('relay:' || s.name)::bigint & 4294967295) "
        "GROUP BY s.name",
        list(SERVICES),
    )
    return {r["name"]: int(r["n"]) for r in rows}


async def _leaders(http: httpx.AsyncClient, stack: FaultStack) -> dict[str, list[int]]:
    """Which instances of each service report ``relay_leader 1``."""
    found: dict[str, list[int]] = {s: [] for s in SERVICES}
    for (service, index), inst in sorted(stack.instances.items()):
        if inst.pid is not None and _leads(await _metrics(http, inst), service):
            found[service].append(index)
    return found


async def _wait_for(what: str, probe: Callable[[], Awaitable[bool]], timeout: float) -> float:
    began = time.monotonic()
    while not await probe():
        if time.monotonic() - began > timeout:
            raise AssertionError(f"{what} not within {timeout:.0f}s")
        await asyncio.sleep(0.5)
    return time.monotonic() - began


class ScaleOut:
    """Two instances of every service: who leads, who consumes what, how fast failover is."""

    def __init__(self, stack: FaultStack, http: httpx.AsyncClient) -> None:
        self.stack = stack
        self.http = http
        self.holders_seen: dict[str, set[int]] = {s: set() for s in SERVICES}
        self.failover_s: dict[str, float] = {}
        self.applied: dict[str, list[float]] = {}
        self.owned: dict[str, list[set[tuple[str, int]]]] = {}
        self.duplicates_skipped = 0.0

    async def sample_locks(self, stop: asyncio.Event) -> None:
        """Record how many sessions hold each relay lock, every 0.2 s until ``stop``."""
        conn = await self.stack.connect()
        try:
            while not stop.is_set():
                for name, n in (await _lock_holders(conn)).items():
                    self.holders_seen[name].add(n)
                await asyncio.sleep(0.2)
        finally:
            await conn.close()

    async def one_leader_each(self) -> bool:
        """Whether exactly one instance of every service reports ``relay_leader 1``."""
        return all(len(v) == 1 for v in (await _leaders(self.http, self.stack)).values())

    async def metrics_of(self, service: str) -> list[str]:
        """Both instances' /metrics."""
        return [await _metrics(self.http, self.stack.instance(service, i)) for i in (1, 2)]

    async def wait_both_consume(self) -> None:
        """Until both instances of every consumer have applied events since now."""
        before = {s: [_handled(t) for t in await self.metrics_of(s)] for s in CONSUMING}

        async def both() -> bool:
            for service in CONSUMING:
                texts = await self.metrics_of(service)
                self.applied[service] = [
                    _handled(t) - b for t, b in zip(texts, before[service], strict=True)
                ]
                self.owned[service] = [_partitions(t) for t in texts]
            return all(min(counts) > 0 for counts in self.applied.values())

        await _wait_for("both instances of every consumer at work", both, 60)

    async def kill_each_leader(self) -> None:
        """SIGKILL the leading instance of each service, time the takeover, restart it."""
        leaders = await _leaders(self.http, self.stack)
        for service in SERVICES:
            (old,) = leaders[service]
            survivor = self.stack.instance(service, 3 - old)
            # Mid-stream: its relay batch and its consumers' uncommitted records are cut off.
            self.stack.kill(service, old)

            async def took_over(service: str = service, survivor: Instance = survivor) -> bool:
                return _leads(await _metrics(self.http, survivor), service)

            self.failover_s[service] = await _wait_for(f"{service} failover", took_over, 30)
            self.stack.spawn(service, old)

    async def count_redeliveries(self) -> None:
        """Records that reached a consumer again after a rebalance, and were skipped."""
        for service in CONSUMING:
            for text in await self.metrics_of(service):
                samples = _samples(text, "consumer_messages_total")
                self.duplicates_skipped += sum(
                    v for lb, v in samples if lb["outcome"] == "duplicate"
                )


async def test_two_instances_of_every_service_one_relay_leader_failover_and_shared_partitions(
    stack: FaultStack, world: World
) -> None:
    for service in SERVICES:
        stack.spawn(service, 2)
    await stack.wait_ready(list(stack.instances.values()), timeout=240)
    stop_sampling = asyncio.Event()
    async with httpx.AsyncClient() as http:
        scale = ScaleOut(stack, http)
        sampler = asyncio.create_task(scale.sample_locks(stop_sampling))

        async def fault() -> None:
            await _wait_for("one relay leader per service", scale.one_leader_each, 30)
            await scale.wait_both_consume()
            await scale.kill_each_leader()
            await stack.wait_ready(list(stack.instances.values()), timeout=180)
            await asyncio.sleep(4)

        try:
            ledger, ran = await under_load(stack, world, fault)
            assert await scale.one_leader_each()
        finally:
            stop_sampling.set()
            await sampler
        found = await converged(stack, ledger)
        await scale.count_redeliveries()
    # The newcomer got a share, not everything: one of the two partitions of each topic.
    for service, (_, second) in scale.owned.items():
        topics = [topic for topic, _ in second]
        assert second, service
        assert len(topics) == len(set(topics)), (service, sorted(second))
    # Exactly one relay per service held its lock at every sample (0 only during a failover).
    assert {s: max(n) for s, n in scale.holders_seen.items()} == dict.fromkeys(SERVICES, 1)
    assert ledger.unexpected() == []
    topics_check = await check_topics(stack.bootstrap, ledger.accepted)
    assert_delivered(stack, ledger, topics_check, exactly_once=False)
    assert_effects(found, sends_exactly_once=False)
    await assert_sent_once(stack, found, exactly_once=False)
    assert await dead_letters(stack.bootstrap) == dict.fromkeys(CONSUMERS, 0)
    report(
        "scale-out",
        outcomes=dict(ledger.outcomes()),
        accepted=len(ledger.accepted),
        stream_s=round(ran, 1),
        failover_s={k: round(v, 1) for k, v in scale.failover_s.items()},
        applied_per_instance_while_both_ran=scale.applied,
        redelivered_and_skipped=scale.duplicates_skipped,
        topic_duplicates=len(topics_check.duplicated),
        institutions=len(ledger.of(ec.InstitutionRegistered)),
    )

"""What an accepted command must have left behind: its event on the topic, and every effect.

Effects are read straight from each service's schema as the superuser: the replicas of
inspection, charity and notify, notify's notifications and their delivery, views' projections,
and every consumer's inbox. ``wait_converged`` polls until they are all there (or times out
with what is missing); ``Effects.problems`` then lists every loss and every duplicate.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared.events import eldercare as ec, inspection as ins
from shared.events.topics import NOTIFY_NOTIFICATIONS
from tests.faults.load import Accepted, Ledger
from tests.faults.stack import FaultStack

# What each consumer must have applied, by the accepted event's contract.
CONSUMERS_OF = {
    ec.InstitutionRegistered: ("inspection", "charity", "notify", "views"),
    ec.MealPointEstablished: ("views",),
    ec.MealPointSuspended: ("notify", "views"),
    ins.HazardReported: ("notify", "views"),
    ins.HazardRectificationAssigned: ("notify", "views"),
}
# Notifications notify must create per event (routing rules v1): channel set per contract.
NOTIFIED = {
    ec.MealPointSuspended: {"email"},
    ins.HazardRectificationAssigned: {"email", "robot"},
}
SENT_STATES = ("SENT", "DELIVERED")


@dataclass(frozen=True)
class Record:
    """One CloudEvent as found on a topic."""

    event_id: str
    event_type: str
    subject: str
    partition: int
    offset: int
    value: bytes


async def read_topic(bootstrap: str, topic: str) -> list[Record]:
    """Every record of ``topic`` from offset 0 to its current end (no consumer group)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    partitions = [TopicPartition(topic, p["partition"]) for p in described["partitions"]]
    assert partitions, f"topic {topic} has no partitions"
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found: list[Record] = []
        async with asyncio.timeout(60):
            while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
                batch = await consumer.getmany(*partitions, timeout_ms=500)
                for records in batch.values():
                    for r in records:
                        value = r.value or b"{}"
                        body = json.loads(value)
                        found.append(
                            Record(
                                body["id"], body["type"], body["subject"], r.partition, r.offset,
                                value,
                            )
                        )  # fmt: skip
        return found
    finally:
        await consumer.stop()


@dataclass
class TopicCheck:
    """How often each accepted event is on its topic."""

    counts: Counter[str] = field(default_factory=Counter)
    divergent: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    duplicated: dict[str, int] = field(default_factory=dict)


async def check_topics(bootstrap: str, accepted: list[Accepted]) -> TopicCheck:
    """Count every accepted event on its topic; duplicates must at least be byte-identical."""
    check = TopicCheck()
    by_topic: dict[str, list[Accepted]] = defaultdict(list)
    for item in accepted:
        by_topic[item.topic].append(item)
    for topic, items in by_topic.items():
        values: dict[str, set[bytes]] = defaultdict(set)
        for record in await read_topic(bootstrap, topic):
            check.counts[record.event_id] += 1
            values[record.event_id].add(record.value)
        for item in items:
            seen = check.counts[item.event_id]
            if seen == 0:
                check.missing.append(f"{item.contract.TYPE} {item.aggregate_id} v{item.version}")
            elif seen > 1:
                check.duplicated[item.event_id] = seen
            if len(values[item.event_id]) > 1:
                check.divergent.append(item.event_id)
    return check


@dataclass
class Effects:
    """The effects of a set of accepted commands, as found in the services' schemas."""

    expected: dict[str, int]
    found: dict[str, int]
    duplicates: dict[str, int]
    notifications: list[str]
    successful_sends: Counter[str]

    def missing(self) -> dict[str, str]:
        """Effects not (yet) all there: name → found/expected."""
        return {
            name: f"{self.found.get(name, 0)}/{want}"
            for name, want in self.expected.items()
            if self.found.get(name, 0) != want
        }

    def problems(self, *, sends_exactly_once: bool) -> list[str]:
        """Every loss and every duplicate, in words (empty when all is well)."""
        issues = [f"{name}: {count}" for name, count in self.missing().items()]
        issues += [f"duplicate {name}: {n}" for name, n in self.duplicates.items() if n]
        if sends_exactly_once:
            twice = {n: c for n, c in self.successful_sends.items() if c != 1}
            if twice:
                issues.append(f"notifications not sent exactly once: {twice}")
        return issues


def _ids(items: list[Accepted], *contracts: type[Any]) -> list[str]:
    return [a.aggregate_id for a in items if a.contract in contracts]


def _event_ids(items: list[Accepted], *contracts: type[Any]) -> list[str]:
    return [a.event_id for a in items if a.contract in contracts]


async def _count(conn: asyncpg.Connection, sql: str, *args: Any) -> int:
    return int(await conn.fetchval(sql, *args) or 0)


async def _expected_and_found(
    conn: asyncpg.Connection, items: list[Accepted]
) -> tuple[dict[str, int], dict[str, int]]:
    sites = _ids(items, ec.InstitutionRegistered)
    points = _ids(items, ec.MealPointEstablished)
    suspended = _ids(items, ec.MealPointSuspended)
    hazards = _ids(items, ins.HazardReported)
    assigned = [a for a in items if a.contract is ins.HazardRectificationAssigned]
    expected = {
        "inspection.site_replica": len(sites),
        "charity.institution_replica": len(sites),
        "notify.sites": len(sites),
        "views.p_sites": len(sites),
        "views.p_meal_points": len(points),
        "views.p_meal_points SUSPENDED": len(suspended),
        "views.p_hazards": len(hazards),
        "views.p_hazards assigned": len(assigned),
    }
    found = {
        "inspection.site_replica": await _count(
            conn, "SELECT count(*) FROM inspection.site_replica WHERE id = ANY($1::uuid[])", sites
        ),
        "charity.institution_replica": await _count(
            conn,
            "SELECT count(*) FROM charity.institution_replica "
            "WHERE registered AND institution_id = ANY($1::uuid[])",
            sites,
        ),
        "notify.sites": await _count(
            conn, "SELECT count(*) FROM notify.sites WHERE site_id = ANY($1::uuid[])", sites
        ),
        "views.p_sites": await _count(
            conn, "SELECT count(*) FROM views.p_sites WHERE site_id = ANY($1::uuid[])", sites
        ),
        "views.p_meal_points": await _count(
            conn,
            "SELECT count(*) FROM views.p_meal_points WHERE meal_point_id = ANY($1::uuid[])",
            points,
        ),
        "views.p_meal_points SUSPENDED": await _count(
            conn,
            "SELECT count(*) FROM views.p_meal_points "
            "WHERE status = 'SUSPENDED' AND meal_point_id = ANY($1::uuid[])",
            suspended,
        ),
        "views.p_hazards": await _count(
            conn, "SELECT count(*) FROM views.p_hazards WHERE hazard_id = ANY($1::uuid[])", hazards
        ),
        "views.p_hazards assigned": await _count(
            conn,
            "SELECT count(*) FROM views.p_hazards h JOIN unnest($1::uuid[], $2::int[]) "
            "AS a(id, v) ON h.hazard_id = a.id WHERE h.version >= a.v",
            [a.aggregate_id for a in assigned],
            [a.version for a in assigned],
        ),
    }
    for consumer in ("inspection", "charity", "notify", "views"):
        wanted = [a.event_id for a in items if consumer in CONSUMERS_OF[a.contract]]
        expected[f"{consumer}.inbox"] = len(wanted)
        found[f"{consumer}.inbox"] = await _count(
            conn,
            # The schema is one of four fixed names, never input.
            f"SELECT count(*) FROM {consumer}.inbox WHERE consumer = $1 AND event_id = ANY($2)",  # noqa: S608
            consumer,
            wanted,
        )
    return expected, found


async def _notification_effects(
    conn: asyncpg.Connection, items: list[Accepted], expected: dict[str, int], found: dict[str, int]
) -> tuple[list[str], dict[str, int], Counter[str]]:
    notified = [a for a in items if a.contract in NOTIFIED]
    sources = [a.event_id for a in notified]
    rows = await conn.fetch(
        "SELECT id::text, source_event_id::text, channel, status FROM notify.notifications "
        "WHERE source_event_id = ANY($1::uuid[])",
        sources,
    )
    ids = [r["id"] for r in rows]
    expected["notify.notifications"] = sum(len(NOTIFIED[a.contract]) for a in notified)
    found["notify.notifications"] = len({(r["source_event_id"], r["channel"]) for r in rows})
    expected["notify.notifications sent"] = expected["notify.notifications"]
    found["notify.notifications sent"] = sum(r["status"] in SENT_STATES for r in rows)
    expected["views.p_notifications sent"] = expected["notify.notifications"]
    found["views.p_notifications sent"] = await _count(
        conn,
        "SELECT count(*) FROM views.p_notifications "
        "WHERE status IN ('SENT', 'DELIVERED') AND notification_id = ANY($1::uuid[])",
        ids,
    )
    duplicates = {
        "notify.notifications per (event, channel)": len(rows)
        - len({(r["source_event_id"], r["channel"]) for r in rows}),
        # A handler that ran twice for one event would have been refused by the dedupe key
        # and audited so: the inbox must have stopped it before.
        "notify.audit_log deduplicated": await _count(
            conn,
            "SELECT count(*) FROM notify.audit_log "
            "WHERE decision = 'deduplicated' AND source_event_id = ANY($1::uuid[])",
            sources,
        ),
    }
    sends = await conn.fetch(
        "SELECT notification_id::text AS id, count(*) AS n FROM notify.delivery_attempts "
        "WHERE outcome IN ('delivered', 'accepted') AND notification_id = ANY($1::uuid[]) "
        "GROUP BY 1",
        ids,
    )
    return ids, duplicates, Counter({r["id"]: int(r["n"]) for r in sends})


async def effects(stack: FaultStack, items: list[Accepted]) -> Effects:
    """Measure the effects of ``items`` now."""
    conn = await stack.connect()
    try:
        expected, found = await _expected_and_found(conn, items)
        ids, duplicates, sends = await _notification_effects(conn, items, expected, found)
        views_rows = await _count(
            conn,
            "SELECT count(*) - count(DISTINCT notification_id) FROM views.p_notifications "
            "WHERE notification_id = ANY($1::uuid[])",
            ids,
        )
        duplicates["views.p_notifications per notification"] = views_rows
        return Effects(expected, found, duplicates, ids, sends)
    finally:
        await conn.close()


async def wait_converged(stack: FaultStack, ledger: Ledger, timeout: float = 150) -> Effects:
    """Poll until every effect of the accepted commands is there; fail with what is missing."""
    began = time.monotonic()
    shown = began
    while True:
        found = await effects(stack, ledger.accepted)
        if not found.missing():
            stack.timings["last_convergence_s"] = time.monotonic() - began
            return found
        now = time.monotonic()
        if now - began > timeout:
            raise AssertionError(
                f"effects still missing after {timeout:.0f}s: {found.missing()}\n{stack.logs()}"
            )
        if now - shown > 10:
            sys.stdout.write(f"[faults] converging {now - began:.0f}s: {found.missing()}\n")
            shown = now
        await asyncio.sleep(1.0)


async def sent_events(bootstrap: str, notification_ids: list[str]) -> Counter[str]:
    """How many ``NotificationSent`` events each notification has on ``notify.notifications``."""
    wanted = set(notification_ids)
    counts: Counter[str] = Counter()
    for record in await read_topic(bootstrap, NOTIFY_NOTIFICATIONS):
        if record.event_type == "notify.notification.sent.v1" and record.subject in wanted:
            counts[record.subject] += 1
    return counts

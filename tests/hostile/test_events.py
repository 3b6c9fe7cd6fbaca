"""Every consumer fed malformed records on its real topic (DECISIONS §5, §9).

Each bad record lands in ``<consumer>.dlq`` at once, with its reason in the dlq-* headers; an
event of an unknown version (``….v9`` of a known type) is skipped and counted, never
dead-lettered; and the valid event behind them all, on the same partition, takes effect.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from shared.events import CloudEvent, envelope_for
from shared.events.base import IntegrationEvent
from shared.events.charity import FundOpened
from shared.events.eldercare import ElderRegistered, InstitutionRegistered
from shared.events.examples import example
from shared.events.inspection import HazardRectificationAssigned, HazardReported
from shared.testing import Harness
from shared.testing.harness import wait_until
from tests.hostile.conftest import Stack, dlq_of
from tests.hostile.events import malformed, metric, unknown_version
from tests.hostile.kafka import RawProducer, read_all
from tests.hostile.stack import NOW

Effect = Callable[[Harness, IntegrationEvent, CloudEvent], Awaitable[bool]]


def envelope(event: IntegrationEvent, version: int = 1) -> CloudEvent:
    """The event as its producer's relay would put it on its topic."""
    source = event.TYPE.split(".", 1)[0]
    return envelope_for(event, source=source, version=version, time=NOW - timedelta(hours=1))


def institution() -> InstitutionRegistered:
    """A new institution."""
    return example(InstitutionRegistered).model_copy(
        update={"institution_id": uuid.uuid4(), "filing_no": f"MZ-{uuid.uuid4().hex[:8]}"}
    )


def elder() -> ElderRegistered:
    """A new elder."""
    return example(ElderRegistered).model_copy(update={"elder_id": uuid.uuid4()})


def fund() -> FundOpened:
    """A new fund."""
    return example(FundOpened).model_copy(
        update={"fund_id": uuid.uuid4(), "code": f"F-{uuid.uuid4().hex[:8]}"}
    )


def assignment(hazard_id: uuid.UUID | None = None) -> HazardRectificationAssigned:
    """A hazard's rectification assigned."""
    return example(HazardRectificationAssigned).model_copy(
        update={"hazard_id": hazard_id or uuid.uuid4(), "responsible_person_id": uuid.uuid4()}
    )


async def site_listed(svc: Harness, event: IntegrationEvent, _: CloudEvent) -> bool:
    """inspection: the institution is a site of its replica (``GET /sites``)."""
    assert isinstance(event, InstitutionRegistered)
    sites = await svc.client.get("/sites?limit=500", headers=svc.auth("auditor"))
    return str(event.institution_id) in {s["id"] for s in sites.json()}


async def elder_replicated(svc: Harness, event: IntegrationEvent, _: CloudEvent) -> bool:
    """charity: the elder is in its replica, registered."""
    assert isinstance(event, ElderRegistered)
    sql = "SELECT registered FROM elder_replica WHERE elder_id = $1"
    return bool(await svc.pool.fetchval(sql, event.elder_id))


async def notified(svc: Harness, _: IntegrationEvent, env: CloudEvent) -> bool:
    """notify: the event made a notification (``GET /notifications?event=``)."""
    found = await svc.client.get(
        "/notifications", params={"event": env.id}, headers=svc.auth("notify_operator")
    )
    return bool(found.json()["items"])


async def projected(svc: Harness, event: IntegrationEvent, _: CloudEvent) -> bool:
    """views: the fund is a row of its projection."""
    assert isinstance(event, FundOpened)
    # The projection's tables are made with its first event.
    if not await svc.pool.fetchval("SELECT to_regclass('p_funds') IS NOT NULL"):
        return False
    sql = "SELECT count(*) FROM p_funds WHERE fund_id = $1"
    return bool(await svc.pool.fetchval(sql, event.fund_id))


@dataclass(frozen=True)
class Scenario:
    """A consumer, a handled type of one of its topics, and how its effect shows."""

    consumer: str
    make: Callable[[], IntegrationEvent]
    effect: Effect
    text_field: str | None = None  # a text of the event the consumer stores


SCENARIOS = [
    Scenario("inspection", institution, site_listed),
    Scenario("charity", elder, elder_replicated),
    Scenario("notify", assignment, notified),
    Scenario("views", fund, projected, text_field="code"),
]


async def prepare(svc: Harness, scenario: Scenario, event: IntegrationEvent) -> None:
    """What must be known before the valid event: notify routes a hazard it has seen reported."""
    if scenario.consumer != "notify":
        return
    assert isinstance(event, HazardRectificationAssigned)
    site = institution().model_copy(update={"institution_id": event.site_id})
    await svc.publish(envelope(site), topic=site.TOPIC)
    reported = example(HazardReported).model_copy(
        update={"hazard_id": event.hazard_id, "site_id": event.site_id}
    )
    await svc.publish(envelope(reported), topic=reported.TOPIC)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.consumer)
async def test_malformed_records_are_dead_lettered_and_the_next_valid_event_applies(
    stack: Stack, scenario: Scenario
):
    svc = await stack.get(scenario.consumer)
    valid_event = scenario.make()
    valid = envelope(valid_event, version=2 if scenario.consumer == "notify" else 1)
    unapplied_event, unknown_event = scenario.make(), scenario.make()
    topic = svc.prefix + valid_event.TOPIC
    await prepare(svc, scenario, valid_event)
    before = (await svc.client.get("/metrics")).text
    bad = malformed(
        valid, valid_event.KEY_FIELD, envelope(unapplied_event), text_field=scenario.text_field
    )
    key = valid.subject.encode()  # one key: one partition, so the order below is kept
    sent: dict[int, str] = {}
    async with RawProducer(stack.bootstrap) as producer:
        for record in bad:
            _, offset = await producer.send(topic, record.value, key=key, headers=record.headers)
            sent[offset] = record.name
        _, unknown_offset = await producer.send(
            topic, unknown_version(envelope(unknown_event)), key=key
        )
        await producer.send(topic, valid.to_json(), key=key)

    await wait_until(lambda: scenario.effect(svc, valid_event, valid), timeout=60)

    # Records are handled in partition order: everything before the valid event is done.
    dead = {
        int(r.header("dlq-original-offset")): r
        for r in await read_all(svc.bootstrap, dlq_of(svc))
        if r.header("dlq-original-topic") == topic
    }
    assert set(dead) == set(sent), "exactly the malformed records are dead-lettered"
    for record in bad:
        [offset] = [o for o, name in sent.items() if name == record.name]
        letter = dead[offset]
        assert record.reason in letter.header("dlq-error"), (record.name, letter.headers)
        assert letter.header("dlq-error-class") == record.error_class, record.name
        attempts = svc.settings.consumer_max_attempts if record.retried else 1
        assert letter.header("dlq-attempts") == str(attempts), record.name
        assert letter.header("dlq-consumer") == svc.settings.consumer_group
        assert letter.value == (record.value or b""), "the original value is kept"
    assert unknown_offset not in dead
    assert not await scenario.effect(svc, unapplied_event, envelope(unapplied_event))
    assert not await scenario.effect(svc, unknown_event, envelope(unknown_event))

    after = (await svc.client.get("/metrics")).text
    labels = {"consumer": svc.settings.consumer_group, "topic": topic}

    def delta(name: str, **extra: str) -> float:
        return metric(after, name, **labels, **extra) - metric(before, name, **labels, **extra)

    assert delta("consumer_dlq_messages_total") == len(bad)
    assert delta("consumer_messages_total", outcome="dead_lettered") == len(bad)
    assert delta("consumer_messages_total", outcome="skipped") == 1
    assert delta("consumer_messages_total", outcome="applied") >= 1

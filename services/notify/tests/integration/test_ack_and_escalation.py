"""Acknowledgement, escalation by channel then by person, the routing of overdue hazards,
and reminders cancelled by a submitted rectification."""

import asyncio
import uuid

from notify.adapters.delivery import dispatch_lock_key
from shared.http.auth import principal_for
from tests.integration.conftest import START
from tests.integration.helpers import contact, later, messages, sweep, wait_messages, wait_rows
from tests.integration.world import Hazard, site


async def _hazard(svc, responsible, head, name="桃江县社会福利院"):
    site_id = await site(svc, head, START, name=name)
    await wait_rows(svc, "SELECT 1 FROM sites WHERE site_id = $1", site_id)
    hazard = Hazard(site_id=site_id, responsible=responsible)
    await hazard.reported(svc, START)
    await hazard.assigned(svc, START)
    return hazard


async def test_unacknowledged_hazard_escalates_to_sms_then_to_the_site_head_who_acknowledges(
    svc, sink, clock, org
):
    clock.set(START)
    responsible = uuid.uuid4()
    head = principal_for("institution_staff").person_id
    resp = await contact(svc, responsible)
    head_contact = await contact(svc, head)
    hazard = await _hazard(svc, responsible, head)
    await wait_messages(sink, "email", resp["email"])
    await wait_rows(svc, "SELECT 1 FROM ack_chains WHERE subject_id = $1", hazard.hazard_id)

    clock.set(later(START, hours=4, minutes=1))  # the HIGH acknowledgement window (4 h) passed
    await sweep(svc, "escalations")
    [sms] = await wait_messages(sink, "sms", resp["phone"])
    assert hazard.hazard_no in sms["text"]
    assert await messages(sink, "email", head_contact["email"]) == []

    clock.set(later(START, hours=8, minutes=2))
    await sweep(svc, "escalations")
    [mail] = await wait_messages(sink, "email", head_contact["email"])
    assert mail["subject"].startswith("【升级提醒】")
    assert hazard.hazard_no in mail["text"]
    [to_head] = await wait_rows(
        svc,
        "SELECT * FROM notifications WHERE subject_id = $1 AND recipient_person_id = $2 "
        "AND channel = 'email' AND status = 'DELIVERED'",
        hazard.hazard_id,
        head,
    )
    assert to_head["recipient_source"] == "escalation:site_head"

    stranger = await svc.client.post(
        f"/notifications/{to_head['id']}/ack", headers=svc.auth("inspector")
    )
    assert stranger.status_code == 403
    assert stranger.json()["code"] == "not_recipient"
    acked = await svc.client.post(
        f"/notifications/{to_head['id']}/ack", headers=svc.auth("institution_staff")
    )
    assert acked.status_code == 200, acked.text
    assert acked.json()["status"] == "ACKNOWLEDGED"
    again = await svc.client.post(
        f"/notifications/{to_head['id']}/ack", headers=svc.auth("institution_staff")
    )
    assert again.status_code == 200
    [chain] = await svc.pool.fetch(
        "SELECT * FROM ack_chains WHERE chain_id = $1", to_head["chain_id"]
    )
    assert chain["status"] == "ACKED"
    events = await svc.events("notify.notifications", subject=str(to_head["id"]))
    assert [e["type"] for e in events][-1] == "notify.notification.acknowledged.v1"
    assert sum(e["type"].endswith("acknowledged.v1") for e in events) == 1

    clock.set(later(START, hours=20))
    await sweep(svc, "escalations")
    safety_mail = org["contacts"][org["safety"]]["email"]
    await asyncio.sleep(0.3)
    assert not [
        m for m in await messages(sink, "email", safety_mail) if hazard.hazard_no in m["text"]
    ]


async def test_overdue_and_escalated_hazards_reach_the_people_the_routing_table_names(
    svc, sink, clock, org
):
    clock.set(START)
    responsible, head = uuid.uuid4(), uuid.uuid4()
    await contact(svc, responsible)
    await contact(svc, head)
    hazard = await _hazard(svc, responsible, head, name="安化县敬老院")
    await hazard.overdue(svc, later(START, days=15))
    rows = await wait_rows(
        svc,
        "SELECT * FROM notifications WHERE subject_id = $1 AND rule_code = 'hazard_overdue'",
        hazard.hazard_id,
        count=6,
    )
    assert {r["recipient_person_id"] for r in rows} == {responsible, head, org["safety"]}
    assert {r["channel"] for r in rows} == {"email", "robot"}
    assert {r["priority"] for r in rows} == {"HIGH"}

    await hazard.escalated(svc, later(START, days=23))
    rows = await wait_rows(
        svc,
        "SELECT * FROM notifications WHERE subject_id = $1 AND rule_code = 'hazard_escalated'",
        hazard.hazard_id,
        count=3,
    )
    assert {r["recipient_person_id"] for r in rows} == {org["main"]}
    assert {r["channel"] for r in rows} == {"email", "robot", "sms"}
    assert {r["priority"] for r in rows} == {"URGENT"}
    main_phone = org["contacts"][org["main"]]["phone"]
    sms = await wait_messages(sink, "sms", main_phone)
    assert any("挂牌督办" in m["text"] and hazard.hazard_no in m["text"] for m in sms)


async def test_submitted_rectification_cancels_queued_reminders_and_nothing_is_sent(
    svc, sink, clock, org
):
    clock.set(START)
    responsible, head, verifier = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    resp = await contact(svc, responsible)
    await contact(svc, head)
    verifier_contact = await contact(svc, verifier)
    async with svc.pool.acquire() as lock:
        # Pause the dispatcher of this schema.
        await lock.execute("SELECT pg_advisory_lock($1, $2)", *dispatch_lock_key(svc.schema))
        try:
            hazard = await _hazard(svc, responsible, head, name="南县救助管理站")
            await hazard.approaching(svc, later(START, days=11))
            await hazard.overdue(svc, later(START, days=15))
            await hazard.submitted(svc, later(START, days=15, hours=1), verifier)
            await wait_rows(
                svc,
                "SELECT 1 FROM hazards WHERE hazard_id = $1 AND status = 'SUBMITTED'",
                hazard.hazard_id,
            )
            reminders = await svc.pool.fetch(
                "SELECT * FROM notifications WHERE subject_id = $1 AND rule_code <> "
                "'hazard_submitted'",
                hazard.hazard_id,
            )
            assert {r["rule_code"] for r in reminders} == {
                "hazard_assigned",
                "hazard_approaching",
                "hazard_overdue",
            }
            assert {r["status"] for r in reminders} == {"CANCELLED"}
            chains = await svc.pool.fetch(
                "SELECT status FROM ack_chains WHERE subject_id = $1", hazard.hazard_id
            )
            assert {c["status"] for c in chains} == {"CLOSED"}
        finally:
            await lock.execute("SELECT pg_advisory_unlock($1, $2)", *dispatch_lock_key(svc.schema))
    [mail] = await wait_messages(sink, "email", verifier_contact["email"])
    assert mail["subject"] == f"【待验收】隐患{hazard.hazard_no}整改材料已提交"
    await asyncio.sleep(0.3)
    assert await messages(sink, "email", resp["email"]) == []
    assert await messages(sink, "robot", resp["chat_id"]) == []
    audit = await svc.client.get(
        "/audit", params={"source_event_id": hazard.sent[3][1].id}, headers=svc.auth("auditor")
    )
    assert {a["decision"] for a in audit.json()} >= {"queued", "suppressed"}

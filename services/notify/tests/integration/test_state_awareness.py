"""Deadline extensions and rejections, and the daily volume cap."""

import asyncio
import uuid
from datetime import UTC, date, datetime

from notify.adapters.delivery import dispatch_lock_key
from shared.events import inspection as ins
from tests.integration.conftest import START
from tests.integration.helpers import contact, later, messages, wait_messages, wait_rows
from tests.integration.world import Hazard, site


async def test_an_extended_deadline_cancels_queued_reminders_about_the_old_one(svc, sink, clock):
    clock.set(START)
    responsible, head = uuid.uuid4(), uuid.uuid4()
    resp = await contact(svc, responsible)
    await contact(svc, head)
    site_id = await site(svc, head, START, name="沅江市敬老院")
    await wait_rows(svc, "SELECT 1 FROM sites WHERE site_id = $1", site_id)
    hazard = Hazard(site_id=site_id, responsible=responsible)
    await hazard.reported(svc, START)
    await hazard.assigned(svc, START)
    await wait_messages(sink, "email", resp["email"])
    async with svc.pool.acquire() as lock:
        await lock.execute("SELECT pg_advisory_lock($1, $2)", *dispatch_lock_key(svc.schema))
        try:
            await hazard.approaching(svc, later(START, days=11))
            await hazard.emit(
                svc,
                ins.HazardDeadlineExtended(
                    hazard_id=hazard.hazard_id,
                    site_id=site_id,
                    old_deadline_on=hazard.deadline,
                    new_deadline_on=date(2024, 4, 10),
                    extension_count=1,
                    approved_by=uuid.uuid4(),
                ),
                later(START, days=11, hours=1),
            )
            await wait_rows(
                svc,
                "SELECT 1 FROM hazards WHERE hazard_id = $1 AND deadline_on = '2024-04-10'",
                hazard.hazard_id,
            )
            rows = await svc.pool.fetch(
                "SELECT status FROM notifications WHERE subject_id = $1 "
                "AND rule_code = 'hazard_approaching'",
                hazard.hazard_id,
            )
            assert [r["status"] for r in rows] == ["CANCELLED", "CANCELLED"]
        finally:
            await lock.execute("SELECT pg_advisory_unlock($1, $2)", *dispatch_lock_key(svc.schema))

    await hazard.emit(
        svc,
        ins.HazardRectificationSubmitted(
            hazard_id=hazard.hazard_id,
            site_id=site_id,
            submitted_at=later(START, days=12),
            evidence_count=1,
            verifier_id=uuid.uuid4(),
        ),
        later(START, days=12),
    )
    await hazard.emit(
        svc,
        ins.HazardRectificationRejected(
            hazard_id=hazard.hazard_id,
            site_id=site_id,
            verifier_id=uuid.uuid4(),
            rejected_at=later(START, days=13),
            rework_count=1,
        ),
        later(START, days=13),
    )
    mails = await wait_messages(sink, "email", resp["email"], count=2)
    assert mails[1]["subject"] == f"【整改退回】隐患{hazard.hazard_no}验收未通过"
    assert "2024年4月10日" in mails[1]["text"]
    assert "第1次退回" in mails[1]["text"]


async def test_past_the_daily_cap_normal_messages_wait_for_midnight_and_urgent_ones_go(
    svc, sink, clock
):
    day = datetime(2024, 5, 1, 2, 0, tzinfo=UTC)  # 10:00 on 1 May in Yiyang
    clock.set(day)
    await svc.pool.execute(
        "INSERT INTO daily_volume VALUES ('2024-05-01', 'email', 5000) "
        "ON CONFLICT (local_day, channel) DO UPDATE SET sent = 5000"
    )
    person = uuid.uuid4()
    address = await contact(svc, person)
    ids = {}
    for priority in ("NORMAL", "URGENT"):
        made = await svc.client.post(
            "/notifications",
            json={
                "recipient_person_id": str(person),
                "priority": priority,
                "params": {"title": priority, "message": f"{priority} 消息"},
            },
            headers=svc.auth("notify_operator"),
        )
        assert made.status_code == 201, made.text
        ids[priority] = uuid.UUID(made.json()["id"])
    [urgent] = await wait_messages(sink, "email", address["email"])
    assert urgent["subject"] == "【通知】URGENT"
    [normal] = await wait_rows(
        svc, "SELECT * FROM notifications WHERE id = $1 AND not_before IS NOT NULL", ids["NORMAL"]
    )
    assert normal["status"] == "QUEUED"
    assert normal["not_before"] == datetime(2024, 5, 1, 16, 0, tzinfo=UTC)  # local midnight
    await asyncio.sleep(0.3)
    assert len(await messages(sink, "email", address["email"])) == 1
    clock.set(datetime(2024, 5, 1, 16, 1, tzinfo=UTC))
    await wait_messages(sink, "email", address["email"], count=2)
    clock.set(START)

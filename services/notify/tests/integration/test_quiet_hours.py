"""Quiet hours in Asia/Shanghai: urgent goes at once, normal waits for 07:00."""

import asyncio
import uuid
from datetime import UTC, datetime

from shared.events import eldercare as ec
from tests.integration.conftest import DUTY_OFFICER
from tests.integration.helpers import contact, inject, messages, wait_messages, wait_rows
from tests.integration.world import branch

NIGHT = datetime(2024, 3, 6, 19, 0, tzinfo=UTC)  # 03:00 on 7 March in Yiyang
MORNING = datetime(2024, 3, 6, 23, 0, tzinfo=UTC)  # 07:00 local


async def test_missing_person_at_3am_is_sent_at_once_and_a_normal_message_waits_for_7am(
    svc, sink, clock
):
    clock.set(NIGHT)
    county = f"43{uuid.uuid4().int % 10000:04d}"
    leader = uuid.uuid4()
    leader_contact = await contact(svc, leader)
    duty_contact = await contact(svc, DUTY_OFFICER)
    await branch(svc, leader, county, NIGHT)
    await wait_rows(svc, "SELECT 1 FROM branches WHERE county_code = $1", county)

    case_id = uuid.uuid4()
    await inject(
        svc,
        ec.MissingCaseReported(
            case_id=case_id,
            elder_id=uuid.uuid4(),
            county_code=county,
            reported_at=NIGHT,
        ),
        1,
        NIGHT,
    )
    [sms] = await wait_messages(sink, "sms", leader_contact["phone"])
    assert "老人走失" in sms["text"]
    assert "3月7日 03:00" in sms["text"]
    await wait_messages(sink, "robot", leader_contact["chat_id"])
    await wait_messages(sink, "sms", duty_contact["phone"])
    urgent = await wait_rows(
        svc,
        "SELECT * FROM notifications WHERE subject_id = $1 AND status = 'DELIVERED'",
        case_id,
        count=4,
    )
    assert {r["priority"] for r in urgent} == {"URGENT"}
    assert all(r["not_before"] is None for r in urgent)

    point = uuid.uuid4()
    await inject(
        svc,
        ec.MealPointSuspended(
            meal_point_id=point,
            suspended_at=NIGHT,
            reason_code="FOOD_SAFETY_CHECK",
        ),
        2,
        NIGHT,
    )
    [queued] = await wait_rows(svc, "SELECT * FROM notifications WHERE subject_id = $1", point)
    assert queued["priority"] == "NORMAL"
    assert queued["status"] == "QUEUED"
    assert queued["not_before"] == MORNING
    await asyncio.sleep(0.5)
    assert await messages(sink, "email", duty_contact["email"]) == []

    clock.set(MORNING)
    [mail] = await wait_messages(sink, "email", duty_contact["email"])
    assert mail["subject"] == "【助餐点暂停】助餐点已暂停服务"
    trail = await svc.client.get(f"/notifications/{queued['id']}", headers=svc.auth("auditor"))
    assert trail.json()["audit"][0]["decision"] == "deferred_quiet_hours"

"""A hazard reported and assigned reaches its responsible person once, by e-mail and robot."""

import uuid

from shared.testing.harness import wait_until
from tests.integration.conftest import START
from tests.integration.helpers import contact, later, messages, wait_messages, wait_rows
from tests.integration.world import Hazard, site


def _duplicates(metrics: str) -> float:
    total = 0.0
    for line in metrics.splitlines():
        if line.startswith("consumer_messages_total{") and 'outcome="duplicate"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


async def test_assigned_hazard_sends_one_email_and_one_robot_message_and_redelivery_sends_nothing(
    svc, sink, clock, org
):
    clock.set(START)
    head = uuid.uuid4()
    responsible = uuid.uuid4()
    person = await contact(svc, responsible)
    await contact(svc, head)
    site_id = await site(svc, head, START, name="赫山区敬老院")
    await wait_rows(svc, "SELECT 1 FROM sites WHERE site_id = $1", site_id)
    hazard = Hazard(site_id=site_id, responsible=responsible)
    await hazard.reported(svc, START)
    await hazard.assigned(svc, later(START, minutes=5))

    [mail] = await wait_messages(sink, "email", person["email"])
    [robot] = await wait_messages(sink, "robot", person["chat_id"])
    assert (
        mail["subject"]
        == f"【隐患整改】赫山区敬老院隐患{hazard.hazard_no}请于2024年3月20日前完成整改"
    )
    assert "已指定您为整改责任人" in mail["text"]
    assert "类别：消防" in mail["text"]
    assert "一般隐患" in mail["text"]
    assert hazard.hazard_no in robot["text"]
    assert robot["payload"]["text"]["mentioned_list"] == [person["chat_id"]]
    assert await messages(sink, "sms", person["phone"]) == []

    rows = await wait_rows(
        svc,
        "SELECT * FROM notifications WHERE subject_id = $1 AND status = 'DELIVERED'",
        hazard.hazard_id,
        count=2,
    )
    assert {r["channel"] for r in rows} == {"email", "robot"}
    assert {r["priority"] for r in rows} == {"HIGH"}
    assert {r["rule_version"] for r in rows} == {1}
    sent = []
    for row in rows:
        events = await svc.events("notify.notifications", subject=str(row["id"]))
        sent += [e for e in events if e["type"] == "notify.notification.sent.v1"]
    assert len(sent) == 2
    assert all(e["data"]["recipient_person_id"] == str(responsible) for e in sent)
    assert person["phone"] not in str(sent)
    assert person["email"] not in str(sent)

    # Redelivery of the very same events (same ids): nothing new is created or sent.
    before = _duplicates((await svc.client.get("/metrics")).text)
    for _, env in hazard.sent:
        await svc.publish(env, topic="inspection.hazards")

    async def redelivered() -> bool:
        return _duplicates((await svc.client.get("/metrics")).text) >= before + 2

    await wait_until(redelivered, timeout=20)
    await svc.client.post("/_admin/sweeps/dispatch", headers=svc.auth("admin"))
    assert len(await messages(sink, "email", person["email"])) == 1
    assert len(await messages(sink, "robot", person["chat_id"])) == 1
    count = await svc.pool.fetchval(
        "SELECT count(*) FROM notifications WHERE subject_id = $1", hazard.hazard_id
    )
    assert count == 2

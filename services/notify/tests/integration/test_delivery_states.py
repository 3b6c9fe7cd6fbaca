"""Retries with backoff, permanent failures, receipts out of order, refusals before any send."""

import uuid

from tests.integration.conftest import START
from tests.integration.helpers import contact, later, messages, wait_messages, wait_rows


async def _manual_sms(svc, person: uuid.UUID, text: str) -> str:
    made = await svc.client.post(
        "/notifications",
        json={
            "recipient_person_id": str(person),
            "channel": "sms",
            "priority": "HIGH",
            "params": {"title": "测试", "message": text},
        },
        headers=svc.auth("notify_operator"),
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def test_gateway_answering_500_then_200_is_retried_after_backoff_and_ends_delivered(
    svc, sink, clock
):
    clock.set(START)
    person = uuid.uuid4()
    address = await contact(svc, person)
    await sink.post("/_control/script", json={"kind": "sms", "statuses": [500]})
    nid = await _manual_sms(svc, person, "请于今日下午三点参加安全例会。")

    [first] = await wait_messages(sink, "sms", address["phone"])
    assert first["answered"] == 500
    [row] = await wait_rows(
        svc, "SELECT * FROM notifications WHERE id = $1 AND status = 'FAILED'", uuid.UUID(nid)
    )
    assert row["attempts"] == 1
    assert row["next_attempt_at"] == later(START, seconds=60)

    clock.set(later(START, seconds=61))  # the backoff has passed
    both = await wait_messages(sink, "sms", address["phone"], count=2)
    assert [m["answered"] for m in both] == [500, 200]
    assert both[1]["text"] == "【益阳民政】请于今日下午三点参加安全例会。"
    [row] = await wait_rows(
        svc, "SELECT * FROM notifications WHERE id = $1 AND status = 'DELIVERED'", uuid.UUID(nid)
    )
    assert row["attempts"] == 2
    events = await svc.events("notify.notifications", subject=nid)
    assert [e["type"] for e in events] == [
        "notify.notification.delivery_failed.v1",
        "notify.notification.sent.v1",
    ]
    assert events[0]["data"]["error_class"] == "retryable"
    assert [e["aggregateversion"] for e in events] == [1, 2]
    detail = (await svc.client.get(f"/notifications/{nid}", headers=svc.auth("auditor"))).json()
    assert [a["outcome"] for a in detail["delivery_attempts"]] == ["retryable", "delivered"]
    decisions = [a["decision"] for a in detail["audit"]]
    assert decisions[:2] == ["queued", "attempt"]
    assert "retry_scheduled" in decisions
    assert decisions[-1] == "delivered"


async def test_permanent_failure_ends_undeliverable_and_publishes_notification_undeliverable(
    svc, sink, clock
):
    clock.set(START)
    person = uuid.uuid4()
    address = await contact(svc, person)
    await sink.post("/_control/script", json={"kind": "sms", "statuses": [400]})
    nid = await _manual_sms(svc, person, "测试永久失败。")

    await wait_messages(sink, "sms", address["phone"])
    [row] = await wait_rows(
        svc,
        "SELECT * FROM notifications WHERE id = $1 AND status = 'UNDELIVERABLE'",
        uuid.UUID(nid),
    )
    assert row["attempts"] == 1
    events = await svc.events("notify.notifications", subject=nid)
    assert [e["type"] for e in events] == [
        "notify.notification.delivery_failed.v1",
        "notify.notification.undeliverable.v1",
    ]
    assert events[0]["data"]["error_class"] == "permanent"
    assert events[1]["data"]["recipient_person_id"] == str(person)
    clock.set(later(START, hours=1))
    await svc.client.post("/_admin/sweeps/dispatch", headers=svc.auth("admin"))
    assert len(await messages(sink, "sms", address["phone"])) == 1


async def test_a_late_failure_receipt_after_delivery_is_ignored(svc, sink, clock):
    clock.set(START)
    person = uuid.uuid4()
    address = await contact(svc, person)
    nid = await _manual_sms(svc, person, "回执测试。")
    await wait_messages(sink, "sms", address["phone"])
    await wait_rows(
        svc, "SELECT 1 FROM notifications WHERE id = $1 AND status = 'DELIVERED'", uuid.UUID(nid)
    )
    late = await svc.client.post(
        "/receipts",
        json={"notification_id": nid, "status": "FAILED"},
        headers=svc.auth("notify_operator"),
    )
    assert late.json() == {"applied": False, "status": "DELIVERED"}
    trail = (await svc.client.get(f"/notifications/{nid}", headers=svc.auth("admin"))).json()
    assert trail["audit"][-1]["decision"] == "late_signal_ignored"


async def test_missing_variable_or_personal_data_is_refused_and_nothing_is_sent(svc, sink):
    person = uuid.uuid4()
    address = await contact(svc, person)
    missing = await svc.client.post(
        "/templates/hazard_assigned/preview",
        json={"params": {"hazard_no": "YH-1", "site_name": "某院"}},
        headers=svc.auth("notify_operator"),
    )
    assert missing.status_code == 422
    assert missing.json()["code"] == "template_variable_missing"
    assert "deadline" in missing.json()["detail"]
    before = await svc.end_offsets(["notify.notifications"])
    outbox_before = await svc.pool.fetchval(
        "SELECT coalesce(pg_sequence_last_value('outbox_seq_seq'), 0)"
    )
    pii = await svc.client.post(
        "/notifications",
        json={
            "recipient_person_id": str(person),
            "params": {"title": "联系人", "message": "请联系 13912345678 处理"},
        },
        headers=svc.auth("notify_operator"),
    )
    assert pii.status_code == 422
    assert pii.json()["code"] == "pii_in_params"
    assert "13912345678" not in pii.text
    blank = await svc.client.post(
        "/notifications",
        json={"recipient_person_id": str(person), "params": {"title": "空白", "message": " "}},
        headers=svc.auth("notify_operator"),
    )
    assert blank.status_code == 422
    assert blank.json()["code"] == "template_variable_missing"
    unknown = await svc.client.post(
        "/notifications",
        json={"recipient_person_id": str(uuid.uuid4()), "params": {"title": "a", "message": "b"}},
        headers=svc.auth("notify_operator"),
    )
    assert unknown.json()["code"] == "unknown_recipient"
    count = await svc.pool.fetchval(
        "SELECT count(*) FROM notifications WHERE recipient_person_id = $1", person
    )
    assert count == 0
    assert (
        await svc.pool.fetchval("SELECT coalesce(pg_sequence_last_value('outbox_seq_seq'), 0)")
        == outbox_before
    )
    assert await svc.end_offsets(["notify.notifications"]) == before
    assert await messages(sink, "email", address["email"]) == []


async def test_preview_renders_each_channel_with_sms_segments_and_sanitised_values(svc):
    params = {
        "hazard_no": "YH-2024-001",
        "site_name": "资阳区@all养老院 http://evil.example/x",
        "level": "一般",
        "category": "消防",
        "deadline": "2024年3月20日",
    }
    answer = await svc.client.post(
        "/templates/hazard_assigned/preview",
        json={"params": params},
        headers=svc.auth("notify_operator"),
    )
    assert answer.status_code == 200, answer.text
    by_channel = {r["channel"]: r for r in answer.json()["rendered"]}
    assert by_channel["sms"]["text"].startswith("【益阳民政】")
    sms_text = by_channel["sms"]["text"]
    assert by_channel["sms"]["sms_segments"] == (
        1 if len(sms_text) <= 70 else -(-len(sms_text) // 67)
    )
    assert "http://" not in by_channel["sms"]["text"]
    assert "@all" not in by_channel["robot"]["text"]
    assert "＠all" in by_channel["robot"]["text"]
    assert by_channel["email"]["subject"].startswith("【隐患整改】")
    denied = await svc.client.post(
        "/templates/hazard_assigned/preview", json={"params": params}, headers=svc.auth("inspector")
    )
    assert denied.status_code == 403


async def test_an_event_whose_params_fail_the_template_is_refused_and_announced_not_sent(
    svc, sink, clock
):
    from datetime import date

    from shared.events import inspection as ins
    from tests.integration.helpers import inject
    from tests.integration.world import site

    clock.set(START)
    head = uuid.uuid4()
    address = await contact(svc, head)
    site_id = await site(svc, head, START, name="资阳区敬老院")
    await wait_rows(svc, "SELECT 1 FROM sites WHERE site_id = $1", site_id)
    notice = uuid.uuid4()
    await inject(
        svc,
        ins.WorkNoticeIssued(
            notice_id=notice,
            notice_no="TS-2024-009",
            title="请回电13912345678确认",
            issued_at=START,
            issuer_person_id=uuid.uuid4(),
            target_site_ids=(site_id,),
            require_ack=True,
            ack_due_on=date(2024, 3, 15),
        ),
        2,
        START,
    )
    rows = await wait_rows(
        svc, "SELECT * FROM notifications WHERE subject_id = $1", notice, count=2
    )
    assert {r["status"] for r in rows} == {"UNDELIVERABLE"}
    assert {r["last_error"] for r in rows} == {"pii_in_params"}
    assert {r["attempts"] for r in rows} == {0}
    assert {r["params"] for r in rows} == {None}
    for row in rows:
        events = await svc.events("notify.notifications", subject=str(row["id"]))
        assert [e["type"] for e in events] == ["notify.notification.undeliverable.v1"]
    assert await messages(sink, "email", address["email"]) == []
    assert await messages(sink, "robot", address["chat_id"]) == []

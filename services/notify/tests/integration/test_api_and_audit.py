"""Contacts (encrypted, masked, audited), reads for staff, metrics, retention purge, sinks."""

import asyncio
import os
import subprocess
import sys
import uuid

import asyncpg
import httpx
import pytest

from notify.adapters.delivery import dispatch_lock_key
from shared.testing.harness import wait_until
from tests.integration.conftest import START, free_port
from tests.integration.helpers import contact, later, sweep, wait_messages, wait_rows


async def test_contacts_are_stored_encrypted_shown_masked_and_only_to_their_administrators(svc):
    person = uuid.uuid4()
    body = {"email": "li.si@example.org", "phone": "13912345678", "chat_id": "lisi"}
    denied = await svc.client.put(f"/contacts/{person}", json=body, headers=svc.auth("inspector"))
    assert denied.status_code == 403
    bad = await svc.client.put(
        f"/contacts/{person}", json={"phone": "12345"}, headers=svc.auth("notify_operator")
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_phone"
    assert "12345" not in bad.text
    empty = await svc.client.put(f"/contacts/{person}", json={}, headers=svc.auth("admin"))
    assert empty.json()["code"] == "contact_empty"

    made = await svc.client.put(
        f"/contacts/{person}", json=body, headers=svc.auth("notify_operator")
    )
    assert made.status_code == 200
    assert made.json()["phone"] == "139****5678"
    assert made.json()["email"] == "l***@example.org"
    row = await svc.pool.fetchrow("SELECT * FROM contacts WHERE person_id = $1", person)
    stored = b"".join(row[c] for c in ("email_enc", "phone_enc", "chat_id_enc"))
    assert b"13912345678" not in stored
    assert b"li.si" not in stored
    again = await svc.client.put(f"/contacts/{person}", json=body, headers=svc.auth("admin"))
    assert again.json()["aggregate_version"] == 2

    read = await svc.client.get(f"/contacts/{person}", headers=svc.auth("notify_operator"))
    assert read.json()["chat_id"] == "li***"
    audit = await svc.pool.fetch(
        "SELECT decision, actor FROM audit_log WHERE recipient_person_id = $1 ORDER BY seq", person
    )
    assert [a["decision"] for a in audit] == ["contact_written", "contact_written", "contact_read"]
    gone = await svc.client.delete(f"/contacts/{person}", headers=svc.auth("admin"))
    assert gone.status_code == 204
    missing = await svc.client.get(f"/contacts/{person}", headers=svc.auth("admin"))
    assert missing.status_code == 404


async def test_staff_list_notifications_by_filters_and_metrics_count_them_by_channel(
    svc, sink, clock
):
    clock.set(START)
    person = uuid.uuid4()
    address = await contact(svc, person)
    made = await svc.client.post(
        "/notifications",
        json={"recipient_person_id": str(person), "params": {"title": "会议", "message": "开会"}},
        headers={**svc.auth("notify_operator"), "Idempotency-Key": f"k-{person}"},
    )
    assert made.status_code == 201
    replay = await svc.client.post(
        "/notifications",
        json={"recipient_person_id": str(person), "params": {"title": "会议", "message": "开会"}},
        headers={**svc.auth("notify_operator"), "Idempotency-Key": f"k-{person}"},
    )
    assert replay.json()["id"] == made.json()["id"]
    reused = await svc.client.post(
        "/notifications",
        json={"recipient_person_id": str(person), "params": {"title": "会议", "message": "改"}},
        headers={**svc.auth("notify_operator"), "Idempotency-Key": f"k-{person}"},
    )
    assert reused.json()["code"] == "idempotency_key_reused"
    await wait_messages(sink, "email", address["email"])
    await wait_rows(
        svc,
        "SELECT 1 FROM notifications WHERE recipient_person_id = $1 AND status = 'DELIVERED'",
        person,
    )

    listed = await svc.client.get(
        "/notifications",
        params={"recipient": str(person), "status": "DELIVERED"},
        headers=svc.auth("safety_lead"),
    )
    assert listed.status_code == 200
    [item] = listed.json()["items"]
    assert item["text"].startswith("开会")
    assert "address" not in item
    by_type = await svc.client.get(
        "/notifications",
        params={"event": "notify.notification.manual.v1", "since": START.isoformat()},
        headers=svc.auth("auditor"),
    )
    assert item["id"] in {i["id"] for i in by_type.json()["items"]}
    none = await svc.client.get(
        "/notifications",
        params={"recipient": str(person), "until": START.isoformat()},
        headers=svc.auth("auditor"),
    )
    assert none.json()["count"] == 0
    assert (
        await svc.client.get("/notifications", headers=svc.auth("inspector"))
    ).status_code == 403
    unknown = await svc.client.get(f"/notifications/{uuid.uuid4()}", headers=svc.auth("admin"))
    assert unknown.status_code == 404

    await sweep(svc, "gauges")
    metrics = (await svc.client.get("/metrics")).text
    assert 'notify_notifications{channel="email",status="DELIVERED"}' in metrics
    assert 'notify_notification_transitions_total{channel="email",status="DELIVERED"}' in metrics
    assert 'notify_delivery_attempts_total{channel="email",outcome="delivered"}' in metrics
    rules = await svc.client.get("/routing-rules", headers=svc.auth("auditor"))
    assert rules.json()["version"] == 1
    assert len(rules.json()["rules"]) == 13


async def test_retention_purges_content_but_the_audit_stays_and_cannot_be_changed(svc, sink, clock):
    clock.set(START)
    person = uuid.uuid4()
    address = await contact(svc, person)
    made = await svc.client.post(
        "/notifications",
        json={"recipient_person_id": str(person), "params": {"title": "保留", "message": "期限"}},
        headers=svc.auth("notify_operator"),
    )
    nid = uuid.UUID(made.json()["id"])
    await wait_messages(sink, "email", address["email"])
    await wait_rows(svc, "SELECT 1 FROM notifications WHERE id = $1 AND status = 'DELIVERED'", nid)

    clock.set(later(START, days=31))
    assert (await sweep(svc, "purge"))["processed"] >= 1
    row = await svc.pool.fetchrow("SELECT * FROM notifications WHERE id = $1", nid)
    assert row["params"] is None
    assert row["rendered_body"] is None
    assert row["purged_at"] is not None
    assert row["status"] == "DELIVERED"
    trail = await svc.client.get(
        "/audit", params={"notification_id": str(nid)}, headers=svc.auth("auditor")
    )
    decisions = [a["decision"] for a in trail.json()]
    assert decisions[0] == "queued"
    assert "delivered" in decisions
    assert all(a["rule_version"] == 1 and a["template_version"] == 1 for a in trail.json())
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await svc.pool.execute("UPDATE audit_log SET reason = 'x' WHERE notification_id = $1", nid)
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await svc.pool.execute("DELETE FROM audit_log WHERE notification_id = $1", nid)
    clock.set(START)


async def test_a_send_stuck_in_flight_is_released_for_another_attempt(svc, clock):
    clock.set(START)
    person = uuid.uuid4()
    await contact(svc, person)
    nid = uuid.uuid4()
    async with svc.pool.acquire() as lock:
        await lock.execute("SELECT pg_advisory_lock($1, $2)", *dispatch_lock_key(svc.schema))
        try:
            made = await svc.client.post(
                "/notifications",
                json={
                    "id": str(nid),
                    "recipient_person_id": str(person),
                    "params": {"title": "卡住", "message": "测试"},
                },
                headers=svc.auth("notify_operator"),
            )
            assert made.status_code == 201
            await svc.pool.execute(
                "UPDATE notifications SET in_flight_since = now() - interval '1 hour', "
                "attempts = 1 WHERE id = $1",
                nid,
            )
            await svc.pool.execute(
                "INSERT INTO delivery_attempts VALUES ($1, 1, 'email', $2)", nid, START
            )
            assert (await sweep(svc, "stuck"))["processed"] == 1
        finally:
            await lock.execute("SELECT pg_advisory_unlock($1, $2)", *dispatch_lock_key(svc.schema))
    [row] = await wait_rows(
        svc, "SELECT * FROM notifications WHERE id = $1 AND status = 'DELIVERED'", nid
    )
    assert row["attempts"] == 2
    outcomes = await svc.pool.fetch(
        "SELECT outcome FROM delivery_attempts WHERE notification_id = $1 ORDER BY attempt", nid
    )
    assert [o["outcome"] for o in outcomes] == ["unknown", "delivered"]


async def test_python_m_notify_sinks_serves_the_chinese_page_on_ports_from_the_environment():
    smtp, http = free_port(), free_port()
    env = {**os.environ, "NOTIFY_SINK_SMTP_PORT": str(smtp), "NOTIFY_SINK_HTTP_PORT": str(http)}
    proc = subprocess.Popen([sys.executable, "-m", "notify.sinks"], env=env)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{http}") as client:

            async def up() -> bool:
                try:
                    return (await client.get("/")).status_code == 200
                except httpx.HTTPError:
                    return False

            await wait_until(up, timeout=20)
            await client.post(
                "/robot/k", json={"msgtype": "text", "text": {"content": "<b>测</b>"}}
            )
            page = (await client.get("/")).text
            assert "通知开发接收端" in page
            assert "群机器人" in page
            assert "&lt;b&gt;测&lt;/b&gt;" in page
    finally:
        proc.terminate()
        await asyncio.to_thread(proc.wait, 10)
    assert proc.returncode == 0


async def test_a_nul_in_manual_params_is_422_and_other_control_characters_are_collapsed(svc):
    person = uuid.uuid4()
    await contact(svc, person)
    headers = svc.auth("notify_operator")
    for params in ({"title": "会议", "message": "开\x00会"}, {"title": "会议", "message\x00": "x"}):
        body = {"recipient_person_id": str(person), "params": params}
        refused = await svc.client.post("/notifications", json=body, headers=headers)
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "invalid_input"
    body = {"recipient_person_id": str(person), "params": {"title": "会议", "message": "开\x1b会"}}
    made = await svc.client.post("/notifications", json=body, headers=headers)
    assert made.status_code == 201, made.text
    preview = await svc.client.post(
        "/templates/manual_notice/preview",
        json={"params": {"title": "会议", "message": "开\x1b\x07会"}, "channels": ["email"]},
        headers=headers,
    )
    assert preview.json()["rendered"][0]["text"].startswith("开 会")


async def test_odd_notification_filters_are_422_never_500(svc):
    headers = svc.auth("auditor")
    for params in ({"event": "A'\x0b<q\x00"}, {"event": "x" * 201}, {"status": "SENT\x00"}):
        refused = await svc.client.get("/notifications", params=params, headers=headers)
        assert refused.status_code == 422, (params, refused.text)
        assert refused.json()["code"] == "invalid_input"
    found = await svc.client.get(
        "/notifications", params={"event": "notify.notification.manual.v1"}, headers=headers
    )
    assert found.status_code == 200

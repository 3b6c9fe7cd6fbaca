"""notify: the authorization matrix (``notify...http.roles``), acknowledgement by the recipient
only, and contact details shown masked with every read in ``audit_log``.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from devstack.ports import free_port
from notify.config import Settings
from notify.entrypoints.app import definition
from notify.entrypoints.http import roles as r
from notify.sinks.servers import DevSinks
from shared.clock import SimulatedClock
from shared.testing import Harness, start_service
from shared.testing.harness import wait_until
from tests.access.matrix import PLATFORM, ROLES, MatrixTests, Probe, Roles, is_problem
from tests.access.world import made, made_by_each, mobile, person

NOW = datetime(2024, 3, 6, 2, 0, tzinfo=UTC)  # 10:00 in Yiyang: outside quiet hours
TABLE: dict[str, Roles] = {
    **PLATFORM,
    "POST /_admin/sweeps/{name}": r.ADMINS,
    "PUT /contacts/{person_id}": r.CONTACT_ADMINS,
    "GET /contacts/{person_id}": r.CONTACT_ADMINS,
    "DELETE /contacts/{person_id}": r.CONTACT_ADMINS,
    "POST /notifications": r.OPERATORS,
    "GET /notifications": r.STAFF_READERS,
    "GET /notifications/{notification_id}": r.STAFF_READERS,
    # Any authenticated person may try; the recipient check comes after (403 not_recipient).
    "POST /notifications/{notification_id}/ack": ROLES,
    "POST /receipts": r.OPERATORS,
    "GET /templates": r.STAFF_READERS,
    "POST /templates/{code}/preview": r.OPERATORS,
    "GET /routing-rules": r.STAFF_READERS,
    "GET /audit": r.AUDITORS,
}


@pytest.fixture(scope="module")
async def sinks() -> AsyncIterator[DevSinks]:
    """The dev SMTP and HTTP sinks the sandbox delivers to."""
    found = DevSinks(
        smtp_host="127.0.0.1", smtp_port=free_port(), http_host="127.0.0.1", http_port=free_port()
    )
    await found.start()
    yield found
    await found.stop()


@pytest.fixture(scope="module")
async def svc(pg_admin_dsn: str, kafka_bootstrap: str, sinks: DevSinks) -> AsyncIterator[Harness]:
    """One notify service for the module, delivering to the sinks."""
    async with start_service(
        definition,
        Settings,
        pg_admin_dsn=pg_admin_dsn,
        kafka_bootstrap=kafka_bootstrap,
        clock=SimulatedClock(NOW),
        vault_key=base64.b64encode(secrets.token_bytes(32)).decode(),
        sandbox_mode=True,
        sink_smtp_port=sinks.smtp_port,
        sink_http_url=sinks.http_url,
        dispatch_interval_s=0.1,
        sweep_interval_s=3600,
    ) as harness:
        yield harness


async def contact(svc: Harness, person_id: str) -> dict[str, str]:
    """Register a person's contact details (as the notify operator)."""
    body = {
        "email": f"p{uuid.uuid4().hex[:10]}@test.yiyang.example",
        "phone": mobile(),
        "chat_id": f"chat{uuid.uuid4().hex[:8]}",
    }
    await made(svc, f"/contacts/{person_id}", body, "notify_operator", "PUT")
    return body


async def delivered(svc: Harness, recipient: str) -> dict[str, Any]:
    """A notification sent by hand to a person and delivered by e-mail."""
    body = {"recipient_person_id": recipient, "params": {"title": "会议", "message": "周五开会"}}
    sent = await made(svc, "/notifications", body, "notify_operator")
    sql = "SELECT status = 'DELIVERED' FROM notifications WHERE id = $1"

    async def arrived() -> bool:
        return bool(await svc.pool.fetchval(sql, uuid.UUID(sent["id"])))

    await wait_until(arrived, timeout=30)
    return sent


@pytest.fixture(scope="module")
async def probe(svc: Harness) -> Probe:
    """The service's routes, with a contact and a notification to read.

    Each role allowed to write contacts and to send by hand does so once (2xx).
    """
    recipient = person("main_leader")
    details = {"email": "leader@test.yiyang.example", "phone": mobile()}
    path = f"/contacts/{recipient}"
    await made_by_each(svc, TABLE["PUT /contacts/{person_id}"], path, lambda: details, "PUT")
    body = {"recipient_person_id": recipient, "params": {"title": "会议", "message": "周五开会"}}
    await made_by_each(svc, TABLE["POST /notifications"], "/notifications", lambda: body)
    sent = await delivered(svc, recipient)
    return Probe(
        svc,
        TABLE,
        world={"person_id": recipient, "notification_id": sent["id"]},
        fixed={"name": "no-such-sweep", "code": "no-such-template"},
        query={"GET /audit": {"notification_id": sent["id"]}},
        body={"POST /templates/{code}/preview": {"params": {}, "channels": ["email"]}},
    )


class TestNotifyMatrix(MatrixTests):
    """Every notify route, every role."""


async def state(svc: Harness, notification_id: str) -> tuple[Any, ...]:
    """What a refused acknowledgement must leave alone: the row, its audit, the outbox."""
    nid = uuid.UUID(notification_id)
    row = await svc.pool.fetchrow(
        "SELECT status, acked_at, version FROM notifications WHERE id = $1", nid
    )
    audit = await svc.pool.fetchval(
        "SELECT count(*) FROM audit_log WHERE notification_id = $1", nid
    )
    outbox = await svc.pool.fetchval("SELECT coalesce(pg_sequence_last_value('outbox_seq_seq'), 0)")
    assert row is not None
    return (tuple(row), audit, outbox)


async def test_only_the_recipient_acknowledges_not_an_operator_an_admin_or_a_colleague(
    svc: Harness,
) -> None:
    # The service's own test refuses a stranger; here those who can see or send the message,
    # and a second person holding the recipient's very role, are refused as well.
    recipient = "inspector"
    await contact(svc, person(recipient))
    sent = await delivered(svc, person(recipient))
    ack = f"/notifications/{sent['id']}/ack"
    before = await state(svc, sent["id"])
    for key in ("admin", "notify_operator", "inspector_2", "auditor", "safety_lead"):
        refused = await svc.client.post(ack, headers=svc.auth(key))
        assert is_problem(refused, 403, "not_recipient") is None, (key, refused.text)
    assert is_problem(await svc.client.post(ack), 401, "unauthenticated") is None
    assert await state(svc, sent["id"]) == before
    done = await svc.client.post(ack, headers=svc.auth(recipient))
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "ACKNOWLEDGED"
    events = await svc.events("notify.notifications", subject=sent["id"])
    [acked] = [e for e in events if e["type"] == "notify.notification.acknowledged.v1"]
    assert acked["actor"] == person(recipient)


async def test_contacts_are_masked_for_their_administrators_and_every_read_is_audited(
    svc: Harness,
) -> None:
    subject = str(uuid.uuid4())
    clear = await contact(svc, subject)
    audit_sql = (
        "SELECT decision, actor, recipient_person_id FROM audit_log "
        "WHERE recipient_person_id = $1 AND decision = 'contact_read' ORDER BY seq"
    )
    for key in r.CONTACT_ADMINS:
        read = await svc.client.get(f"/contacts/{subject}", headers=svc.auth(key))
        assert read.status_code == 200, read.text
        assert not [v for v in clear.values() if v in read.text], "masked only"
    rows = await svc.pool.fetch(audit_sql, uuid.UUID(subject))
    assert [(row["decision"], row["actor"]) for row in rows] == [
        ("contact_read", key) for key in r.CONTACT_ADMINS
    ]
    # Decision: a refused read is not audited. The 403 is decided from the token alone, before
    # the subject is looked up, so nothing about the person was disclosed; refusals show in the
    # HTTP metrics (status 403), not in the personal-data ledger.
    for role in sorted(set(ROLES) - set(r.CONTACT_ADMINS)):
        refused = await svc.client.get(f"/contacts/{subject}", headers=svc.auth(role))
        assert is_problem(refused, 403, "forbidden_role") is None, role
        assert not [v for v in clear.values() if v in refused.text]
    assert len(await svc.pool.fetch(audit_sql, uuid.UUID(subject))) == len(r.CONTACT_ADMINS)
    # Staff who follow notifications up never see where they went.
    sent = await delivered(svc, subject)
    for role in r.STAFF_READERS:
        detail = await svc.client.get(f"/notifications/{sent['id']}", headers=svc.auth(role))
        assert detail.status_code == 200, detail.text
        assert not [v for v in clear.values() if v in detail.text], role

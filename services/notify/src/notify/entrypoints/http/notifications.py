"""Notifications over HTTP: manual send, reads, acknowledgement, receipts, audit, sweeps."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request

from notify.adapters import audit, notifications as repo
from notify.adapters.db import Conn
from notify.domain.model import Channel, Priority, Status
from notify.domain.policy import backoff
from notify.entrypoints.http import schemas as s
from notify.entrypoints.http.roles import Admin, Anyone, Auditor, Operator, StaffReader
from notify.entrypoints.http.routes import Parts, notification_out
from notify.service_layer import publishing
from notify.service_layer.creating import Draft, prepare
from shared.http import idempotency
from shared.http.problems import Problem, problem_responses
from shared.service import runtime_of

MANUAL_EVENT_TYPE = "notify.notification.manual.v1"
Sweeps = Callable[[], dict[str, Callable[[datetime], Awaitable[int]]]]


def notifications_router(parts: Parts) -> APIRouter:
    """The /notifications routes."""
    router = APIRouter(prefix="/notifications", tags=["通知 notifications"])
    _add_send(router, parts)
    _add_reads(router)
    _add_ack(router, parts)
    return router


def _add_send(router: APIRouter, parts: Parts) -> None:
    @router.post(
        "",
        status_code=201,
        response_model=s.NotificationOut,
        responses=problem_responses(401, 403, 409, 422),
    )
    async def send_manual(
        body: s.NotificationIn,
        request: Request,
        who: Operator,
        idempotency_key: Annotated[str | None, Header()] = None,
    ) -> Any:
        """Send a notification by hand to a person with a registered contact."""
        runtime = runtime_of(request)
        now = runtime.clock.now()
        fingerprint = idempotency.fingerprint(body.model_dump(mode="json"))
        async with runtime.pool.acquire() as pooled, pooled.transaction():
            conn: Conn = pooled
            if idempotency_key is not None:
                stored = await idempotency.replay(
                    conn, scope="notifications", key=idempotency_key, body_fingerprint=fingerprint
                )
                if stored is not None:
                    return stored.body
            channel = Channel(body.channel)
            if await parts.contacts.address(conn, body.recipient_person_id, channel) is None:
                raise Problem(422, "unknown_recipient", f"接收人未登记{channel}联系方式")
            event_id = str(body.id or uuid.uuid4())
            draft = Draft(
                event_id=event_id,
                event_type=MANUAL_EVENT_TYPE,
                rule_code="manual",
                trigger_kind="manual",
                recipient=body.recipient_person_id,
                recipient_source=f"manual:{who.key}",
                channel=channel,
                template_code=body.template_code,
                params={k: str(v) for k, v in body.params.items()},
                priority=Priority(body.priority),
            )
            try:
                new = prepare(draft, now=now, policy=parts.policy)
            except Exception as exc:
                raise Problem(422, "unknown_template", "模板不存在") from exc
            if new.refusal is not None:
                raise Problem(422, new.refusal.code, new.refusal.detail)
            new = dataclasses.replace(new, id=body.id or new.id)
            if await repo.get(conn, new.id) is not None:
                raise Problem(409, "duplicate_notification", "该通知编号已存在")
            row = await parts.store.create(conn, new, actor=str(who.person_id))
            response = notification_out(row).model_dump(mode="json")
            if idempotency_key is not None:
                await idempotency.remember(
                    conn,
                    scope="notifications",
                    key=idempotency_key,
                    body_fingerprint=fingerprint,
                    status_code=201,
                    body=response,
                )
        return response


def _add_reads(router: APIRouter) -> None:
    @router.get("", response_model=s.NotificationList, responses=problem_responses(401, 403))
    async def list_notifications(  # noqa: PLR0913 - query filters
        request: Request,
        _: StaffReader,
        status: Annotated[Status | None, Query()] = None,
        recipient: Annotated[uuid.UUID | None, Query()] = None,
        # An event id or type is made of these; anything else (a NUL was a 500) is 422.
        event: Annotated[
            str | None,
            Query(
                max_length=200, pattern=r"^[A-Za-z0-9_.:-]+$", description="来源事件 id 或事件类型"
            ),
        ] = None,
        since: Annotated[datetime | None, Query()] = None,
        until: Annotated[datetime | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> s.NotificationList:
        """Notifications filtered by status, recipient, source event and creation time."""
        runtime = runtime_of(request)
        async with runtime.pool.acquire() as conn:
            rows = await repo.search(
                conn,
                status=str(status) if status else None,
                recipient=recipient,
                event=event,
                since=since,
                until=until,
                limit=limit,
            )
        items = [notification_out(r) for r in rows]
        return s.NotificationList(items=items, count=len(items))

    @router.get(
        "/{notification_id}",
        response_model=s.NotificationDetailOut,
        responses=problem_responses(401, 403, 404),
    )
    async def get_notification(
        notification_id: uuid.UUID, request: Request, _: StaffReader
    ) -> s.NotificationDetailOut:
        """One notification with its delivery attempts and audit trail."""
        runtime = runtime_of(request)
        async with runtime.pool.acquire() as conn:
            row = await repo.get(conn, notification_id)
            if row is None:
                raise Problem(404, "not_found", "通知不存在")
            tried = await repo.attempts(conn, notification_id)
            trail = await audit.trail(conn, notification_id=notification_id)
        base = notification_out(row).model_dump()
        return s.NotificationDetailOut(
            **base, delivery_attempts=[s.AttemptOut(**a) for a in tried], audit=trail
        )


def _add_ack(router: APIRouter, parts: Parts) -> None:
    @router.post(
        "/{notification_id}/ack",
        response_model=s.NotificationOut,
        responses=problem_responses(401, 403, 404, 409),
    )
    async def acknowledge(
        notification_id: uuid.UUID, request: Request, who: Anyone
    ) -> s.NotificationOut:
        """The recipient acknowledges (only the recipient: 403 for anyone else)."""
        runtime = runtime_of(request)
        now = runtime.clock.now()
        async with runtime.pool.acquire() as conn, conn.transaction():
            row = await repo.get(conn, notification_id, lock=True)
            if row is None:
                raise Problem(404, "not_found", "通知不存在")
            if row["recipient_person_id"] != who.person_id:
                raise Problem(403, "not_recipient", "只有该通知的接收人本人可以确认")
            if row["status"] == Status.ACKNOWLEDGED:
                return notification_out(row)
            if row["status"] not in (Status.SENT, Status.DELIVERED):
                raise Problem(409, "invalid_state", "该通知尚未送达或已终止，不能确认")
            await parts.store.move(
                conn,
                row,
                Status.ACKNOWLEDGED,
                at=now,
                actor=str(who.person_id),
                events=[publishing.acknowledged(row, now)],
                acked_at=now,
            )
            if row["chain_id"] is not None:
                await parts.escalator.close(
                    conn,
                    row["chain_id"],
                    status="ACKED",
                    reason=f"acknowledged {row['id']}",
                    at=now,
                )
            row = await repo.get(conn, notification_id)
        return notification_out(row)


def receipts_router(parts: Parts) -> APIRouter:
    """POST /receipts: delivery receipts from providers (late or out-of-order ones ignored)."""
    router = APIRouter(tags=["回执 receipts"])

    @router.post("/receipts", responses=problem_responses(401, 403, 404))
    async def receipt(body: s.ReceiptIn, request: Request, _: Operator) -> dict[str, Any]:
        """Apply a receipt: DELIVERED, or FAILED (permanent ends it, retryable retries)."""
        runtime = runtime_of(request)
        now = runtime.clock.now()
        async with runtime.pool.acquire() as conn, conn.transaction():
            row = await repo.get(conn, body.notification_id, lock=True)
            if row is None:
                raise Problem(404, "not_found", "通知不存在")
            if body.status == "DELIVERED":
                applied = await parts.store.move(
                    conn, row, Status.DELIVERED, at=now, delivered_at=now, decision="receipt"
                )
            elif row["status"] == Status.SENT and body.error_class == "retryable":
                retry_at = now + backoff(int(row["attempts"]), parts.policy.backoff_s)
                applied = await _reopen(conn, parts, row, now, retry_at)
            else:
                failed = publishing.delivery_failed(row, int(row["attempts"]), "permanent", now)
                applied = await parts.store.move(
                    conn,
                    row,
                    Status.UNDELIVERABLE,
                    at=now,
                    decision="receipt",
                    events=[failed, publishing.undeliverable(row)],
                    last_error="receipt: failed",
                )
            current = await conn.fetchval(
                "SELECT status FROM notifications WHERE id = $1", row["id"]
            )
        return {"applied": applied, "status": current}

    return router


async def _reopen(conn: Any, parts: Parts, row: Any, now: datetime, retry_at: datetime) -> bool:
    """A transient failure reported after the hand-over: send again while the deadline allows."""
    if retry_at > row["deadline_at"]:
        failed = publishing.delivery_failed(row, int(row["attempts"]), "retryable", now)
        return await parts.store.move(
            conn,
            row,
            Status.UNDELIVERABLE,
            at=now,
            decision="receipt",
            events=[failed, publishing.undeliverable(row)],
            last_error="receipt: deadline",
        )
    failed = publishing.delivery_failed(row, int(row["attempts"]), "retryable", now)
    version = await parts.store.publish(conn, row, [failed], at=now)
    await conn.execute(
        "UPDATE notifications SET status = 'FAILED', next_attempt_at = $2, version = $3 "
        "WHERE id = $1",
        row["id"],
        retry_at,
        version,
    )
    await audit.record_for(conn, row, now, "receipt", outcome="FAILED", reason="retryable")
    return True


def admin_router(sweeps: Sweeps, *, demo_mode: bool) -> APIRouter:
    """Audit reads and the demo-mode sweep trigger."""
    router = APIRouter(tags=["审计与运维 audit & ops"])

    @router.get("/audit", responses=problem_responses(401, 403, 422))
    async def audit_trail(
        request: Request,
        _: Auditor,
        notification_id: Annotated[uuid.UUID | None, Query()] = None,
        source_event_id: Annotated[uuid.UUID | None, Query()] = None,
    ) -> list[dict[str, Any]]:
        """The audit rows of a notification or of a source event."""
        if notification_id is None and source_event_id is None:
            raise Problem(422, "filter_required", "请指定 notification_id 或 source_event_id")
        runtime = runtime_of(request)
        async with runtime.pool.acquire() as conn:
            return await audit.trail(
                conn, notification_id=notification_id, source_event_id=source_event_id
            )

    @router.post(
        "/_admin/sweeps/{name}",
        response_model=s.SweepOut,
        responses=problem_responses(401, 403, 404),
    )
    async def sweep(name: str, request: Request, _: Admin) -> s.SweepOut:
        """Run one sweeper now (demo mode only): dispatch, escalations, stuck, purge, gauges."""
        runtime = runtime_of(request)
        found = sweeps().get(name)
        if not demo_mode or found is None:
            raise Problem(404, "not_found", "没有该清扫任务，或未开启演示模式")
        now = runtime.clock.now()
        return s.SweepOut(sweep=name, processed=await found(now), now=now)

    return router

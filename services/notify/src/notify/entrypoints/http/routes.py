"""notify's HTTP API: contacts, notifications and acknowledgement, templates, rules, audit."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request

from notify.adapters import audit
from notify.adapters.contacts import ContactDetails, Contacts
from notify.adapters.escalation import Escalator
from notify.adapters.notifications import Store
from notify.domain import routing, templates
from notify.domain.model import Channel, NotifyError
from notify.entrypoints.http import schemas as s
from notify.entrypoints.http.roles import ContactAdmin, Operator, StaffReader
from notify.service_layer.creating import Policy
from shared.http.problems import Problem, problem_responses
from shared.service import runtime_of

_PHONE = re.compile(r"^1[3-9]\d{9}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Parts:
    """What the routes need besides the runtime."""

    store: Store
    contacts: Contacts
    escalator: Escalator
    policy: Policy


def problem(exc: NotifyError) -> Problem:
    """A domain refusal as 422 problem+json."""
    return Problem(422, exc.code, exc.detail)


def notification_out(row: Any) -> s.NotificationOut:
    """The API view of a row."""
    data = {k: row[k] for k in s.NotificationOut.model_fields if k in row.keys()}  # noqa: SIM118
    data.update(
        subject=row["rendered_subject"], text=row["rendered_body"], aggregate_version=row["version"]
    )
    return s.NotificationOut(**data)


def contacts_router(parts: Parts) -> APIRouter:
    """PUT/GET/DELETE /contacts/{person_id}."""
    router = APIRouter(prefix="/contacts", tags=["联系人 contacts"])

    def out(row: Any) -> s.ContactOut:
        return s.ContactOut(
            person_id=row["person_id"],
            email=row["email_masked"],
            phone=row["phone_masked"],
            chat_id=row["chat_id_masked"],
            aggregate_version=row["version"],
            updated_at=row["updated_at"],
        )

    @router.put(
        "/{person_id}", response_model=s.ContactOut, responses=problem_responses(401, 403, 422)
    )
    async def put_contact(
        person_id: uuid.UUID, body: s.ContactIn, request: Request, who: ContactAdmin
    ) -> s.ContactOut:
        """Replace a person's contact details (stored encrypted; the answer is masked)."""
        if body.phone is not None and not _PHONE.match(body.phone):
            raise Problem(422, "invalid_phone", "手机号格式不正确（应为 11 位大陆手机号）")
        if body.email is not None and not _EMAIL.match(body.email):
            raise Problem(422, "invalid_email", "电子邮箱格式不正确")
        if not (body.email or body.phone or body.chat_id):
            raise Problem(422, "contact_empty", "至少需要提供邮箱、手机号或聊天账号之一")
        runtime = runtime_of(request)
        now = runtime.clock.now()
        async with runtime.pool.acquire() as conn, conn.transaction():
            details = ContactDetails(body.email, body.phone, body.chat_id)
            row = await parts.contacts.put(conn, person_id, details, now)
            await audit.record(
                conn, now, "contact_written", recipient_person_id=person_id, actor=who.key
            )
        return out(row)

    @router.get(
        "/{person_id}", response_model=s.ContactOut, responses=problem_responses(401, 403, 404)
    )
    async def get_contact(
        person_id: uuid.UUID, request: Request, who: ContactAdmin
    ) -> s.ContactOut:
        """A person's contact details, masked (the read is audited)."""
        runtime = runtime_of(request)
        async with runtime.pool.acquire() as conn, conn.transaction():
            row = await parts.contacts.masked(conn, person_id)
            if row is None:
                raise Problem(404, "not_found", "该人员没有登记联系方式")
            await audit.record(
                conn,
                runtime.clock.now(),
                "contact_read",
                recipient_person_id=person_id,
                actor=who.key,
            )
        return out(row)

    @router.delete("/{person_id}", status_code=204, responses=problem_responses(401, 403, 404))
    async def delete_contact(person_id: uuid.UUID, request: Request, who: ContactAdmin) -> None:
        """Forget a person's contact details."""
        runtime = runtime_of(request)
        async with runtime.pool.acquire() as conn, conn.transaction():
            if not await parts.contacts.delete(conn, person_id):
                raise Problem(404, "not_found", "该人员没有登记联系方式")
            await audit.record(
                conn,
                runtime.clock.now(),
                "contact_deleted",
                recipient_person_id=person_id,
                actor=who.key,
            )

    return router


def templates_router(parts: Parts) -> APIRouter:
    """Templates, their preview, and the routing table."""
    router = APIRouter(tags=["模板与路由 templates & routing"])

    @router.get("/templates", response_model=list[s.TemplateOut], responses=problem_responses(401))
    async def list_templates(_: StaffReader) -> list[s.TemplateOut]:
        """Every template version."""
        return [
            s.TemplateOut(
                code=t.code,
                version=t.version,
                description=t.description,
                variables=sorted(t.variables),
                title=t.title,
                body=t.body,
                sms=t.sms,
            )
            for t in templates.TEMPLATES
        ]

    @router.post(
        "/templates/{code}/preview",
        response_model=s.PreviewOut,
        responses=problem_responses(401, 403, 404, 422),
    )
    async def preview(code: str, body: s.PreviewIn, _: Operator) -> s.PreviewOut:
        """Render the current version for each channel, strictly (422 names what is wrong)."""
        try:
            template = templates.latest(code)
        except NotifyError as exc:
            raise Problem(404, exc.code, exc.detail) from None
        rendered = []
        for name in dict.fromkeys(body.channels):
            try:
                r = parts.policy.render(template.code, template.version, body.params, Channel(name))
            except NotifyError as exc:
                raise problem(exc) from None
            rendered.append(
                s.RenderedOut(
                    channel=name,
                    subject=r.subject,
                    text=r.text,
                    sms_segments=r.segments,
                    size_bytes=r.size_bytes,
                )
            )
        return s.PreviewOut(
            template_code=template.code, template_version=template.version, rendered=rendered
        )

    @router.get("/routing-rules", responses=problem_responses(401, 403))
    async def routing_rules(_: StaffReader) -> dict[str, Any]:
        """The routing table in force, with its version and digest."""
        return {
            "version": routing.ROUTING_VERSION,
            "digest": routing.table_digest(),
            "rules": [
                {
                    "code": r.code,
                    "event_type": r.event_type,
                    "recipients": list(r.recipients),
                    "priority": str(r.priority),
                    "template": r.template,
                    "channels": [str(c) for c in r.channels],
                    "escalation_channels": [str(c) for c in r.escalation_channels],
                    "ack_required": r.ack_required,
                    "ladder": list(r.ladder),
                    "description": r.description,
                }
                for r in routing.RULES
            ],
        }

    return router

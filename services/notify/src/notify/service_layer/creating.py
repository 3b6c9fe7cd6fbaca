"""Turning a planned notification into the row to store: ids, lanes, quiet hours, deadlines."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from notify.domain import templates
from notify.domain.model import Channel, NotifyError, Priority, Status
from notify.domain.policy import QuietHours, dedupe_key
from notify.domain.routing import ROUTING_VERSION

# Namespaces of notify's deterministic ids (a redelivered event maps to the same rows).
NOTIFICATION_NS = uuid.UUID("3f5e8a2c-1b7d-5e4f-9a6c-2d8b7e1f0c3a")
CHAIN_NS = uuid.UUID("9c2d4e6f-8a1b-5c3d-7e9f-1a2b3c4d5e6f")


@dataclass(frozen=True)
class Policy:
    """The delivery settings the use cases need (built from Settings by the composition root)."""

    quiet: QuietHours
    deadline_min: Mapping[str, int]
    ack_sla_min: Mapping[str, int]
    backoff_s: tuple[int, ...]
    sms_sign: str = "益阳民政"
    sms_max_segments: int = 3
    daily_cap: int = 5000
    rate_per_min: Mapping[str, int] = field(default_factory=dict)

    def ack_due(self, now: datetime, priority: str) -> datetime:
        """When an unacknowledged hazard-class notification escalates."""
        return now + timedelta(minutes=self.ack_sla_min.get(priority, 1440))

    def render(
        self, code: str, version: int, params: Mapping[str, object], channel: Channel
    ) -> templates.Rendered:
        """Render one stored notification exactly as its template version says."""
        return templates.render(
            templates.version_of(code, version),
            params,
            channel,
            sms_sign=self.sms_sign,
            sms_max_segments=self.sms_max_segments,
        )


@dataclass(frozen=True)
class NewNotification:
    """A notification row about to be inserted."""

    id: uuid.UUID
    dedupe_key: str
    source_event_id: uuid.UUID
    source_event_type: str
    subject_id: uuid.UUID | None
    rule_code: str
    rule_version: int
    trigger_kind: str
    recipient_person_id: uuid.UUID
    recipient_source: str
    channel: Channel
    template_code: str
    template_version: int
    params: dict[str, str]
    priority: Priority
    status: Status
    chain_id: uuid.UUID | None
    escalation_step: int
    next_attempt_at: datetime
    not_before: datetime | None
    deadline_at: datetime
    created_at: datetime
    refusal: NotifyError | None


def chain_id_for(event_id: str, rule_code: str, recipient: uuid.UUID) -> uuid.UUID:
    """The acknowledgement chain of one recipient of one hazard-class event."""
    return uuid.uuid5(CHAIN_NS, f"{event_id}:{rule_code}:{recipient}")


@dataclass(frozen=True)
class Draft:
    """What to send, to whom and why: the input of :func:`prepare`."""

    event_id: str
    event_type: str
    rule_code: str
    trigger_kind: str
    recipient: uuid.UUID
    recipient_source: str
    channel: Channel
    template_code: str
    params: Mapping[str, str]
    priority: Priority
    subject_id: uuid.UUID | None = None
    chain_id: uuid.UUID | None = None
    escalation_step: int = 0


def prepare(draft: Draft, *, now: datetime, policy: Policy) -> NewNotification:
    """The row for a draft: deterministic id, quiet-hours release, deadline, template check.

    A draft whose params fail the template (missing variable, personal data, too long) is
    kept as a refused row: it will never be sent, and the refusal is audited and announced.
    """
    template = templates.latest(draft.template_code)
    key = dedupe_key(draft.event_id, str(draft.recipient), draft.channel, template.code)
    refusal: NotifyError | None = None
    try:
        policy.render(template.code, template.version, draft.params, draft.channel)
    except NotifyError as exc:
        refusal = exc
    release = policy.quiet.release_at(now, draft.priority)
    start = release or now
    deadline = start + timedelta(minutes=policy.deadline_min.get(draft.priority, 1440))
    return NewNotification(
        id=uuid.uuid5(NOTIFICATION_NS, key),
        dedupe_key=key,
        source_event_id=uuid.UUID(draft.event_id),
        source_event_type=draft.event_type,
        subject_id=draft.subject_id,
        rule_code=draft.rule_code,
        rule_version=ROUTING_VERSION,
        trigger_kind=draft.trigger_kind,
        recipient_person_id=draft.recipient,
        recipient_source=draft.recipient_source,
        channel=draft.channel,
        template_code=template.code,
        template_version=template.version,
        params=dict(draft.params),
        priority=draft.priority,
        status=Status.UNDELIVERABLE if refusal else Status.QUEUED,
        chain_id=draft.chain_id,
        escalation_step=draft.escalation_step,
        next_attempt_at=start,
        not_before=release,
        deadline_at=deadline,
        created_at=now,
        refusal=refusal,
    )

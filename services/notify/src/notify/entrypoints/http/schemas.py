"""Request and response models of notify's HTTP API (never the event contracts)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)]
ChatId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^\S+$")
]
ChannelName = Literal["email", "sms", "robot"]
PriorityName = Literal["URGENT", "HIGH", "NORMAL"]
ALL_CHANNELS: tuple[ChannelName, ...] = ("email", "sms", "robot")


class ContactIn(BaseModel):
    """A person's contact details; at least one is required."""

    model_config = ConfigDict(extra="forbid")

    email: Email | None = None
    phone: Phone | None = Field(default=None, description="中国大陆手机号，如 13800000000")
    chat_id: ChatId | None = Field(
        default=None, description="企业微信/钉钉 userid（群机器人 @ 用）"
    )


class ContactOut(BaseModel):
    """A contact as staff may see it: masked."""

    person_id: UUID
    email: str | None
    phone: str | None
    chat_id: str | None
    aggregate_version: int
    updated_at: datetime


class PreviewIn(BaseModel):
    """Params to render a template with."""

    model_config = ConfigDict(extra="forbid")

    params: dict[str, str | int]
    channels: list[ChannelName] = Field(default_factory=lambda: list(ALL_CHANNELS))


class RenderedOut(BaseModel):
    """One channel's rendering."""

    channel: ChannelName
    subject: str
    text: str
    sms_segments: int
    size_bytes: int


class PreviewOut(BaseModel):
    """A template rendered for each asked channel."""

    template_code: str
    template_version: int
    rendered: list[RenderedOut]


class TemplateOut(BaseModel):
    """A template version."""

    code: str
    version: int
    description: str
    variables: list[str]
    title: str
    body: str
    sms: str


class NotificationIn(BaseModel):
    """A notification sent by hand (no personal data in params)."""

    model_config = ConfigDict(extra="forbid")

    id: UUID | None = None
    recipient_person_id: UUID
    template_code: str = "manual_notice"
    params: dict[str, str | int]
    channel: ChannelName = "email"
    priority: PriorityName = "NORMAL"

    @model_validator(mode="after")
    def _no_nul(self) -> NotificationIn:
        # Rendering collapses control characters, but the params are stored first (jsonb), and
        # PostgreSQL stores no NUL: refuse it (422) rather than fail the insert (a 500 before).
        texts = [self.template_code, *self.params, *map(str, self.params.values())]
        if any("\x00" in text for text in texts):
            raise ValueError("params: NUL characters are not allowed")
        return self


class AttemptOut(BaseModel):
    """One provider call."""

    attempt: int
    channel: str
    started_at: datetime
    outcome: str | None
    error_class: str | None
    detail: str | None


class NotificationOut(BaseModel):
    """A notification as staff see it (no address; content until the retention purge)."""

    id: UUID
    source_event_id: UUID
    source_event_type: str
    subject_id: UUID | None
    rule_code: str
    rule_version: int
    recipient_person_id: UUID
    recipient_source: str
    channel: str
    template_code: str
    template_version: int
    priority: str
    status: str
    attempts: int
    escalation_step: int
    chain_id: UUID | None
    created_at: datetime
    not_before: datetime | None
    next_attempt_at: datetime
    deadline_at: datetime
    sent_at: datetime | None
    delivered_at: datetime | None
    acked_at: datetime | None
    finished_at: datetime | None
    last_error: str | None
    subject: str | None = None
    text: str | None = None
    segments: int | None = None
    purged_at: datetime | None = None
    aggregate_version: int


class NotificationDetailOut(NotificationOut):
    """A notification with its attempts and its audit trail."""

    delivery_attempts: list[AttemptOut]
    audit: list[dict[str, Any]]


class NotificationList(BaseModel):
    """A page of notifications."""

    items: list[NotificationOut]
    count: int


class ReceiptIn(BaseModel):
    """A delivery receipt from a provider (SMS DLR, e-mail bounce)."""

    model_config = ConfigDict(extra="forbid")

    notification_id: UUID
    status: Literal["DELIVERED", "FAILED"]
    error_class: Literal["retryable", "permanent"] = "permanent"
    reported_at: datetime | None = None


class SweepOut(BaseModel):
    """What a sweep did."""

    sweep: str
    processed: int
    now: datetime

"""WorkNotice (工作提示): drafted, issued to target sites, acknowledged by each of them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from inspection.domain.errors import ForbiddenError, InvalidInputError, invalid_state

DRAFT = "DRAFT"
ISSUED = "ISSUED"


@dataclass
class WorkNotice:
    """A work notice; ``acks`` maps a site id to when and by whom it acknowledged."""

    id: uuid.UUID
    notice_no: str
    title: str
    content_ref: str | None
    issuer_person_id: uuid.UUID
    target_site_ids: list[uuid.UUID]
    target_kinds: list[str]
    require_ack: bool
    ack_due_on: date
    status: str
    issued_at: datetime | None
    acks: dict[str, Any]
    version: int

    def issue(
        self, *, targets: Sequence[uuid.UUID], issuer_is_leader: bool, now: datetime, today: date
    ) -> None:
        """Send the notice to its (expanded) targets."""
        if self.status != DRAFT:
            raise invalid_state("工作提示", self.status)
        if not issuer_is_leader:
            raise ForbiddenError("issuer_not_leader", "工作提示须由领导小组成员签发")
        if not targets:
            raise InvalidInputError("no_targets", "工作提示没有可下发的机构")
        if self.ack_due_on <= today:
            raise InvalidInputError("invalid_ack_due", "签收截止日期须晚于下发日期")
        self.target_site_ids = list(targets)
        self.status = ISSUED
        self.issued_at = now
        self.version += 1

    def acknowledge(self, *, site_id: uuid.UUID, by: uuid.UUID, now: datetime) -> bool:
        """Record a target site's acknowledgement; False when it had already acknowledged."""
        if self.status != ISSUED:
            raise invalid_state("工作提示", self.status)
        if site_id not in self.target_site_ids:
            raise InvalidInputError("not_a_target", "该机构不在此工作提示的下发范围内")
        if str(site_id) in self.acks:
            return False
        self.acks = {**self.acks, str(site_id): {"acked_at": now.isoformat(), "acked_by": str(by)}}
        self.version += 1
        return True

"""Yellow wristbands (黄手环) and missing-person cases (走失)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eldercare.domain.errors import InvalidInputError, in_future, invalid_state

ACTIVE, DEACTIVATED = "ACTIVE", "DEACTIVATED"


@dataclass
class Wristband:
    """A printed band linking a finder to the bureau's hotline; sensitive (implies dementia)."""

    id: UUID
    code: str
    elder_id: UUID
    brand_project_id: UUID
    issued_at: datetime
    status: str
    deactivated_at: datetime | None
    reason_code: str | None
    version: int

    def deactivate(self, reason_code: str, *, at: datetime) -> None:
        """ACTIVE → DEACTIVATED."""
        if self.status != ACTIVE:
            raise invalid_state("停用")
        self.status = DEACTIVATED
        self.reason_code = reason_code
        self.deactivated_at = at
        self.version += 1


@dataclass
class MissingCase:
    """An elder reported missing, until found."""

    id: UUID
    elder_id: UUID
    county_code: str
    reported_at: datetime
    found_at: datetime | None
    outcome: str | None
    version: int

    def found(self, outcome: str, *, at: datetime, now: datetime) -> None:
        """Close the case: found at a time between the report and now."""
        if at > now:
            raise in_future("找到时间")
        if at < self.reported_at:
            raise InvalidInputError("found_before_reported", "找到时间不能早于报告走失时间")
        if self.found_at is not None:
            raise invalid_state("结案（已找到）")
        self.found_at = at
        self.outcome = outcome
        self.version += 1

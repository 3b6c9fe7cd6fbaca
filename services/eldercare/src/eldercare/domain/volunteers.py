"""The 银龄行动 volunteer corps (总队), its branches (分队), volunteers and their services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eldercare.domain.errors import ConflictError, InvalidInputError, invalid_state

ACTIVE, DISSOLVED, LEFT = "ACTIVE", "DISSOLVED", "LEFT"
MAX_SERVICE_MINUTES = 720
MIN_VOLUNTEER_AGE = 18


@dataclass
class Corps:
    """The corps; its branches belong to it and version with it."""

    id: UUID
    name: str
    founded_at: datetime
    status: str
    version: int


@dataclass
class Branch:
    """A county branch of the corps."""

    id: UUID
    corps_id: UUID
    name: str
    county_code: str
    leader_person_id: UUID | None
    founded_at: datetime
    status: str
    dissolved_at: datetime | None

    def dissolve(self, *, at: datetime) -> None:
        """ACTIVE → DISSOLVED."""
        if self.status != ACTIVE:
            raise invalid_state("解散分队")
        self.status = DISSOLVED
        self.dissolved_at = at

    def ensure_accepts_volunteers(self) -> None:
        """No enrolment into a dissolved branch (409)."""
        if self.status != ACTIVE:
            raise ConflictError("branch_dissolved", "分队已解散，不能加入")


@dataclass
class Volunteer:
    """A member of a branch; name and phone live in the vault."""

    id: UUID
    branch_id: UUID
    age_band: str
    status: str
    enrolled_at: datetime
    left_at: datetime | None
    version: int

    def leave(self, *, at: datetime) -> None:
        """ACTIVE → LEFT."""
        if self.status != ACTIVE:
            raise invalid_state("退出")
        self.status = LEFT
        self.left_at = at
        self.version += 1


@dataclass
class VolunteerService:
    """One recorded service: a visit to an elder or work at an institution."""

    id: UUID
    volunteer_id: UUID
    branch_id: UUID
    service_type: str
    started_at: datetime
    minutes: int
    elder_id: UUID | None
    institution_id: UUID | None
    version: int

    def __post_init__(self) -> None:
        check_service(self.minutes, elder_id=self.elder_id, institution_id=self.institution_id)


def check_service(minutes: int, *, elder_id: UUID | None, institution_id: UUID | None) -> None:
    """Minutes in 1..720 and exactly one target (422 ``invalid_minutes`` / ``target_required``)."""
    if not 1 <= minutes <= MAX_SERVICE_MINUTES:
        raise InvalidInputError("invalid_minutes", "服务时长须在 1 至 720 分钟之间")
    if (elder_id is None) == (institution_id is None):
        raise InvalidInputError("target_required", "服务对象须且只能为一位老人或一家机构")


def ensure_can_serve(volunteer: Volunteer, branch: Branch) -> None:
    """The volunteer and their branch must both be active (409)."""
    if volunteer.status != ACTIVE:
        raise ConflictError("volunteer_not_active", "志愿者已退出")
    if branch.status != ACTIVE:
        raise ConflictError("branch_not_active", "志愿者所在分队已解散")

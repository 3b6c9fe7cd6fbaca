"""Meal points (老年助餐服务点 / 益老食堂) and the meals they serve (助餐记录)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import pairwise
from uuid import UUID

from eldercare.domain.errors import ConflictError, InvalidInputError, in_future, invalid_state
from shared.clock import LOCAL_TZ

OPEN, SUSPENDED, CLOSED = "OPEN", "SUSPENDED", "CLOSED"
CANTEEN = "CANTEEN"


@dataclass(frozen=True)
class Slot:
    """A serving window in local time, e.g. LUNCH 10:30–13:30 (start inclusive, end exclusive)."""

    name: str
    start: time
    end: time

    def holds(self, moment: time) -> bool:
        """Whether a local time of day falls in the window."""
        return self.start <= moment < self.end


def check_slots(slots: tuple[Slot, ...]) -> tuple[Slot, ...]:
    """Distinct names, each window non-empty, no overlaps (422 ``invalid_slots``)."""
    ordered = tuple(sorted(slots, key=lambda s: s.start))
    bad = len({s.name for s in slots}) != len(slots) or not slots
    bad = bad or any(s.start >= s.end for s in ordered)
    bad = bad or any(a.end > b.start for a, b in pairwise(ordered))
    if bad:
        raise InvalidInputError("invalid_slots", "供餐时段须互不重叠、名称不重复且开始早于结束")
    return ordered


@dataclass
class MealPoint:
    """A place serving subsidised meals to elders."""

    id: UUID
    name: str
    type: str
    brand_project_id: UUID | None
    operator_institution_id: UUID | None
    operator_org: str | None
    county_code: str
    township_code: str
    established_at: datetime
    capacity_per_slot: int
    slots: tuple[Slot, ...]
    food_license_no: str | None
    status: str
    version: int

    def __post_init__(self) -> None:
        if self.type == CANTEEN and not self.food_license_no:
            raise InvalidInputError("license_required", "老年食堂须提供食品经营许可证编号")
        if self.capacity_per_slot < 1:
            raise InvalidInputError("invalid_capacity", "每时段供餐能力须至少为 1")
        self.slots = check_slots(self.slots)

    def ensure_established_by(self, now: datetime) -> None:
        """A point cannot be put into service in the future."""
        if self.established_at > now:
            raise in_future("建成投用时间")

    def suspend(self) -> None:
        """OPEN → SUSPENDED."""
        if self.status != OPEN:
            raise invalid_state("暂停")
        self.status = SUSPENDED
        self.version += 1

    def resume(self) -> None:
        """SUSPENDED → OPEN."""
        if self.status != SUSPENDED:
            raise invalid_state("恢复")
        self.status = OPEN
        self.version += 1

    def close(self) -> None:
        """OPEN or SUSPENDED → CLOSED, for good."""
        if self.status == CLOSED:
            raise invalid_state("关闭")
        self.status = CLOSED
        self.version += 1

    def slot_at(self, served_at: datetime, *, requested: str | None) -> Slot:
        """The slot holding a local serving time (422 ``outside_service_hours``)."""
        moment = served_at.astimezone(LOCAL_TZ).time()
        for slot in self.slots:
            if slot.holds(moment) and requested in (None, slot.name):
                return slot
        raise InvalidInputError("outside_service_hours", "用餐时间不在该助餐点的供餐时段内")


def check_amounts(*, price_minor: int, subsidy_minor: int, paid_minor: int, cap_minor: int) -> None:
    """Price = paid + subsidy, none negative, subsidy within the tier cap (422)."""
    if min(price_minor, subsidy_minor, paid_minor) < 0:
        raise InvalidInputError("invalid_amount", "金额须为不小于 0 的整数（分）")
    if paid_minor + subsidy_minor != price_minor:
        raise InvalidInputError("amounts_mismatch", "实付金额加补贴金额须等于餐价")
    if subsidy_minor > cap_minor:
        raise InvalidInputError("subsidy_over_cap", f"单餐补贴超过上限 {cap_minor} 分")


@dataclass
class Meal:
    """One meal served to one elder in one slot of one local date."""

    id: UUID
    meal_point_id: UUID
    elder_id: UUID
    served_at: datetime
    served_on: date
    slot: str
    verification_method: str
    price_minor: int
    subsidy_minor: int
    paid_minor: int
    version: int


def ensure_open(is_open: bool) -> None:
    """A meal only at a point OPEN at the serving time (409 ``meal_point_closed``)."""
    if not is_open:
        raise ConflictError("meal_point_closed", "助餐点在用餐时间未营业（已暂停或关闭）")

"""Child-care sessions (周末妈妈 / 送教上门 / 童心童行): person-times, never child ids in events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final
from uuid import UUID

from charity.domain import calendar_2024
from charity.domain.errors import InvalidInputError
from charity.domain.funds import CHILD_CARE_KINDS, ProjectKind

# One module per year; a year without one falls back to plain Saturdays and Sundays.
CALENDARS: Final = {
    calendar_2024.YEAR: (calendar_2024.HOLIDAYS, calendar_2024.WORKDAYS),
}
SATURDAY: Final = 5


class ProviderRole(StrEnum):
    """What a session provider is registered as."""

    TEACHER = "TEACHER"  # 送教上门 teachers
    VOLUNTEER_MOTHER = "VOLUNTEER_MOTHER"  # 周末妈妈


def is_rest_day(day: date) -> bool:
    """A Saturday, Sunday or statutory holiday, minus the 调休 working days."""
    holidays, workdays = CALENDARS.get(day.year, (frozenset(), frozenset()))
    if day in holidays:
        return True
    return day.weekday() >= SATURDAY and day not in workdays


@dataclass(frozen=True)
class Session:
    """One delivered session."""

    id: UUID
    project_id: UUID
    provider_person_id: UUID
    held_on: date
    child_ids: tuple[UUID, ...]
    minutes: int

    @property
    def child_count(self) -> int:
        """Person-times (人次) this session adds."""
        return len(self.child_ids)


def check_session(
    session: Session,
    *,
    project_kind: ProjectKind,
    today: date,
    provider_role: ProviderRole | None,
    child_enrolled: Mapping[UUID, bool],
) -> None:
    """DOMAIN §6.8's rules, in the order a caseworker would fix them."""
    if project_kind not in CHILD_CARE_KINDS:
        raise InvalidInputError("not_a_child_care_project", "该项目不是儿童关爱类项目")
    _check_children(session.child_ids)
    if session.held_on > today:
        raise InvalidInputError("in_future", "服务日期不能晚于今天")
    if project_kind is ProjectKind.WEEKEND_MOTHERS and not is_rest_day(session.held_on):
        raise InvalidInputError(
            "not_a_weekend", "周末妈妈服务只能在周六、周日或法定节假日（调休上班日除外）"
        )
    if project_kind is ProjectKind.HOME_TEACHING:
        if session.child_count != 1:
            raise InvalidInputError("one_child_per_session", "送教上门每次只能服务一名儿童")
        if provider_role is not ProviderRole.TEACHER:
            raise InvalidInputError("provider_not_teacher", "送教上门须由登记为教师的人员提供")
    missing = [cid for cid in session.child_ids if not child_enrolled.get(cid, False)]
    if missing:
        raise InvalidInputError(
            "not_enrolled",
            f"有 {len(missing)} 名儿童未在该项目登记或已停用",
            extra={"beneficiary_ids": [str(cid) for cid in missing]},
        )


def _check_children(child_ids: Sequence[UUID]) -> None:
    if not child_ids:
        raise InvalidInputError("no_children", "每次服务至少记录一名儿童")
    if len(set(child_ids)) != len(child_ids):
        raise InvalidInputError("duplicate_children", "同一儿童在一次服务中只能记录一次")

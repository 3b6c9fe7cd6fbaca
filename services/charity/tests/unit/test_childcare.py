"""The 2024 holiday calendar and the child-care session rules."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from charity.domain.childcare import ProviderRole, Session, check_session, is_rest_day
from charity.domain.errors import InvalidInputError
from charity.domain.funds import ProjectKind

TODAY = date(2024, 11, 30)


@pytest.mark.parametrize(
    ("day", "rest"),
    [
        (date(2024, 6, 1), True),  # Saturday
        (date(2024, 6, 2), True),  # Sunday
        (date(2024, 6, 5), False),  # Wednesday
        (date(2024, 1, 1), True),  # 元旦, a Monday
        (date(2024, 2, 4), False),  # Sunday, 春节调休上班
        (date(2024, 2, 14), True),  # 春节, a Wednesday
        (date(2024, 2, 18), False),  # Sunday, 春节调休上班
        (date(2024, 4, 4), True),  # 清明节, a Thursday
        (date(2024, 4, 7), False),  # Sunday, 清明调休上班
        (date(2024, 4, 28), False),  # Sunday, 劳动节调休上班
        (date(2024, 5, 3), True),  # 劳动节, a Friday
        (date(2024, 5, 11), False),  # Saturday, 劳动节调休上班
        (date(2024, 6, 10), True),  # 端午节, a Monday
        (date(2024, 9, 14), False),  # Saturday, 中秋调休上班
        (date(2024, 9, 16), True),  # 中秋节, a Monday
        (date(2024, 9, 29), False),  # Sunday, 国庆调休上班
        (date(2024, 10, 7), True),  # 国庆节, a Monday
        (date(2024, 10, 12), False),  # Saturday, 国庆调休上班
        (date(2025, 3, 1), True),  # a year without a table: plain weekends
    ],
)
def test_rest_days_follow_the_2024_calendar(day: date, rest: bool) -> None:
    assert is_rest_day(day) is rest


def session(kind_children: int, held_on: date = date(2024, 6, 1)) -> Session:
    children = tuple(uuid.uuid4() for _ in range(kind_children))
    return Session(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), held_on, children, 60)


def check(
    s: Session, kind: ProjectKind, role: ProviderRole | None = None, enrolled: bool = True
) -> None:
    check_session(
        s,
        project_kind=kind,
        today=TODAY,
        provider_role=role,
        child_enrolled=dict.fromkeys(s.child_ids, enrolled),
    )


def code_of(
    s: Session, kind: ProjectKind, role: ProviderRole | None = None, enrolled: bool = True
) -> str:
    with pytest.raises(InvalidInputError) as caught:
        check(s, kind, role, enrolled)
    return caught.value.code


def test_person_times_are_children_not_sessions() -> None:
    assert session(3).child_count == 3


def test_session_rules() -> None:
    weekday = session(1, date(2024, 4, 28))
    assert code_of(weekday, ProjectKind.WEEKEND_MOTHERS) == "not_a_weekend"
    check(weekday, ProjectKind.CHILD_CARE)  # 童心童行 has no day rule
    assert (
        code_of(session(2), ProjectKind.HOME_TEACHING, ProviderRole.TEACHER)
        == "one_child_per_session"
    )
    assert (
        code_of(session(1), ProjectKind.HOME_TEACHING, ProviderRole.VOLUNTEER_MOTHER)
        == "provider_not_teacher"
    )
    check(session(1, date(2024, 6, 5)), ProjectKind.HOME_TEACHING, ProviderRole.TEACHER)
    assert code_of(session(1), ProjectKind.WEEKEND_MOTHERS, enrolled=False) == "not_enrolled"
    assert code_of(session(0), ProjectKind.WEEKEND_MOTHERS) == "no_children"
    assert code_of(session(1, date(2024, 12, 7)), ProjectKind.WEEKEND_MOTHERS) == "in_future"
    assert code_of(session(1), ProjectKind.RELIEF_GOODS) == "not_a_child_care_project"
    twice = session(1)
    doubled = Session(
        twice.id, twice.project_id, twice.provider_person_id, twice.held_on, twice.child_ids * 2, 60
    )
    assert code_of(doubled, ProjectKind.WEEKEND_MOTHERS) == "duplicate_children"

"""The leadership rules and the cadence periods, without I/O."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from inspection.domain.errors import ConflictError, InvalidInputError, NotFoundError
from inspection.domain.leaders import (
    ACTIVE,
    Leader,
    closed_periods,
    period_containing,
    plan_assignment,
    plan_removal,
)

NOW = datetime(2024, 5, 1, tzinfo=UTC)


def member(*roles: str) -> Leader:
    return Leader(uuid.uuid4(), list(roles), date(2024, 1, 1), ACTIVE, None, 1)


def test_weeks_are_iso_weeks_keyed_by_their_iso_year():
    week = period_containing("WEEKLY", date(2024, 8, 7))
    assert (week.key, week.start_on, week.end_on) == (
        "2024-W32",
        date(2024, 8, 5),
        date(2024, 8, 11),
    )
    assert period_containing("WEEKLY", date(2024, 12, 30)).key == "2025-W01"
    assert period_containing("WEEKLY", date(2021, 1, 3)).key == "2020-W53"


def test_months_run_from_the_first_to_the_last_day():
    feb = period_containing("MONTHLY", date(2024, 2, 14))
    assert (feb.key, feb.start_on, feb.end_on) == ("2024-02", date(2024, 2, 1), date(2024, 2, 29))
    assert period_containing("MONTHLY", date(2024, 12, 31)).end_on == date(2024, 12, 31)


def test_only_whole_periods_after_the_start_that_have_ended_are_judged():
    weeks = list(closed_periods("WEEKLY", date(2024, 1, 3), date(2024, 1, 22)))
    # W01 began before the start (Wed 01-03); W03 ends Sun 01-21, before "today" 01-22.
    assert [w.key for w in weeks] == ["2024-W02", "2024-W03"]
    assert list(closed_periods("WEEKLY", date(2024, 1, 8), date(2024, 1, 14))) == []
    months = list(closed_periods("MONTHLY", date(2024, 1, 1), date(2024, 3, 1)))
    assert [m.key for m in months] == ["2024-01", "2024-02"]


def test_the_last_main_leader_cannot_be_removed_or_re_roled():
    main = member("MAIN_LEADER")
    with pytest.raises(ConflictError) as refused:
        plan_removal([main], main, now=NOW)
    assert refused.value.code == "leadership_incomplete"
    with pytest.raises(ConflictError):
        plan_assignment(
            [main], main, person_id=main.id, roles=["TEAM_MEMBER"], effective_from=date(2024, 1, 1)
        )
    second = member("MAIN_LEADER")
    assert plan_removal([main, second], main, now=NOW).removed


def test_a_new_safety_lead_takes_the_role_from_the_old_one():
    old = member("TEAM_MEMBER", "SAFETY_LEAD")
    newcomer = uuid.uuid4()
    changes = plan_assignment(
        [old], None, person_id=newcomer, roles=["SAFETY_LEAD"], effective_from=date(2024, 2, 1)
    )
    assert [(c.leader.id, c.leader.roles, c.removed) for c in changes] == [
        (newcomer, ["SAFETY_LEAD"], False),
        (old.id, ["TEAM_MEMBER"], False),
    ]
    assert changes[1].leader.version == 2


def test_the_safety_lead_cannot_simply_drop_the_role_or_leave():
    lead = member("SAFETY_LEAD")
    with pytest.raises(ConflictError):
        plan_removal([lead], lead, now=NOW)
    with pytest.raises(ConflictError):
        plan_assignment(
            [lead], lead, person_id=lead.id, roles=["TEAM_MEMBER"], effective_from=date(2024, 1, 1)
        )


def test_roles_are_required_and_a_stranger_cannot_be_removed():
    with pytest.raises(InvalidInputError) as refused:
        plan_assignment([], None, person_id=uuid.uuid4(), roles=[], effective_from=date(2024, 1, 1))
    assert refused.value.code == "roles_required"
    with pytest.raises(NotFoundError):
        plan_removal([], None, now=NOW)


def test_cadences_follow_the_roles():
    assert member("MAIN_LEADER").cadences == ["MONTHLY"]
    assert member("SAFETY_LEAD").cadences == ["WEEKLY"]
    assert member("TEAM_MEMBER", "SAFETY_LEAD").cadences == ["WEEKLY", "MONTHLY"]

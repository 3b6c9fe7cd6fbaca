"""Leader (安全生产工作领导小组成员): roles, leadership invariants, inspection cadence."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from inspection.domain.errors import ConflictError, InvalidInputError, NotFoundError

MAIN_LEADER = "MAIN_LEADER"
TEAM_MEMBER = "TEAM_MEMBER"
SAFETY_LEAD = "SAFETY_LEAD"
ROLES = (MAIN_LEADER, TEAM_MEMBER, SAFETY_LEAD)
WEEKLY = "WEEKLY"
MONTHLY = "MONTHLY"
ACTIVE = "ACTIVE"
REMOVED = "REMOVED"


@dataclass
class Leader:
    """A member of the safety leadership group; ``id`` is the staff person id."""

    id: uuid.UUID
    roles: list[str]
    effective_from: date
    status: str
    removed_at: datetime | None
    version: int

    @property
    def active(self) -> bool:
        """Whether the person is currently in the group."""
        return self.status == ACTIVE

    @property
    def cadences(self) -> list[str]:
        """The periods in which this member must inspect at least once."""
        kinds = []
        if SAFETY_LEAD in self.roles:
            kinds.append(WEEKLY)
        if MAIN_LEADER in self.roles or TEAM_MEMBER in self.roles:
            kinds.append(MONTHLY)
        return kinds

    def holds(self, *roles: str) -> bool:
        """Whether the member is active and holds any of the roles."""
        return self.active and any(role in self.roles for role in roles)


def acts_as(group: Sequence[Leader], person_id: uuid.UUID | None, *roles: str) -> bool:
    """Whether a person holds one of the roles (any role if none given) in the group.

    Until the group is recorded (no active member at all), rules about its members cannot be
    judged, so everyone qualifies: the bureau's activities from before the service knew its
    leadership (DOMAIN §11: December 2023, group recorded on 2024-01-02) must still load.
    """
    active = [leader for leader in group if leader.active]
    if not active:
        return True
    return any(leader.id == person_id and leader.holds(*(roles or ROLES)) for leader in active)


@dataclass(frozen=True)
class Change:
    """A leader after a command, and whether it was assigned (new roles) or removed."""

    leader: Leader
    removed: bool = False


def normalise_roles(roles: Sequence[str]) -> list[str]:
    """Roles in canonical order without repeats; 422 roles_required when empty."""
    chosen = [role for role in ROLES if role in roles]
    if not chosen:
        raise InvalidInputError("roles_required", "领导小组成员至少要有一个角色")
    return chosen


def _incomplete(what: str) -> ConflictError:
    return ConflictError("leadership_incomplete", f"领导小组必须始终{what}")


def plan_assignment(
    group: Sequence[Leader],
    existing: Leader | None,
    *,
    person_id: uuid.UUID,
    roles: Sequence[str],
    effective_from: date,
) -> list[Change]:
    """The leaders a PUT changes: the person, and a previous safety lead who hands the role over."""
    wanted = normalise_roles(roles)
    if (
        existing
        and existing.active
        and (existing.roles, existing.effective_from)
        == (
            wanted,
            effective_from,
        )
    ):
        return []
    others = [leader for leader in group if leader.active and leader.id != person_id]
    before = existing.roles if existing and existing.active else []
    loses_main = MAIN_LEADER in before and MAIN_LEADER not in wanted
    if loses_main and not any(leader.holds(MAIN_LEADER) for leader in others):
        raise _incomplete("至少有一名组长（主要领导）")
    if SAFETY_LEAD in before and SAFETY_LEAD not in wanted:
        raise _incomplete("有且仅有一名分管安全工作负责人；请改为指定新的负责人")
    changes = [Change(_assigned(existing, person_id, wanted, effective_from))]
    for holder in others:
        if SAFETY_LEAD in wanted and holder.holds(SAFETY_LEAD):
            changes.append(_hand_over_safety_lead(holder))
    return changes


def _assigned(
    existing: Leader | None, person_id: uuid.UUID, roles: list[str], effective_from: date
) -> Leader:
    if existing is None:
        return Leader(person_id, roles, effective_from, ACTIVE, None, 1)
    return replace(
        existing,
        roles=roles,
        effective_from=effective_from,
        status=ACTIVE,
        removed_at=None,
        version=existing.version + 1,
    )


def _hand_over_safety_lead(holder: Leader) -> Change:
    # Exactly one safety lead at all times: naming a new one takes the role from the old one.
    remaining = [role for role in holder.roles if role != SAFETY_LEAD]
    if remaining:
        return Change(replace(holder, roles=remaining, version=holder.version + 1))
    return Change(
        replace(holder, roles=[], status=REMOVED, version=holder.version + 1), removed=True
    )


def plan_removal(group: Sequence[Leader], leader: Leader | None, *, now: datetime) -> Change:
    """Remove a member, unless the group would lose its last main leader or its safety lead."""
    if leader is None or not leader.active:
        raise NotFoundError("not_found", "该人员不是领导小组成员")
    if SAFETY_LEAD in leader.roles:
        raise _incomplete("有且仅有一名分管安全工作负责人；请先指定新的负责人")
    others = [other for other in group if other.id != leader.id]
    if MAIN_LEADER in leader.roles and not any(o.holds(MAIN_LEADER) for o in others):
        raise _incomplete("至少有一名组长（主要领导）")
    removed = replace(leader, status=REMOVED, removed_at=now, version=leader.version + 1)
    return Change(removed, removed=True)


@dataclass(frozen=True)
class Period:
    """A calendar week (ISO, Monday first) or month of Asia/Shanghai local dates."""

    kind: str
    key: str
    start_on: date
    end_on: date


def period_containing(kind: str, day: date) -> Period:
    """The week or month a local date falls in."""
    if kind == WEEKLY:
        start = day - timedelta(days=day.weekday())
        year, week, _ = day.isocalendar()
        return Period(WEEKLY, f"{year}-W{week:02d}", start, start + timedelta(days=6))
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return Period(MONTHLY, f"{day.year}-{day.month:02d}", start, following - timedelta(days=1))


def closed_periods(kind: str, first_day: date, today: date) -> Iterator[Period]:
    """Whole periods starting on or after ``first_day`` that ended before ``today``."""
    period = period_containing(kind, first_day)
    if period.start_on < first_day:
        period = period_containing(kind, period.end_on + timedelta(days=1))
    while period.end_on < today:
        yield period
        period = period_containing(kind, period.end_on + timedelta(days=1))

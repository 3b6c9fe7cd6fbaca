"""From one routed event to the notifications it calls for: recipients, channels, params.

Pure functions over a :class:`Snapshot` of the role directory and the domain state, which the
consumer reads in the event's own transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from notify.domain import routing as r
from notify.domain.model import Channel, Priority
from notify.domain.policy import LOCAL_TZ, HazardState

LEVELS = {"GENERAL": "一般", "MAJOR": "重大"}


@dataclass(frozen=True)
class Site:
    """A site of the directory (eldercare.institutions)."""

    name: str
    county_code: str
    head_person_id: UUID


@dataclass(frozen=True)
class Hazard:
    """A hazard as notify knows it (inspection.hazards)."""

    hazard_no: str | None
    site_id: UUID
    category: str | None
    level: str | None
    state: HazardState


@dataclass
class Snapshot:
    """What the routing of one event needs to know, read before planning."""

    hazard: Hazard | None = None
    site: Site | None = None
    main_leaders: list[UUID] = field(default_factory=list)
    safety_leads: list[UUID] = field(default_factory=list)
    branch_leaders: list[UUID] = field(default_factory=list)
    target_site_heads: list[tuple[UUID, str]] = field(default_factory=list)
    case_county: str | None = None
    eldercare_duty_officer: UUID | None = None
    charity_officer: UUID | None = None


@dataclass(frozen=True)
class Recipient:
    """A person to notify, and where that answer came from (for the audit)."""

    person_id: UUID
    source: str
    role: str = ""


@dataclass(frozen=True)
class Planned:
    """One notification to create."""

    rule: r.Rule
    recipient: Recipient
    channel: Channel
    params: dict[str, str]
    subject_id: UUID | None

    @property
    def priority(self) -> Priority:
        """The rule's lane."""
        return self.rule.priority


def local_day(value: date | str) -> str:
    """2024年3月10日."""
    day = value if isinstance(value, date) else date.fromisoformat(value)
    return f"{day.year}年{day.month}月{day.day}日"


def local_minute(value: datetime | str) -> str:
    """3月10日 03:05 (Asia/Shanghai)."""
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    local = instant.astimezone(LOCAL_TZ)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def _candidates(role: str, data: Mapping[str, Any], snap: Snapshot) -> list[tuple[Any, str]]:
    state = snap.hazard.state if snap.hazard else None
    head = snap.site.head_person_id if snap.site else None
    table: dict[str, Callable[[], list[tuple[Any, str]]]] = {
        r.RESPONSIBLE: lambda: [
            (
                data.get("responsible_person_id") or (state and state.responsible_person_id),
                "event:responsible_person_id",
            )
        ],
        r.VERIFIER: lambda: [(data.get("verifier_id"), "event:verifier_id")],
        r.MEMBER: lambda: [(data.get("person_id"), "event:person_id")],
        r.SITE_HEAD: lambda: [(head, "eldercare.institutions:head")],
        r.SAFETY_LEAD: lambda: [(p, "inspection.leaders:SAFETY_LEAD") for p in snap.safety_leads],
        r.MAIN_LEADER: lambda: [(p, "inspection.leaders:MAIN_LEADER") for p in snap.main_leaders],
        r.TARGET_SITE_HEADS: lambda: [
            (p, "eldercare.institutions:head") for p, _ in snap.target_site_heads
        ],
        r.BRANCH_LEADER: lambda: [
            (p, "eldercare.volunteer_corps:branch_leader") for p in snap.branch_leaders
        ],
        r.ELDERCARE_DUTY_OFFICER: lambda: [
            (snap.eldercare_duty_officer, "settings:ELDERCARE_DUTY_OFFICER")
        ],
        r.CHARITY_OFFICER: lambda: [(snap.charity_officer, "settings:CHARITY_OFFICER")],
    }
    return table[role]()


def resolve(role: str, data: Mapping[str, Any], snap: Snapshot) -> list[Recipient]:
    """The people a recipient role names for this event (may be nobody)."""
    found = _candidates(role, data, snap)
    return [Recipient(UUID(str(p)), source, role) for p, source in found if p]


def _hazard_params(data: Mapping[str, Any], snap: Snapshot) -> dict[str, str]:
    hazard = snap.hazard
    deadline = data.get("deadline_on") or (
        hazard.state.deadline_on if hazard and hazard.state.deadline_on else None
    )
    level = data.get("level") or (hazard.level if hazard else None)
    params = {
        "hazard_no": hazard.hazard_no if hazard and hazard.hazard_no else "",
        "category": hazard.category if hazard and hazard.category else "",
        "level": LEVELS.get(str(level), "") if level else "",
        "site_name": snap.site.name if snap.site else "（机构名称待同步）",
        "deadline": local_day(deadline) if deadline else "",
        "deadline_on": str(deadline) if deadline else "",
    }
    for key in ("days_left", "days_overdue", "rework_count"):
        if key in data:
            params[key] = str(data[key])
    return params


def _county(code: str | None) -> str:
    return f"辖区（{code}）" if code else ""


def _params_for(rule: r.Rule, data: Mapping[str, Any], snap: Snapshot) -> dict[str, str]:
    builders: dict[str, Callable[[], dict[str, str]]] = {
        "work_notice_issued": lambda: {
            "title": str(data["title"]),
            "notice_no": str(data["notice_no"]),
            "ack_due": local_day(data["ack_due_on"]),
        },
        "cadence_breached": lambda: {
            "period": str(data["period_key"]),
            "period_start": local_day(data["period_start_on"]),
            "period_end": local_day(data["period_end_on"]),
        },
        "missing_case_reported": lambda: {
            "county": _county(data.get("county_code") or snap.case_county),
            "reported_at": local_minute(data["reported_at"]),
        },
        "missing_case_found": lambda: {
            "county": _county(snap.case_county),
            "found_at": local_minute(data["found_at"]),
        },
        "disbursement_failed": lambda: {
            "attempt": str(data["attempt"]),
            "reason": str(data["reason_code"]),
        },
        "meal_point_suspended": lambda: {
            "meal_point": "助餐点",
            "suspended_at": local_minute(data["suspended_at"]),
            "reason": str(data["reason_code"]),
        },
        "reconciliation_discrepancy": lambda: {
            "period_end": local_day(data["period_end_on"]),
            "discrepancy_count": str(data["discrepancy_count"]),
        },
    }
    builder = builders.get(rule.code)
    return builder() if builder else _hazard_params(data, snap)


def applies(rule: r.Rule, data: Mapping[str, Any]) -> bool:
    """Conditions of a rule beyond its event type."""
    if rule.code == "reconciliation_discrepancy":
        return int(data.get("discrepancy_count", 0)) > 0
    return True


def subject_of(data: Mapping[str, Any]) -> UUID | None:
    """The domain aggregate a notification is about (hazard, case...), for cancellation."""
    for key in ("hazard_id", "case_id", "notice_id", "disbursement_id", "meal_point_id"):
        if data.get(key):
            return UUID(str(data[key]))
    return None


def plan(rule: r.Rule, data: Mapping[str, Any], snap: Snapshot) -> tuple[list[Planned], list[str]]:
    """The notifications an event calls for, and the roles that resolved to nobody."""
    if not applies(rule, data):
        return [], []
    params = _params_for(rule, data, snap)
    seen: set[UUID] = set()
    planned: list[Planned] = []
    unresolved: list[str] = []
    for role in rule.recipients:
        people = resolve(role, data, snap)
        if not people:
            unresolved.append(role)
        for person in people:
            if person.person_id in seen:
                continue
            seen.add(person.person_id)
            for channel in rule.channels:
                planned.append(Planned(rule, person, channel, params, subject_of(data)))
    return planned, unresolved


def ladder_after(rule: r.Rule, rung: int, people: Mapping[str, list[UUID]]) -> tuple[int, UUID]:
    """The next rung of an escalation ladder that names somebody, or (-1, ...) when exhausted."""
    for index in range(rung + 1, len(rule.ladder)):
        for person in people.get(rule.ladder[index], []):
            return index, person
    return -1, UUID(int=0)

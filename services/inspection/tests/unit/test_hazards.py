"""The hazard rules and the sweepers' decisions, without I/O."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from inspection.domain.errors import ConflictError, ForbiddenError, InvalidInputError
from inspection.domain.hazards import IN_RECTIFICATION, SUBMITTED, Hazard, Plan, report
from inspection.domain.policy import Policy

POLICY = Policy()
NOW = datetime(2024, 11, 1, 2, tzinfo=UTC)
RESPONSIBLE = uuid.uuid4()


def found(level: str = "GENERAL", on: date = date(2024, 11, 1)) -> Hazard:
    return report(
        id=uuid.uuid4(),
        hazard_no="YH-2024-001",
        site_id=uuid.uuid4(),
        inspection_id=None,
        campaign_id=None,
        category="消防",
        level=level,
        major_basis="其他" if level == "MAJOR" else None,
        description="x",
        photo_ids=[],
        found_at=NOW,
        found_on=on,
        found_by=uuid.uuid4(),
        now=NOW,
    )


def plan(deadline: date | None, **extra: object) -> Plan:
    values: dict[str, object] = {
        "responsible_person_id": RESPONSIBLE,
        "measures": "整改",
        "standard": None,
        "deadline_on": deadline,
        "funds_minor": None,
        "funds_source": None,
        "contingency_plan": None,
        "interim_measures": None,
        "verifier_id": None,
    }
    values.update(extra)
    return Plan(**values)  # type: ignore[arg-type]


def assigned(deadline: date, today: date = date(2024, 11, 1)) -> Hazard:
    hazard = found()
    hazard.assign(plan(deadline), today=today, now=NOW, policy=POLICY)
    return hazard


def test_labels_are_stored_as_codes():
    hazard = found("MAJOR")
    assert (hazard.category, hazard.major_basis) == ("FIRE", "OTHER")


def test_the_reminder_is_due_from_three_days_before_until_the_deadline_once():
    hazard = assigned(date(2024, 11, 15))
    assert not hazard.approaching_due(date(2024, 11, 11), POLICY)
    assert hazard.approaching_due(date(2024, 11, 12), POLICY)
    assert hazard.mark_approaching(date(2024, 11, 12)) == 3
    assert not hazard.approaching_due(date(2024, 11, 13), POLICY)


def test_an_extension_re_arms_the_reminder_for_the_new_deadline():
    hazard = assigned(date(2024, 11, 15))
    hazard.mark_approaching(date(2024, 11, 12))
    hazard.extend(
        new_deadline_on=date(2024, 11, 25),
        by_safety_lead=False,
        today=date(2024, 11, 13),
        policy=POLICY,
    )
    assert not hazard.approaching_due(date(2024, 11, 21), POLICY)
    assert hazard.approaching_due(date(2024, 11, 22), POLICY)


def test_overdue_starts_the_day_after_the_deadline_and_escalation_a_week_later():
    hazard = assigned(date(2024, 11, 15))
    assert not hazard.overdue_due(date(2024, 11, 15))
    assert hazard.overdue_due(date(2024, 11, 16))
    hazard.mark_overdue(NOW)
    assert not hazard.overdue_due(date(2024, 11, 17))
    assert not hazard.escalation_due(date(2024, 11, 22), POLICY)
    assert hazard.escalation_due(date(2024, 11, 23), POLICY)
    hazard.mark_escalated(NOW)
    assert hazard.escalation_level == 2
    assert not hazard.escalation_due(date(2024, 11, 30), POLICY)


def test_a_submitted_hazard_is_never_overdue():
    hazard = assigned(date(2024, 11, 15))
    hazard.submit(evidence_ids=["e"], note=None, now=NOW)
    assert hazard.status == SUBMITTED
    assert not hazard.is_overdue(date(2024, 12, 1))
    assert not hazard.approaching_due(date(2024, 11, 14), POLICY)


def test_assignment_rules():
    with pytest.raises(InvalidInputError, match="整改期限须晚于今天"):
        assigned(date(2024, 11, 1))
    hazard = found("MAJOR")
    with pytest.raises(InvalidInputError) as refused:
        hazard.assign(
            plan(date(2024, 12, 1), funds_minor=0), today=date(2024, 11, 1), now=NOW, policy=POLICY
        )
    assert refused.value.extra["missing"] == [
        "standard",
        "funds_source",
        "contingency_plan",
        "interim_measures",
    ]
    with pytest.raises(InvalidInputError, match="金额"):
        found().assign(
            plan(date(2024, 11, 5), funds_minor=1.0),
            today=date(2024, 11, 1),
            now=NOW,
            policy=POLICY,
        )
    with pytest.raises(InvalidInputError) as segregation:
        found().assign(
            plan(date(2024, 11, 5), verifier_id=RESPONSIBLE),
            today=date(2024, 11, 1),
            now=NOW,
            policy=POLICY,
        )
    assert segregation.value.code == "segregation_of_duties"
    done = assigned(date(2024, 11, 15))
    with pytest.raises(ConflictError):
        done.assign(plan(date(2024, 11, 20)), today=date(2024, 11, 1), now=NOW, policy=POLICY)


def test_extension_rules():
    hazard = assigned(date(2024, 11, 15))
    with pytest.raises(ForbiddenError):
        hazard.extend(
            new_deadline_on=date(2024, 11, 20),
            by_safety_lead=False,
            today=date(2024, 11, 16),
            policy=POLICY,
        )
    assert hazard.extend(
        new_deadline_on=date(2024, 11, 20),
        by_safety_lead=True,
        today=date(2024, 11, 16),
        policy=POLICY,
    ) == date(2024, 11, 15)
    assert hazard.status == IN_RECTIFICATION
    with pytest.raises(ForbiddenError):
        hazard.extend(
            new_deadline_on=date(2024, 11, 22),
            by_safety_lead=False,
            today=date(2024, 11, 17),
            policy=POLICY,
        )
    with pytest.raises(InvalidInputError, match="30"):
        hazard.extend(
            new_deadline_on=date(2024, 12, 2),
            by_safety_lead=True,
            today=date(2024, 11, 17),
            policy=POLICY,
        )

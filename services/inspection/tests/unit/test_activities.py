"""Campaigns, inspections, drills, notices, surveys and problems: rules without I/O."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from inspection.domain.activities import Drill
from inspection.domain.campaigns import Campaign
from inspection.domain.errors import ConflictError, ForbiddenError, InvalidInputError
from inspection.domain.fieldwork import OPEN, Problem, Survey
from inspection.domain.inspections import schedule
from inspection.domain.leaders import ACTIVE, Leader
from inspection.domain.notices import DRAFT, WorkNotice

NOW = datetime(2024, 6, 1, 2, tzinfo=UTC)


def c1() -> Campaign:
    return Campaign.launch(
        id=uuid.uuid4(),
        code="C1",
        name="百日攻坚",
        kind="WINTER_SPRING_100D",
        start_on=date(2023, 12, 1),
        end_on=date(2024, 3, 9),
        lead_unit="市民政局",
    )


def test_a_campaign_runs_inside_its_window_and_closes_once():
    campaign = c1()
    assert campaign.running_on(date(2024, 3, 9))
    assert not campaign.running_on(date(2024, 3, 10))
    campaign.close(end_on=None, today=date(2024, 3, 10), now=NOW)
    assert (campaign.status, campaign.end_on, campaign.version) == ("CLOSED", date(2024, 3, 9), 2)
    with pytest.raises(ConflictError):
        campaign.close(end_on=None, today=date(2024, 3, 11), now=NOW)


def test_an_open_ended_campaign_closes_today_by_default():
    campaign = Campaign.launch(
        id=uuid.uuid4(),
        code="C7",
        name="城市运行",
        kind="URBAN_OPERATION",
        start_on=date(2024, 11, 1),
        end_on=None,
        lead_unit="市民政局",
    )
    assert campaign.running_on(date(2030, 1, 1))
    campaign.close(end_on=None, today=date(2024, 12, 31), now=NOW)
    assert campaign.end_on == date(2024, 12, 31)


def test_a_weekly_inspection_is_led_by_the_safety_lead_only():
    lead = Leader(uuid.uuid4(), ["SAFETY_LEAD"], date(2024, 1, 1), ACTIVE, None, 1)
    campaign = Campaign.launch(
        id=uuid.uuid4(),
        code="C3",
        name="治本攻坚",
        kind="ROOT_CAUSE",
        start_on=date(2024, 1, 1),
        end_on=None,
        lead_unit="市民政局",
    )
    common = {
        "id": uuid.uuid4(),
        "inspection_no": "JC-2024-001",
        "site_id": uuid.uuid4(),
        "type": "ROUTINE_WEEKLY",
        "campaign": campaign,
        "participant_ids": [],
        "planned_on": date(2024, 5, 8),
        "announced": None,
        "checklist_ref": None,
        "leaders": [lead],
    }
    assert schedule(lead_person_id=lead.id, **common).announced is True  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError) as refused:
        schedule(lead_person_id=uuid.uuid4(), **common)  # type: ignore[arg-type]
    assert refused.value.code == "wrong_inspector"


def test_a_drill_cannot_have_more_residents_than_participants():
    drill = Drill.plan(
        id=uuid.uuid4(),
        site_id=uuid.uuid4(),
        drill_type="FLOOD",
        planned_on=date(2024, 6, 14),
        scenario=None,
    )
    with pytest.raises(InvalidInputError):
        drill.record(
            held_at=NOW, participants=3, residents_participating=4, evaluation=None, now=NOW
        )
    with pytest.raises(InvalidInputError):
        drill.record(
            held_at=NOW, participants=3, residents_participating=-1, evaluation=None, now=NOW
        )
    drill.record(held_at=NOW, participants=3, residents_participating=3, evaluation=None, now=NOW)
    assert drill.status == "HELD"


def notice(targets: list[uuid.UUID]) -> WorkNotice:
    return WorkNotice(
        id=uuid.uuid4(),
        notice_no="TS-2024-001",
        title="t",
        content_ref=None,
        issuer_person_id=uuid.uuid4(),
        target_site_ids=targets,
        target_kinds=[],
        require_ack=True,
        ack_due_on=date(2024, 6, 5),
        status=DRAFT,
        issued_at=None,
        acks={},
        version=0,
    )


def test_a_notice_is_issued_once_to_targets_and_acknowledged_once_per_site():
    site = uuid.uuid4()
    draft = notice([site])
    with pytest.raises(ForbiddenError):
        draft.issue(targets=[site], issuer_is_leader=False, now=NOW, today=date(2024, 6, 1))
    with pytest.raises(InvalidInputError, match="下发"):
        draft.issue(targets=[], issuer_is_leader=True, now=NOW, today=date(2024, 6, 1))
    with pytest.raises(InvalidInputError):
        draft.issue(targets=[site], issuer_is_leader=True, now=NOW, today=date(2024, 6, 5))
    draft.issue(targets=[site], issuer_is_leader=True, now=NOW, today=date(2024, 6, 1))
    assert draft.version == 1
    assert draft.acknowledge(site_id=site, by=uuid.uuid4(), now=NOW) is True
    assert draft.acknowledge(site_id=site, by=uuid.uuid4(), now=NOW) is False
    assert draft.version == 2
    with pytest.raises(InvalidInputError):
        draft.acknowledge(site_id=uuid.uuid4(), by=uuid.uuid4(), now=NOW)


def test_a_survey_completes_after_it_was_launched():
    survey = Survey(
        uuid.uuid4(), "t", "t", "LARGE", uuid.uuid4(), NOW, None, None, "IN_PROGRESS", 0, 1
    )
    with pytest.raises(InvalidInputError):
        survey.complete(completed_at=NOW - timedelta(days=1), report_ref=None, problems=0, now=NOW)
    with pytest.raises(InvalidInputError):
        survey.complete(completed_at=NOW + timedelta(days=1), report_ref=None, problems=0, now=NOW)
    survey.complete(completed_at=NOW, report_ref="R-1", problems=3, now=NOW)
    assert (survey.status, survey.problems_registered) == ("COMPLETED", 3)


def test_a_reopened_problem_is_resolved_again_before_it_is_confirmed():
    problem = Problem(
        uuid.uuid4(),
        "VISIT",
        None,
        "430902",
        None,
        "养老",
        "s",
        "科室",
        OPEN,
        NOW,
        None,
        None,
        None,
        None,
        None,
        0,
        1,
    )
    problem.resolve(resolution="r", now=NOW)
    problem.reopen(reason_code="NOT_FIXED", now=NOW)
    with pytest.raises(ConflictError):
        problem.confirm(now=NOW)
    problem.resolve(resolution="r2", now=NOW)
    problem.confirm(now=NOW)
    assert (problem.status, problem.version) == ("CONFIRMED", 5)

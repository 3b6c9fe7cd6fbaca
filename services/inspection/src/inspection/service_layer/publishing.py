"""The only place that turns domain objects into the published contracts (DOMAIN §8.2)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeVar

from inspection.domain.activities import Drill, SafetyMeeting, SafetyTalk
from inspection.domain.campaigns import Campaign
from inspection.domain.fieldwork import Problem, Survey
from inspection.domain.hazards import Hazard
from inspection.domain.inspections import Inspection
from inspection.domain.leaders import Leader, Period
from inspection.domain.notices import WorkNotice
from shared.events import inspection as ev

T = TypeVar("T")


def need(value: T | None) -> T:
    """A field the event requires, which the state after the command always has."""
    if value is None:
        raise ValueError("an event field is missing from the aggregate's state")
    return value


def campaign_launched(c: Campaign) -> ev.CampaignLaunched:
    """CampaignLaunched."""
    return ev.CampaignLaunched(
        campaign_id=c.id,
        code=c.code,
        name=c.name,
        kind=c.kind,  # type: ignore[arg-type]
        start_on=c.start_on,
        end_on=c.end_on,
        lead_unit=c.lead_unit,
    )


def campaign_closed(c: Campaign) -> ev.CampaignClosed:
    """CampaignClosed."""
    return ev.CampaignClosed(campaign_id=c.id, end_on=need(c.end_on))


def leader_assigned(leader: Leader) -> ev.LeaderAssigned:
    """LeaderAssigned, with the cadences the roles imply."""
    return ev.LeaderAssigned(
        person_id=leader.id,
        roles=tuple(leader.roles),  # type: ignore[arg-type]
        cadences=tuple(leader.cadences),  # type: ignore[arg-type]
        effective_from=leader.effective_from,
    )


def leader_removed(leader: Leader, at: datetime) -> ev.LeaderRemoved:
    """LeaderRemoved."""
    return ev.LeaderRemoved(person_id=leader.id, removed_at=leader.removed_at or at)


def cadence_breached(leader: Leader, period: Period) -> ev.LeaderCadenceBreached:
    """LeaderCadenceBreached for one closed period."""
    return ev.LeaderCadenceBreached(
        person_id=leader.id,
        period_kind=period.kind,  # type: ignore[arg-type]
        period_key=period.key,
        period_start_on=period.start_on,
        period_end_on=period.end_on,
    )


def inspection_scheduled(i: Inspection) -> ev.InspectionScheduled:
    """InspectionScheduled."""
    return ev.InspectionScheduled(
        inspection_id=i.id,
        inspection_no=i.inspection_no,
        site_id=i.site_id,
        type=i.type,  # type: ignore[arg-type]
        campaign_id=i.campaign_id,
        lead_person_id=i.lead_person_id,
        planned_on=i.planned_on,
        announced=i.announced,
    )


def inspection_completed(i: Inspection) -> ev.InspectionCompleted:
    """InspectionCompleted."""
    return ev.InspectionCompleted(
        inspection_id=i.id,
        site_id=i.site_id,
        type=i.type,  # type: ignore[arg-type]
        campaign_id=i.campaign_id,
        lead_person_id=i.lead_person_id,
        participant_ids=tuple(i.participant_ids),
        completed_at=need(i.completed_at),
        hazards_found=i.hazards_found,
    )


def inspection_cancelled(i: Inspection) -> ev.InspectionCancelled:
    """InspectionCancelled."""
    return ev.InspectionCancelled(
        inspection_id=i.id, site_id=i.site_id, reason_code=need(i.cancel_reason_code)
    )


def hazard_reported(h: Hazard) -> ev.HazardReported:
    """HazardReported: no description text, only the count of photos."""
    return ev.HazardReported(
        hazard_id=h.id,
        hazard_no=h.hazard_no,
        site_id=h.site_id,
        inspection_id=h.inspection_id,
        campaign_id=h.campaign_id,
        category=h.category,
        level=h.level,  # type: ignore[arg-type]
        major_basis=h.major_basis,
        found_at=h.found_at,
        found_by=h.found_by,
        photo_count=len(h.photo_ids),
    )


def rectification_assigned(h: Hazard) -> ev.HazardRectificationAssigned:
    """HazardRectificationAssigned: whether a plan exists, never its text."""
    return ev.HazardRectificationAssigned(
        hazard_id=h.id,
        site_id=h.site_id,
        level=h.level,  # type: ignore[arg-type]
        responsible_person_id=need(h.responsible_person_id),
        deadline_on=need(h.deadline_on),
        funds_minor=h.funds_minor,
        funds_source=h.funds_source,
        has_contingency_plan=bool(h.contingency_plan),
        has_interim_measures=bool(h.interim_measures),
    )


def deadline_extended(h: Hazard, old: date, approved_by: object) -> ev.HazardDeadlineExtended:
    """HazardDeadlineExtended."""
    return ev.HazardDeadlineExtended.model_validate(
        {
            "hazard_id": h.id,
            "site_id": h.site_id,
            "old_deadline_on": old,
            "new_deadline_on": need(h.deadline_on),
            "extension_count": h.extension_count,
            "approved_by": approved_by,
        }
    )


def rectification_submitted(h: Hazard) -> ev.HazardRectificationSubmitted:
    """HazardRectificationSubmitted, naming the verifier to notify."""
    return ev.HazardRectificationSubmitted(
        hazard_id=h.id,
        site_id=h.site_id,
        submitted_at=need(h.submitted_at),
        evidence_count=len(h.evidence_ids),
        verifier_id=need(h.verifier_id),
    )


def rectification_verified(h: Hazard) -> ev.HazardRectificationVerified:
    """HazardRectificationVerified."""
    return ev.HazardRectificationVerified(
        hazard_id=h.id,
        site_id=h.site_id,
        verifier_id=need(h.verifier_id),
        verified_at=need(h.verified_at),
    )


def rectification_rejected(h: Hazard, at: datetime) -> ev.HazardRectificationRejected:
    """HazardRectificationRejected."""
    return ev.HazardRectificationRejected(
        hazard_id=h.id,
        site_id=h.site_id,
        verifier_id=need(h.verifier_id),
        rejected_at=at,
        rework_count=h.rework_count,
    )


def deadline_approaching(h: Hazard, days_left: int) -> ev.HazardDeadlineApproaching:
    """HazardDeadlineApproaching."""
    return ev.HazardDeadlineApproaching(
        hazard_id=h.id,
        site_id=h.site_id,
        responsible_person_id=need(h.responsible_person_id),
        deadline_on=need(h.deadline_on),
        days_left=days_left,
    )


def hazard_overdue(h: Hazard) -> ev.HazardOverdue:
    """HazardOverdue (escalation level 1)."""
    return ev.HazardOverdue(
        hazard_id=h.id,
        site_id=h.site_id,
        level=h.level,  # type: ignore[arg-type]
        responsible_person_id=need(h.responsible_person_id),
        deadline_on=need(h.deadline_on),
    )


def hazard_escalated(h: Hazard, today: date) -> ev.HazardEscalated:
    """HazardEscalated (escalation level 2, 挂牌督办)."""
    return ev.HazardEscalated(
        hazard_id=h.id,
        site_id=h.site_id,
        level=h.level,  # type: ignore[arg-type]
        deadline_on=need(h.deadline_on),
        days_overdue=(today - need(h.deadline_on)).days,
    )


def drill_planned(d: Drill) -> ev.DrillPlanned:
    """DrillPlanned."""
    return ev.DrillPlanned(
        drill_id=d.id,
        site_id=d.site_id,
        drill_type=d.drill_type,  # type: ignore[arg-type]
        planned_on=d.planned_on,
    )


def drill_held(d: Drill) -> ev.DrillHeld:
    """DrillHeld."""
    return ev.DrillHeld(
        drill_id=d.id,
        site_id=d.site_id,
        drill_type=d.drill_type,  # type: ignore[arg-type]
        held_at=need(d.held_at),
        participants=need(d.participants),
        residents_participating=d.residents_participating or 0,
    )


def drill_cancelled(d: Drill) -> ev.DrillCancelled:
    """DrillCancelled."""
    return ev.DrillCancelled(
        drill_id=d.id, site_id=d.site_id, reason_code=need(d.cancel_reason_code)
    )


def safety_talk_held(t: SafetyTalk) -> ev.SafetyTalkHeld:
    """SafetyTalkHeld (the topic stays here)."""
    return ev.SafetyTalkHeld(
        talk_id=t.id,
        venue_site_id=t.venue_site_id,
        format=t.format,  # type: ignore[arg-type]
        held_at=t.held_at,
        audience_count=t.audience_count,
    )


def work_notice_issued(n: WorkNotice) -> ev.WorkNoticeIssued:
    """WorkNoticeIssued, with the expanded targets."""
    return ev.WorkNoticeIssued(
        notice_id=n.id,
        notice_no=n.notice_no,
        title=n.title,
        issued_at=need(n.issued_at),
        issuer_person_id=n.issuer_person_id,
        target_site_ids=tuple(n.target_site_ids),
        require_ack=n.require_ack,
        ack_due_on=n.ack_due_on,
    )


def work_notice_acknowledged(
    n: WorkNotice, site_id: object, at: datetime, by: object
) -> ev.WorkNoticeAcknowledged:
    """WorkNoticeAcknowledged."""
    return ev.WorkNoticeAcknowledged.model_validate(
        {"notice_id": n.id, "site_id": site_id, "acked_at": at, "acked_by": by}
    )


def safety_meeting_held(m: SafetyMeeting) -> ev.SafetyMeetingHeld:
    """SafetyMeetingHeld."""
    return ev.SafetyMeetingHeld(meeting_id=m.id, kind=m.kind, held_at=m.held_at)  # type: ignore[arg-type]


def survey_launched(s: Survey) -> ev.SurveyLaunched:
    """SurveyLaunched."""
    return ev.SurveyLaunched(
        survey_id=s.id,
        scale=s.scale,  # type: ignore[arg-type]
        theme=s.theme,
        lead_person_id=s.lead_person_id,
        launched_at=s.launched_at,
    )


def survey_completed(s: Survey) -> ev.SurveyCompleted:
    """SurveyCompleted."""
    return ev.SurveyCompleted(
        survey_id=s.id,
        scale=s.scale,  # type: ignore[arg-type]
        completed_at=need(s.completed_at),
        problems_registered=s.problems_registered,
    )


def problem_registered(p: Problem) -> ev.ProblemRegistered:
    """ProblemRegistered (the summary stays here)."""
    return ev.ProblemRegistered(
        problem_id=p.id,
        source=p.source,  # type: ignore[arg-type]
        survey_id=p.survey_id,
        county_code=p.county_code,
        category=p.category,
        owner_unit=p.owner_unit,
        registered_at=p.registered_at,
    )


def problem_resolved(p: Problem) -> ev.ProblemResolved:
    """ProblemResolved."""
    return ev.ProblemResolved(problem_id=p.id, resolved_at=need(p.resolved_at))


def problem_reopened(p: Problem) -> ev.ProblemReopened:
    """ProblemReopened."""
    return ev.ProblemReopened(
        problem_id=p.id, reopened_at=need(p.reopened_at), reason_code=need(p.reopen_reason_code)
    )


def problem_confirmed(p: Problem) -> ev.ProblemConfirmed:
    """ProblemConfirmed."""
    return ev.ProblemConfirmed(problem_id=p.id, confirmed_at=need(p.confirmed_at))

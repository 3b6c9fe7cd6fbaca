"""Writers of the inspection projection: campaigns, cadence, inspections, hazards, drills, talks.

Every writer runs after the per-aggregate version claim (``adapters.apply``), inside the
transaction of its event, with the search path on the table set being written. Facts are
inserted once (``ON CONFLICT DO NOTHING``); states are upserted with a version guard.
"""

from __future__ import annotations

from typing import Any

from shared.clock import local_date
from shared.events import inspection as ev
from shared.events.envelope import CloudEvent
from views.adapters.writing import Writers

W = Writers()

_UPSERT_CAMPAIGN = """
INSERT INTO p_campaigns AS p (campaign_id, code, name, kind, start_on, end_on, status, version)
VALUES ($1, $2, $3, $4, $5, $6, 'OPEN', $7)
ON CONFLICT (campaign_id) DO UPDATE SET code = EXCLUDED.code, name = EXCLUDED.name,
    kind = EXCLUDED.kind, start_on = EXCLUDED.start_on, end_on = EXCLUDED.end_on,
    status = EXCLUDED.status, version = EXCLUDED.version
WHERE p.version < EXCLUDED.version
"""


@W.on(ev.CampaignLaunched)
async def on_campaign_launched(conn: Any, e: ev.CampaignLaunched, env: CloudEvent) -> None:
    """A campaign starts (its planned end, if any, is its window's end)."""
    v = env.aggregateversion
    await conn.execute(
        _UPSERT_CAMPAIGN, e.campaign_id, e.code, e.name, e.kind, e.start_on, e.end_on, v
    )


@W.on(ev.CampaignClosed)
async def on_campaign_closed(conn: Any, e: ev.CampaignClosed, env: CloudEvent) -> None:
    """A campaign closes: its window ends on ``end_on``."""
    await conn.execute(
        "UPDATE p_campaigns SET status = 'CLOSED', end_on = $2, version = $3"
        " WHERE campaign_id = $1 AND version < $3",
        e.campaign_id,
        e.end_on,
        env.aggregateversion,
    )


@W.on(ev.LeaderAssigned)
async def on_leader_assigned(conn: Any, e: ev.LeaderAssigned, env: CloudEvent) -> None:
    """A leader's cadences are (re)set: the event's cadences replace the earlier ones."""
    v = env.aggregateversion
    await conn.execute(
        "DELETE FROM p_cadence_requirements WHERE person_id = $1 AND version < $2", e.person_id, v
    )
    for cadence in sorted(set(e.cadences)):
        await conn.execute(
            "INSERT INTO p_cadence_requirements AS p (person_id, cadence, effective_from, version)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (person_id, cadence) DO UPDATE"
            " SET effective_from = EXCLUDED.effective_from, version = EXCLUDED.version"
            " WHERE p.version < EXCLUDED.version",
            e.person_id,
            cadence,
            e.effective_from,
            v,
        )


@W.on(ev.LeaderRemoved)
async def on_leader_removed(conn: Any, e: ev.LeaderRemoved, env: CloudEvent) -> None:
    """A leader leaves the group: no cadence applies any more."""
    await conn.execute(
        "DELETE FROM p_cadence_requirements WHERE person_id = $1 AND version < $2",
        e.person_id,
        env.aggregateversion,
    )


@W.on(ev.LeaderCadenceBreached)
async def on_cadence_breached(conn: Any, e: ev.LeaderCadenceBreached, env: CloudEvent) -> None:
    """A breach recorded by inspection's sweeper (a fact, cross-checked by the cadence view)."""
    await conn.execute(
        "INSERT INTO p_cadence_breaches (person_id, period_key, period_kind, period_start_on,"
        " period_end_on) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        e.person_id,
        e.period_key,
        e.period_kind,
        e.period_start_on,
        e.period_end_on,
    )


_UPSERT_INSPECTION = """
INSERT INTO p_inspections AS p (inspection_id, inspection_no, site_id, type, campaign_id,
    lead_person_id, status, planned_on, version)
VALUES ($1, $2, $3, $4, $5, $6, 'SCHEDULED', $7, $8)
ON CONFLICT (inspection_id) DO UPDATE SET inspection_no = EXCLUDED.inspection_no,
    site_id = EXCLUDED.site_id, type = EXCLUDED.type, campaign_id = EXCLUDED.campaign_id,
    lead_person_id = EXCLUDED.lead_person_id, planned_on = EXCLUDED.planned_on,
    status = EXCLUDED.status, version = EXCLUDED.version
WHERE p.version < EXCLUDED.version
"""


@W.on(ev.InspectionScheduled)
async def on_inspection_scheduled(conn: Any, e: ev.InspectionScheduled, env: CloudEvent) -> None:
    """An inspection is planned (it does not count until completed)."""
    await conn.execute(
        _UPSERT_INSPECTION,
        e.inspection_id,
        e.inspection_no,
        e.site_id,
        e.type,
        e.campaign_id,
        e.lead_person_id,
        e.planned_on,
        env.aggregateversion,
    )


_COMPLETE_INSPECTION = """
INSERT INTO p_inspections AS p (inspection_id, site_id, type, campaign_id, lead_person_id,
    status, completed_on, hazards_found, version)
VALUES ($1, $2, $3, $4, $5, 'COMPLETED', $6, $7, $8)
ON CONFLICT (inspection_id) DO UPDATE SET site_id = EXCLUDED.site_id, type = EXCLUDED.type,
    campaign_id = EXCLUDED.campaign_id, lead_person_id = EXCLUDED.lead_person_id,
    status = 'COMPLETED', completed_on = EXCLUDED.completed_on,
    hazards_found = EXCLUDED.hazards_found, version = EXCLUDED.version
WHERE p.version < EXCLUDED.version
"""


@W.on(ev.InspectionCompleted)
async def on_inspection_completed(conn: Any, e: ev.InspectionCompleted, env: CloudEvent) -> None:
    """An inspection was carried out: it counts on its local completion date, for its people."""
    await conn.execute(
        _COMPLETE_INSPECTION,
        e.inspection_id,
        e.site_id,
        e.type,
        e.campaign_id,
        e.lead_person_id,
        local_date(e.completed_at),
        e.hazards_found,
        env.aggregateversion,
    )
    people = [(e.lead_person_id, "LEAD")]
    people += [(p, "PARTICIPANT") for p in e.participant_ids if p != e.lead_person_id]
    await conn.executemany(
        "INSERT INTO p_inspection_people (inspection_id, person_id, role) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING",
        [(e.inspection_id, person, role) for person, role in people],
    )


@W.on(ev.InspectionCancelled)
async def on_inspection_cancelled(conn: Any, e: ev.InspectionCancelled, env: CloudEvent) -> None:
    """A scheduled inspection was called off."""
    await conn.execute(
        "UPDATE p_inspections SET status = 'CANCELLED', version = $2"
        " WHERE inspection_id = $1 AND version < $2",
        e.inspection_id,
        env.aggregateversion,
    )


@W.on(ev.SafetyTalkHeld)
async def on_safety_talk_held(conn: Any, e: ev.SafetyTalkHeld, env: CloudEvent) -> None:
    """A safety talk, counted on its local date (a 07:30 talk on 1 January counts in January)."""
    await conn.execute(
        "INSERT INTO p_safety_talks (talk_id, venue_site_id, format, held_on, audience_count,"
        " version) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        e.talk_id,
        e.venue_site_id,
        e.format,
        local_date(e.held_at),
        e.audience_count,
        env.aggregateversion,
    )


@W.on(ev.WorkNoticeIssued)
async def on_work_notice_issued(conn: Any, e: ev.WorkNoticeIssued, env: CloudEvent) -> None:
    """A work notice and one acknowledgement slot per target site."""
    await conn.execute(
        "INSERT INTO p_work_notices (notice_id, notice_no, title, issued_on, ack_due_on,"
        " require_ack, version) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        e.notice_id,
        e.notice_no,
        e.title,
        local_date(e.issued_at),
        e.ack_due_on,
        e.require_ack,
        env.aggregateversion,
    )
    await conn.executemany(
        "INSERT INTO p_work_notice_targets (notice_id, site_id) VALUES ($1, $2)"
        " ON CONFLICT DO NOTHING",
        [(e.notice_id, site) for site in e.target_site_ids],
    )


@W.on(ev.WorkNoticeAcknowledged)
async def on_work_notice_acknowledged(
    conn: Any, e: ev.WorkNoticeAcknowledged, env: CloudEvent
) -> None:
    """A target site acknowledged: the first acknowledgement's date stays."""
    await conn.execute(
        "UPDATE p_work_notice_targets SET acked_on = $3"
        " WHERE notice_id = $1 AND site_id = $2 AND acked_on IS NULL",
        e.notice_id,
        e.site_id,
        local_date(e.acked_at),
    )
    await conn.execute(
        "UPDATE p_work_notices SET version = $2 WHERE notice_id = $1 AND version < $2",
        e.notice_id,
        env.aggregateversion,
    )


@W.on(ev.SafetyMeetingHeld)
async def on_safety_meeting_held(conn: Any, e: ev.SafetyMeetingHeld, env: CloudEvent) -> None:
    """A safety meeting (a fact)."""
    await conn.execute(
        "INSERT INTO p_safety_meetings (meeting_id, kind, held_on, version)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        e.meeting_id,
        e.kind,
        local_date(e.held_at),
        env.aggregateversion,
    )


@W.on(ev.SurveyLaunched)
async def on_survey_launched(conn: Any, e: ev.SurveyLaunched, env: CloudEvent) -> None:
    """A survey starts."""
    await conn.execute(
        "INSERT INTO p_surveys AS p (survey_id, scale, status, launched_on, version)"
        " VALUES ($1, $2, 'LAUNCHED', $3, $4) ON CONFLICT (survey_id) DO UPDATE"
        " SET scale = EXCLUDED.scale, status = EXCLUDED.status,"
        " launched_on = EXCLUDED.launched_on, version = EXCLUDED.version"
        " WHERE p.version < EXCLUDED.version",
        e.survey_id,
        e.scale,
        local_date(e.launched_at),
        env.aggregateversion,
    )


@W.on(ev.SurveyCompleted)
async def on_survey_completed(conn: Any, e: ev.SurveyCompleted, env: CloudEvent) -> None:
    """A survey is completed (only completed large surveys count)."""
    await conn.execute(
        "INSERT INTO p_surveys AS p (survey_id, scale, status, completed_on, problems_registered,"
        " version) VALUES ($1, $2, 'COMPLETED', $3, $4, $5) ON CONFLICT (survey_id) DO UPDATE"
        " SET scale = EXCLUDED.scale, status = EXCLUDED.status,"
        " completed_on = EXCLUDED.completed_on,"
        " problems_registered = EXCLUDED.problems_registered, version = EXCLUDED.version"
        " WHERE p.version < EXCLUDED.version",
        e.survey_id,
        e.scale,
        local_date(e.completed_at),
        e.problems_registered,
        env.aggregateversion,
    )


@W.on(ev.ProblemRegistered)
async def on_problem_registered(conn: Any, e: ev.ProblemRegistered, env: CloudEvent) -> None:
    """A citizen's problem is registered."""
    await conn.execute(
        "INSERT INTO p_problems (problem_id, source, survey_id, county_code, category, status,"
        " registered_on, version) VALUES ($1, $2, $3, $4, $5, 'REGISTERED', $6, $7)"
        " ON CONFLICT DO NOTHING",
        e.problem_id,
        e.source,
        e.survey_id,
        e.county_code,
        e.category,
        local_date(e.registered_at),
        env.aggregateversion,
    )


@W.on(ev.ProblemResolved)
async def on_problem_resolved(conn: Any, e: ev.ProblemResolved, env: CloudEvent) -> None:
    """A problem is resolved on its local date."""
    await _problem(conn, e.problem_id, env, "status = 'RESOLVED', resolved_on = $3", e.resolved_at)


@W.on(ev.ProblemReopened)
async def on_problem_reopened(conn: Any, e: ev.ProblemReopened, env: CloudEvent) -> None:
    """A reopened problem no longer counts as solved."""
    await _problem(conn, e.problem_id, env, "status = 'REOPENED', resolved_on = NULL", None)


@W.on(ev.ProblemConfirmed)
async def on_problem_confirmed(conn: Any, e: ev.ProblemConfirmed, env: CloudEvent) -> None:
    """A resolution is confirmed (it keeps its resolution date)."""
    await _problem(
        conn, e.problem_id, env, "status = 'CONFIRMED', confirmed_on = $3", e.confirmed_at
    )


async def _problem(conn: Any, problem_id: Any, env: CloudEvent, sets: str, at: Any) -> None:
    args = [problem_id, env.aggregateversion]
    if at is not None:
        args.append(local_date(at))
    await conn.execute(
        f"UPDATE p_problems SET {sets}, version = $2 WHERE problem_id = $1 AND version < $2",  # noqa: S608 - fixed fragments
        *args,
    )

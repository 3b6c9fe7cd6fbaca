# mypy: disable-error-code="arg-type, misc, list-item, redundant-expr"
# (The demo data is written as plain tables; pydantic validates every value at run time.)
"""A raw-event rendition of the demo year (DOMAIN §11), built to give the figures of §11.5.

The real demo loader drives the services' commands; this builds the events those commands would
publish, directly, so the projections can be tested on their own. Lifecycles that no view reads
are shortened (a home modification goes applied → accepted), which keeps it fast; every figure
of §10.4 and §11.5 still comes out, and each trap of §11.5 is present (Dec 2023 activity, the
07:30 talk of 1 January, cancelled and planned items, reopened problems, failed payments...).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5
from zoneinfo import ZoneInfo

from shared.events import charity as ch, eldercare as el, inspection as ins, notify as nt
from shared.events.base import IntegrationEvent
from shared.events.envelope import CloudEvent, envelope_for

NS = uuid5(NAMESPACE_URL, "urn:minzheng:views-tests")
SH = ZoneInfo("Asia/Shanghai")
BRAND = "益行益善·益老益小"
Q1, Q2 = "\u201c", "\u201d"
CAMPAIGNS = [
    (
        "C1",
        f"养老机构冬春季安全隐患{Q1}百日攻坚{Q2}",
        "WINTER_SPRING_100D",
        date(2023, 12, 1),
        date(2024, 3, 9),
    ),
    ("C2", "消防安全集中除患攻坚", "FIRE_HAZARD_REMOVAL", date(2024, 3, 10), date(2024, 5, 31)),
    ("C3", "安全生产治本攻坚", "ROOT_CAUSE", date(2024, 1, 1), None),
    ("C4", "民政服务机构燃气安全", "GAS_SAFETY", date(2024, 6, 1), date(2024, 7, 31)),
    (
        "C5",
        f"民政系统灾害风险隐患{Q1}大排查、大整治{Q2}",
        "DISASTER_RISK",
        date(2024, 8, 1),
        date(2024, 9, 15),
    ),
    ("C6", f"打通消防{Q1}生命通道{Q2}", "FIRE_LIFE_CHANNEL", date(2024, 9, 16), date(2024, 10, 31)),
    ("C7", "城市运行安全隐患排查整治", "URBAN_OPERATION", date(2024, 11, 1), None),
]
KINDS = ["ELDERCARE_SAFETY_NET"] * 12 + ["ELDERCARE_PUBLIC"] * 8 + ["ELDERCARE_PRIVATE"] * 19
KINDS += ["SOCIAL_WELFARE_HOME", "CHILD_WELFARE", "RELIEF_STATION", "FUNERAL_HOME"]
COUNTIES = ["430902", "430903", "430921", "430922", "430923", "430981"]


def uid(kind: str, code: str | int) -> UUID:
    """The id of a demo thing."""
    return uuid5(NS, f"{kind}:{code}")


def at(d: date, hour: int = 10, minute: int = 0) -> datetime:
    """A local wall-clock time on a date, as a UTC instant."""
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=SH).astimezone(UTC)


def day(y: int, m: int, d: int) -> date:
    return date(y, m, d)


class Stream:
    """Events in the order their producers would publish them, with per-aggregate versions."""

    def __init__(self) -> None:
        self.items: list[tuple[IntegrationEvent, CloudEvent]] = []
        self._versions: dict[tuple[str, str], int] = {}

    def emit(self, event: IntegrationEvent, when: datetime) -> None:
        key = (event.AGGREGATE, event.aggregate_id)
        version = self._versions.get(key, 0) + 1
        self._versions[key] = version
        env = envelope_for(event, source=event.TYPE.split(".")[0], version=version, time=when)
        self.items.append((event, env))


SITES = [uid("institution", f"INST-{n:03d}") for n in range(1, 45)]
ACTIVE_SITES = SITES[:43]
ELDERCARE_SITES = SITES[:39]
L1, L2, L3, L4, S1 = (uid("person", p) for p in ("L1", "L2", "L3", "L4", "S1"))
STAFF = [uid("person", f"STAFF-0{n}") for n in range(1, 5)]


def _sites(s: Stream) -> None:
    for n, (site, kind) in enumerate(zip(SITES, [*KINDS, "ELDERCARE_PRIVATE"], strict=True)):
        s.emit(
            el.InstitutionRegistered(
                institution_id=site,
                filing_no=f"INST-{n + 1:03d}",
                name=f"益阳市第{n + 1}养老服务机构",
                kind=kind,
                county_code=COUNTIES[n % 6],
                township_code=COUNTIES[n % 6] + "001",
                beds=40,
                head_person_id=uid("head", n),
                status="ACTIVE",
                registered_at=at(day(2015 + n % 8, 3, 1)),
            ),
            at(day(2015 + n % 8, 3, 1)),
        )
    s.emit(
        el.InstitutionStatusChanged(
            institution_id=SITES[43],
            status="CLOSED",
            changed_at=at(day(2023, 6, 30)),
            reason_code="CLOSED_BY_OWNER",
        ),
        at(day(2023, 6, 30)),
    )


def _campaigns(s: Stream) -> dict[str, UUID]:
    ids = {}
    for code, name, kind, start, end in CAMPAIGNS:
        ids[code] = uid("campaign", code)
        s.emit(
            ins.CampaignLaunched(
                campaign_id=ids[code],
                code=code,
                name=name,
                kind=kind,
                start_on=start,
                end_on=end if code != "C3" else day(2026, 12, 31),
                lead_unit="市民政局",
            ),
            at(start, 9),
        )
    for code, *_rest, end in CAMPAIGNS:
        if end is not None:
            s.emit(ins.CampaignClosed(campaign_id=ids[code], end_on=end), at(end, 18))
    for person, roles, cadences in (
        (L1, ("MAIN_LEADER",), ("MONTHLY",)),
        (L2, ("TEAM_MEMBER",), ("MONTHLY",)),
        (L3, ("TEAM_MEMBER",), ("MONTHLY",)),
        (L4, ("TEAM_MEMBER",), ("MONTHLY",)),
        (S1, ("TEAM_MEMBER", "SAFETY_LEAD"), ("MONTHLY", "WEEKLY")),
    ):
        s.emit(
            ins.LeaderAssigned(
                person_id=person, roles=roles, cadences=cadences, effective_from=day(2024, 1, 1)
            ),
            at(day(2024, 1, 2)),
        )
    s.emit(
        ins.LeaderCadenceBreached(
            person_id=S1,
            period_kind="WEEKLY",
            period_key="2024-W32",
            period_start_on=day(2024, 8, 5),
            period_end_on=day(2024, 8, 11),
        ),
        at(day(2024, 8, 12), 0, 5),
    )
    return ids


def _campaign_of(d: date) -> str:
    for code, _n, _k, start, end in CAMPAIGNS:
        if code != "C3" and start <= d and (end is None or d <= end):
            return code
    return "C3"


def inspection_plan() -> list[tuple[datetime, str, UUID, tuple[UUID, ...], str]]:
    """The 74 inspections of 2024: (completed_at, type, lead, participants, campaign code)."""
    plan = []
    monday = day(2024, 1, 1)
    for week in range(1, 49):
        if week != 32:  # W32 skipped (flood duty): the one cadence breach
            plan.append(
                (
                    at(monday + timedelta(days=7 * (week - 1) + 2), 9, 30),
                    "ROUTINE_WEEKLY",
                    S1,
                    (),
                    "",
                )
            )
    plan.append((at(day(2024, 8, 16), 9, 30), "ROUTINE_WEEKLY", S1, (), ""))
    for month in range(1, 12):
        first = day(2024, month, 1)
        thursday = first + timedelta(days=(3 - first.weekday()) % 7 + 14)
        plan.append((at(thursday, 14, 30), "LEADERSHIP_MONTHLY", L1, (L2, L3, L4, S1), ""))
    specials = [("C1", (1, 10)), ("C1", (2, 21))] + [
        ("C3", md)
        for md in ((3, 20), (4, 17), (5, 15), (6, 19), (7, 17), (8, 21), (9, 25), (10, 16))
    ]
    specials += [
        ("C5", (8, 28)),
        ("C5", (9, 4)),
        ("C7", (11, 6)),
        ("C7", (11, 13)),
        ("C7", (11, 20)),
    ]
    for n, (code, (m, d)) in enumerate(specials):
        plan.append((at(day(2024, m, d), 15), "SPECIAL", STAFF[n % 4], (), code))
    plan.sort(key=lambda p: p[0])
    return [
        (t, ty, lead, parts, code or _campaign_of(t.astimezone(SH).date()))
        for t, ty, lead, parts, code in plan
    ]


def _inspections(
    s: Stream, campaigns: dict[str, UUID]
) -> list[tuple[UUID, UUID, datetime, str, str]]:
    found = []
    for k, (when, itype, lead, parts, code) in enumerate(inspection_plan()):
        iid, site = uid("inspection", f"JC-2024-{k:03d}"), ACTIVE_SITES[k % 43]
        local = when.astimezone(SH).date()
        s.emit(
            ins.InspectionScheduled(
                inspection_id=iid,
                inspection_no=f"JC-2024-{k:03d}",
                site_id=site,
                type=itype,
                campaign_id=campaigns[code],
                lead_person_id=lead,
                planned_on=local,
                announced=False,
            ),
            at(local - timedelta(days=3)),
        )
        n_hazards = 2 if k < 22 else 1
        s.emit(
            ins.InspectionCompleted(
                inspection_id=iid,
                site_id=site,
                type=itype,
                campaign_id=campaigns[code],
                lead_person_id=lead,
                participant_ids=parts,
                completed_at=when,
                hazards_found=n_hazards,
            ),
            when,
        )
        found += [(iid, site, when, code, itype)] * n_hazards
    for n, d in enumerate((day(2024, 7, 10), day(2024, 10, 9))):
        iid = uid("inspection", f"JC-2024-X{n}")
        s.emit(
            ins.InspectionScheduled(
                inspection_id=iid,
                inspection_no=f"JC-2024-X{n}",
                site_id=ACTIVE_SITES[n],
                type="SPECIAL",
                campaign_id=campaigns["C3"],
                lead_person_id=STAFF[0],
                planned_on=d,
                announced=False,
            ),
            at(d - timedelta(days=5)),
        )
        s.emit(
            ins.InspectionCancelled(
                inspection_id=iid, site_id=ACTIVE_SITES[n], reason_code="WEATHER"
            ),
            at(d - timedelta(days=1)),
        )
    for n, d in enumerate(
        (day(2023, 12, 6), day(2023, 12, 13), day(2023, 12, 20), day(2023, 12, 27))
    ):
        iid = uid("inspection", f"JC-2023-{n:03d}")
        s.emit(
            ins.InspectionScheduled(
                inspection_id=iid,
                inspection_no=f"JC-2023-{n:03d}",
                site_id=ACTIVE_SITES[n],
                type="SPECIAL",
                campaign_id=campaigns["C1"],
                lead_person_id=STAFF[n],
                planned_on=d,
                announced=False,
            ),
            at(d - timedelta(days=3)),
        )
        s.emit(
            ins.InspectionCompleted(
                inspection_id=iid,
                site_id=ACTIVE_SITES[n],
                type="SPECIAL",
                campaign_id=campaigns["C1"],
                lead_person_id=STAFF[n],
                participant_ids=(),
                completed_at=at(d, 15),
                hazards_found=0,
            ),
            at(d, 15),
        )
    return found


OPEN = {  # (local found date, inspection type) → which open hazard of §11.3 it is
    (day(2024, 10, 30), "ROUTINE_WEEKLY"): 1,
    (day(2024, 11, 6), "ROUTINE_WEEKLY"): 2,
    (day(2024, 10, 16), "SPECIAL"): 3,
    (day(2024, 11, 13), "ROUTINE_WEEKLY"): 4,
    (day(2024, 11, 20), "ROUTINE_WEEKLY"): 5,
    (day(2024, 11, 21), "LEADERSHIP_MONTHLY"): 6,
    (day(2024, 11, 27), "ROUTINE_WEEKLY"): 7,
}
MAJOR_ON = {day(2024, 1, 10), day(2024, 3, 20), day(2024, 10, 16)}


class _Hazard:
    """One hazard's life after its report: the events its timeline row of §11.3 calls for."""

    def __init__(self, s: Stream, hid: UUID, site: UUID, level: str, deadline: date) -> None:
        self.s, self.hid, self.site, self.level, self.deadline = s, hid, site, level, deadline

    def ev(self, event: IntegrationEvent, on: date, hour: int = 11) -> None:
        self.s.emit(event, at(on, hour))

    def submit(self, on: date) -> None:
        self.ev(
            ins.HazardRectificationSubmitted(
                hazard_id=self.hid,
                site_id=self.site,
                submitted_at=at(on, 11),
                evidence_count=3,
                verifier_id=STAFF[1],
            ),
            on,
        )

    def verify(self, on: date) -> None:
        self.ev(
            ins.HazardRectificationVerified(
                hazard_id=self.hid, site_id=self.site, verifier_id=STAFF[1], verified_at=at(on, 15)
            ),
            on,
            15,
        )

    def reject(self, on: date) -> None:
        self.ev(
            ins.HazardRectificationRejected(
                hazard_id=self.hid,
                site_id=self.site,
                verifier_id=STAFF[1],
                rejected_at=at(on, 11),
                rework_count=1,
            ),
            on,
        )

    def extend(self, on: date, new: date) -> None:
        self.ev(
            ins.HazardDeadlineExtended(
                hazard_id=self.hid,
                site_id=self.site,
                old_deadline_on=self.deadline,
                new_deadline_on=new,
                extension_count=1,
                approved_by=S1,
            ),
            on,
        )

    def reminder(self, on: date) -> None:
        self.ev(
            ins.HazardDeadlineApproaching(
                hazard_id=self.hid,
                site_id=self.site,
                responsible_person_id=uid("safety", self.site),
                deadline_on=self.deadline,
                days_left=(self.deadline - on).days,
            ),
            on,
            0,
        )

    def overdue(self, on: date) -> None:
        self.ev(
            ins.HazardOverdue(
                hazard_id=self.hid,
                site_id=self.site,
                level=self.level,
                responsible_person_id=uid("safety", self.site),
                deadline_on=self.deadline,
            ),
            on,
            0,
        )

    def escalate(self, on: date) -> None:
        self.ev(
            ins.HazardEscalated(
                hazard_id=self.hid,
                site_id=self.site,
                level=self.level,
                deadline_on=self.deadline,
                days_overdue=8,
            ),
            on,
            0,
        )


OPEN_DEADLINES = {
    1: day(2024, 11, 15),
    2: day(2024, 11, 26),
    3: day(2024, 11, 29),
    4: day(2024, 11, 30),
    5: day(2024, 11, 28),
}


def _open_hazard(h: _Hazard, which: int) -> None:
    """The seven hazards still open at AS_OF (§11.3 table)."""
    if which == 1:
        h.reminder(day(2024, 11, 12))
        h.overdue(day(2024, 11, 16))
        h.escalate(day(2024, 11, 23))
    elif which == 2:
        h.reminder(day(2024, 11, 23))
        h.overdue(day(2024, 11, 27))
    elif which == 3:
        h.extend(day(2024, 11, 20), day(2024, 12, 20))
    elif which == 4:
        h.reminder(day(2024, 11, 27))
    else:
        h.submit({5: day(2024, 11, 24), 6: day(2024, 11, 28), 7: day(2024, 11, 29)}[which])


def _hazards(
    s: Stream, found: list[tuple[UUID, UUID, datetime, str, str]], campaigns: dict[str, UUID]
) -> None:
    seen: set[tuple[date, str]] = set()
    rejected = extended = 0
    for n, (iid, site, when, code, itype) in enumerate(found):
        hid, d = uid("hazard", f"YH-2024-{n:03d}"), when.astimezone(SH).date()
        first_of_inspection = (d, itype) not in seen
        seen.add((d, itype))
        major = d in MAJOR_ON and itype == "SPECIAL" and first_of_inspection
        which = OPEN.get((d, itype)) if first_of_inspection else None
        level = "MAJOR" if major else "GENERAL"
        s.emit(
            ins.HazardReported(
                hazard_id=hid,
                hazard_no=f"YH-2024-{n:03d}",
                site_id=site,
                inspection_id=iid,
                campaign_id=campaigns[code],
                category="FIRE",
                level=level,
                major_basis="重大事故隐患判定标准" if major else None,
                found_at=when,
                found_by=STAFF[0],
                photo_count=2,
            ),
            when,
        )
        deadline = OPEN_DEADLINES.get(which or 0, d + timedelta(days=45 if major else 14))
        s.emit(
            ins.HazardRectificationAssigned(
                hazard_id=hid,
                site_id=site,
                level=level,
                responsible_person_id=uid("safety", site),
                deadline_on=deadline,
                funds_minor=0,
                has_contingency_plan=major,
                has_interim_measures=major,
            ),
            at(d, 17),
        )
        h = _Hazard(s, hid, site, level, deadline)
        if which is not None:
            _open_hazard(h, which)
            continue
        if not major and 4 <= d.month <= 6 and rejected < 4:
            rejected += 1
            h.submit(d + timedelta(days=5))
            h.reject(d + timedelta(days=6))
            h.submit(d + timedelta(days=9))
            h.verify(d + timedelta(days=11))
            continue
        if not major and d.month == 7 and extended < 2:
            extended += 1
            h.extend(d + timedelta(days=5), deadline + timedelta(days=7))
        h.submit(d + timedelta(days=38 if major else 7))
        h.verify(d + timedelta(days=40 if major else 9))


def _drills_talks_notices(s: Stream) -> None:
    for q, (m, d, dtype) in enumerate(
        (
            (3, 15, "FIRE_EVACUATION"),
            (6, 14, "FLOOD"),
            (9, 13, "GAS_LEAK"),
            (11, 15, "FIRE_EVACUATION"),
        )
    ):
        for n, site in enumerate(ACTIVE_SITES):
            did, on = uid("drill", f"{q}-{n}"), day(2024, m, d)
            s.emit(
                ins.DrillPlanned(drill_id=did, site_id=site, drill_type=dtype, planned_on=on),
                at(on - timedelta(days=20)),
            )
            s.emit(
                ins.DrillHeld(
                    drill_id=did,
                    site_id=site,
                    drill_type=dtype,
                    held_at=at(on, 9),
                    participants=30,
                    residents_participating=10,
                ),
                at(on, 9),
            )
    for n in range(2):
        did = uid("drill", f"X{n}")
        s.emit(
            ins.DrillPlanned(
                drill_id=did,
                site_id=ACTIVE_SITES[n],
                drill_type="COMPREHENSIVE",
                planned_on=day(2024, 7, 12),
            ),
            at(day(2024, 6, 20)),
        )
        s.emit(
            ins.DrillCancelled(drill_id=did, site_id=ACTIVE_SITES[n], reason_code="HEATWAVE"),
            at(day(2024, 7, 10)),
        )
    for n in range(5):
        did = uid("drill", f"2023-{n}")
        s.emit(
            ins.DrillPlanned(
                drill_id=did,
                site_id=ACTIVE_SITES[n],
                drill_type="FIRE_EVACUATION",
                planned_on=day(2023, 12, 15),
            ),
            at(day(2023, 11, 20)),
        )
        s.emit(
            ins.DrillHeld(
                drill_id=did,
                site_id=ACTIVE_SITES[n],
                drill_type="FIRE_EVACUATION",
                held_at=at(day(2023, 12, 15)),
                participants=20,
                residents_participating=5,
            ),
            at(day(2023, 12, 15)),
        )
    bureau = [at(day(2024, 1, 1), 7, 30)] + [
        at(day(2024, m, d), 15)
        for m, d in (
            (2, 19),
            (3, 11),
            (4, 8),
            (5, 13),
            (6, 17),
            (7, 8),
            (8, 12),
            (9, 9),
            (10, 14),
            (11, 11),
        )
    ]
    tuesdays = [day(2024, 3, 5) + timedelta(days=7 * k) for k in range(0, 39, 2)][:20]
    talks = [(t, None, "MINZHENG_LECTURE") for t in bureau]
    talks += [(at(d, 10), ACTIVE_SITES[k], "ON_SITE") for k, d in enumerate(tuesdays)]
    talks += [(at(day(2023, 12, d), 15), None, "BUSINESS_STUDY") for d in (5, 12, 19)]
    for n, (when, venue, fmt) in enumerate(talks):
        s.emit(
            ins.SafetyTalkHeld(
                talk_id=uid("talk", n),
                venue_site_id=venue,
                format=fmt,
                held_at=when,
                audience_count=40,
            ),
            when,
        )
    notices = [(day(2023, 12, 20), "冬季安全提示")] + [
        (day(2024, m, d), t)
        for m, d, t in (
            (1, 25, "春节安全提示"),
            (4, 19, "汛期安全提示"),
            (7, 10, "高温用电用气安全提示"),
            (9, 25, "国庆安全提示"),
            (11, 15, "冬季防火提示"),
        )
    ]
    for n, (on, title) in enumerate(notices):
        nid = uid("notice", n)
        s.emit(
            ins.WorkNoticeIssued(
                notice_id=nid,
                notice_no=f"TS-{n}",
                title=title,
                issued_at=at(on, 9),
                issuer_person_id=S1,
                target_site_ids=tuple(ACTIVE_SITES),
                require_ack=True,
                ack_due_on=on + timedelta(days=7),
            ),
            at(on, 9),
        )
        for k, site in enumerate(ACTIVE_SITES):
            if on == day(2024, 11, 15) and k >= 40:
                continue  # three sites never acknowledge the 11-15 notice
            when = at(on + timedelta(days=1 + k % 3), 10)
            s.emit(
                ins.WorkNoticeAcknowledged(
                    notice_id=nid, site_id=site, acked_at=when, acked_by=uid("head", k)
                ),
                when,
            )
    for n, (m, d) in enumerate(((1, 16), (3, 26), (6, 25), (8, 27), (11, 19))):
        s.emit(
            ins.SafetyMeetingHeld(
                meeting_id=uid("meeting", n), kind="PARTY_GROUP", held_at=at(day(2024, m, d), 9)
            ),
            at(day(2024, m, d), 9),
        )


def _surveys_problems(s: Stream) -> None:
    months = [1, 2, 3, 3, 4, 5, 6, 6, 7, 8, 9, 10, 11]
    surveys = [(n, "LARGE", m) for n, m in enumerate(months)] + [
        (13 + n, "ORDINARY", 5 + n) for n in range(3)
    ]
    for n, scale, m in surveys:
        sid = uid("survey", n)
        s.emit(
            ins.SurveyLaunched(
                survey_id=sid,
                scale=scale,
                theme="民生调研",
                lead_person_id=L1,
                launched_at=at(day(2024, m, 5)),
            ),
            at(day(2024, m, 5)),
        )
        if m != 11:
            s.emit(
                ins.SurveyCompleted(
                    survey_id=sid,
                    scale=scale,
                    completed_at=at(day(2024, m, 25)),
                    problems_registered=5,
                ),
                at(day(2024, m, 25)),
            )
    for n in range(114):
        pid, m = uid("problem", n), 1 + n % 10
        src = "SURVEY" if n < 80 else "HOTLINE_12345"
        s.emit(
            ins.ProblemRegistered(
                problem_id=pid,
                source=src,
                survey_id=uid("survey", n % 12) if src == "SURVEY" else None,
                county_code=COUNTIES[n % 6],
                category="LIVELIHOOD",
                owner_unit="市民政局",
                registered_at=at(day(2024, m, 6)),
            ),
            at(day(2024, m, 6)),
        )
        if n < 110:
            s.emit(
                ins.ProblemResolved(problem_id=pid, resolved_at=at(day(2024, m, 20))),
                at(day(2024, m, 20)),
            )
        if n < 2:
            s.emit(
                ins.ProblemReopened(
                    problem_id=pid,
                    reopened_at=at(day(2024, m, 28)),
                    reason_code="CITIZEN_UNSATISFIED",
                ),
                at(day(2024, m, 28)),
            )


ELDERS_B = [uid("elder", f"B{n}") for n in range(460)]
ELDERS_C = [uid("elder", f"C{n}") for n in range(640)]
ELDERS_A0 = [uid("elder", f"A0-{n}") for n in range(480)]
ELDERS_A = [uid("elder", f"A{n}") for n in range(2700)]
DEAD = ELDERS_C[540:546]


def _elders(s: Stream) -> None:
    groups = [
        (ELDERS_B, day(2021, 3, 1), ("SAFETY_NET", "INSTITUTIONAL")),
        (ELDERS_C, day(2021, 4, 1), ("HOME",)),
        (ELDERS_A0, day(2023, 1, 10), ("HOME",)),
    ]
    groups += [
        (ELDERS_A[:900], day(2023, 10, 10), ("HOME",)),
        (ELDERS_A[900:], day(2024, 1, 10), ("HOME",)),
    ]
    for elders, on, pillars in groups:
        for n, eid in enumerate(elders):
            when = at(on + timedelta(days=n % 80), 9)
            s.emit(
                el.ElderRegistered(
                    elder_id=eid,
                    age_band="80-89",
                    sex="F",
                    county_code=COUNTIES[n % 6],
                    township_code=COUNTIES[n % 6] + "001",
                    care_pillars=pillars,
                    registered_at=when,
                ),
                when,
            )
    for n, eid in enumerate(ELDERS_B):
        site = ELDERCARE_SITES[n // 12] if n < 372 else ELDERCARE_SITES[31 + (n - 372) // 11]
        s.emit(
            el.ElderAdmitted(elder_id=eid, institution_id=site, admitted_at=at(day(2021, 6, 1))),
            at(day(2021, 6, 1)),
        )
    for n, eid in enumerate(DEAD):
        s.emit(
            el.ElderDeceased(elder_id=eid, died_on=day(2024, 3 + n, 10)), at(day(2024, 3 + n, 11))
        )


def _home_modifications(s: Stream) -> None:
    for n, eid in enumerate(ELDERS_A0):
        mid, hh = uid("mod", f"2023-{n}"), uid("household", f"A0-{n}")
        s.emit(
            el.HomeModificationApplied(
                modification_id=mid,
                household_id=hh,
                elder_id=eid,
                county_code="430902",
                applied_at=at(day(2023, 4, 1)),
            ),
            at(day(2023, 4, 1)),
        )
        accepted = at(day(2023, 5 + n % 7, 10))
        s.emit(
            el.HomeModificationAccepted(
                modification_id=mid,
                household_id=hh,
                elder_id=eid,
                subsidy_minor=280000,
                inspector_id=STAFF[2],
                accepted_at=accepted,
            ),
            accepted,
        )
    for n, eid in enumerate(ELDERS_A):
        mid, hh = uid("mod", f"2024-{n}"), uid("household", f"A{n}")
        applied = at(day(2024, 1, 2) + timedelta(days=n % 200))
        s.emit(
            el.HomeModificationApplied(
                modification_id=mid,
                household_id=hh,
                elder_id=eid,
                county_code="430903",
                applied_at=applied,
            ),
            applied,
        )
        later = applied + timedelta(days=30)
        if n < 25:
            s.emit(
                el.HomeModificationRejected(
                    modification_id=mid, elder_id=eid, reason_code="INELIGIBLE", rejected_at=later
                ),
                later,
            )
        elif n < 50:
            s.emit(el.HomeModificationApproved(modification_id=mid, approved_at=later), later)
        elif n < 63:
            s.emit(
                el.HomeModificationCompleted(
                    modification_id=mid, contractor_org_id=uid("org", 1), completed_at=later
                ),
                later,
            )
        else:
            accepted = min(applied + timedelta(days=40 + n % 90), at(day(2024, 11, 28)))
            s.emit(
                el.HomeModificationAccepted(
                    modification_id=mid,
                    household_id=hh,
                    elder_id=eid,
                    subsidy_minor=280000,
                    inspector_id=STAFF[2],
                    accepted_at=accepted,
                ),
                accepted,
            )


def _meals(s: Stream) -> None:
    points = [
        (uid("meal_point", f"2023-{n}"), "MEAL_POINT", None, day(2023, 5, 1)) for n in range(12)
    ]
    kinds = ["CANTEEN"] * 10 + ["MEAL_POINT"] * 24 + ["MEAL_TABLE"] * 6
    points += [
        (
            uid("meal_point", f"2024-{n}"),
            k,
            ELDERCARE_SITES[n] if k == "CANTEEN" else None,
            day(2024, 1, 15) + timedelta(days=n * 7),
        )
        for n, k in enumerate(kinds)
    ]
    closed, suspended = points[0][0], points[12 + 10][0]
    for n, (pid, kind, operator, est) in enumerate(points):
        s.emit(
            el.MealPointEstablished(
                meal_point_id=pid,
                name=f"助餐点{n}",
                type=kind,
                operator_institution_id=operator,
                county_code=COUNTIES[n % 6],
                township_code=COUNTIES[n % 6] + "001",
                capacity_per_slot=60,
                established_at=at(est, 8),
            ),
            at(est, 8),
        )
    s.emit(
        el.MealPointClosed(meal_point_id=closed, closed_at=at(day(2024, 6, 30), 18)),
        at(day(2024, 6, 30), 18),
    )
    s.emit(
        el.MealPointSuspended(
            meal_point_id=suspended,
            suspended_at=at(day(2024, 11, 20), 18),
            reason_code="LICENCE_RENEWAL",
        ),
        at(day(2024, 11, 20), 18),
    )
    users = [e for e in ELDERS_A[:1000] + ELDERS_C if e not in set(DEAD)]
    meal = 0
    for pid, _kind, _op, est in points:
        start = max(est, day(2024, 1, 2))
        end = (
            day(2024, 6, 28)
            if pid == closed
            else day(2024, 11, 19)
            if pid == suspended
            else day(2024, 11, 29)
        )
        span = (end - start).days + 1
        for i in range(200):
            when = at(start + timedelta(days=i % span), 11, 30)
            s.emit(
                el.MealServed(
                    meal_id=uid("meal", meal),
                    meal_point_id=pid,
                    elder_id=users[meal % len(users)],
                    served_at=when,
                    slot="LUNCH",
                    verification_method="CARD",
                    price_minor=1000,
                    subsidy_minor=500,
                    paid_minor=500,
                ),
                when,
            )
            meal += 1


def _wristbands_volunteers(s: Stream) -> None:
    holders = DEAD + ELDERS_C[:294]
    for n, eid in enumerate(holders):
        wid = uid("wristband", n)
        when = at(day(2024, 3, 1)) if n < 6 else at(day(2024, 3 + n % 8, 5))
        s.emit(
            el.WristbandIssued(
                wristband_id=wid,
                elder_id=eid,
                brand_project_id=uid("project", "P2"),
                issued_at=when,
            ),
            when,
        )
        if n < 6:
            gone = at(day(2024, 3 + n, 12))
            s.emit(
                el.WristbandDeactivated(
                    wristband_id=wid, elder_id=eid, reason_code="DECEASED", deactivated_at=gone
                ),
                gone,
            )
    for n, d in enumerate((day(2024, 10, 19), day(2024, 11, 2), day(2024, 11, 23))):
        cid, eid = uid("missing", n), ELDERS_C[n]
        s.emit(
            el.MissingCaseReported(
                case_id=cid, elder_id=eid, county_code="430902", reported_at=at(d, 8)
            ),
            at(d, 8),
        )
        s.emit(
            el.MissingCaseFound(
                case_id=cid, elder_id=eid, found_at=at(d, 17), outcome="FOUND_SAFE"
            ),
            at(d, 17),
        )
    corps, founded = uid("corps", "VC-1"), at(day(2024, 10, 8), 9)
    s.emit(
        el.VolunteerCorpsFounded(
            corps_id=corps, name="益阳市银龄行动志愿服务总队", founded_at=founded
        ),
        founded,
    )
    names = ["资阳区", "赫山区", "南县", "桃江县", "安化县", "沅江市", "大通湖区"]
    branches = [uid("branch", n) for n in range(7)]
    for n, (bid, name) in enumerate(zip(branches, names, strict=True)):
        s.emit(
            el.VolunteerBranchFounded(
                corps_id=corps,
                branch_id=bid,
                name=f"{name}分队",
                county_code=([*COUNTIES, "430900-DTH"])[n],
                founded_at=founded,
            ),
            founded,
        )
    record, visits = 0, [e for e in ELDERS_C if e not in set(DEAD)]
    for v in range(210):
        vid, bid = uid("volunteer", v), branches[v // 30]
        s.emit(
            el.VolunteerEnrolled(
                volunteer_id=vid, branch_id=bid, age_band="60-69", enrolled_at=founded
            ),
            founded,
        )
    for v in range(210):
        for k in range(5):
            when = at(day(2024, 10, 9) + timedelta(days=(v + k * 11) % 52), 9)
            target = (
                {"institution_id": ACTIVE_SITES[record % 43]}
                if record % 3 == 0
                else {"elder_id": visits[record % len(visits)]}
            )
            s.emit(
                el.VolunteerServiceRecorded(
                    record_id=uid("service", record),
                    volunteer_id=uid("volunteer", v),
                    branch_id=branches[v // 30],
                    service_type="VISIT",
                    started_at=when,
                    minutes=120,
                    **target,
                ),
                when,
            )
            record += 1


PROJECTS = [
    ("P1", "益老食堂", BRAND, "ELDER_CANTEEN", "SUPPORT_ELDERLY"),
    ("P2", "黄手环", BRAND, "WRISTBAND", "SUPPORT_ELDERLY"),
    ("P3", "公益课堂", BRAND, "PUBLIC_CLASS", "PUBLIC_GOOD"),
    ("P4", "童心童行", BRAND, "CHILD_CARE", "RESCUE_ORPHANS"),
    ("P5", "慰问物资", BRAND, "RELIEF_GOODS", "RELIEVE_POVERTY"),
    ("P6", "助学金", BRAND, "SCHOLARSHIP", "RELIEVE_POVERTY"),
    ("P7", "周末妈妈", BRAND, "WEEKEND_MOTHERS", "RESCUE_ORPHANS"),
    ("P8", "送教上门", BRAND, "HOME_TEACHING", "SUPPORT_DISABLED"),
    ("P9", "养老机构消防安全改造补助", None, "INSTITUTION_SUBSIDY", "SUPPORT_ELDERLY"),
]
FUNDS = {
    "DON": ("DONATION", None),
    "LOT-2022": ("LOTTERY_WELFARE", 2022),
    "LOT-2023": ("LOTTERY_WELFARE", 2023),
    "LOT-2024": ("LOTTERY_WELFARE", 2024),
}
ELDER_BENEFICIARIES = [uid("beneficiary", f"E{n}") for n in range(1000)]
INSTITUTION_BENEFICIARIES = [uid("beneficiary", f"I{n}") for n in range(20)]


def _charity_reference(s: Stream) -> None:
    for code, (source, year) in FUNDS.items():
        opened = at(day(year or 2022, 1, 5))
        s.emit(
            ch.FundOpened(
                fund_id=uid("fund", code), code=code, source_type=source, fiscal_year=year
            ),
            opened,
        )
    for code, amount, on in (
        ("LOT-2022", 300_000_000, day(2022, 3, 31)),
        ("LOT-2023", 320_000_000, day(2023, 3, 31)),
        ("LOT-2024", 340_000_000, day(2024, 3, 29)),
    ):
        s.emit(
            ch.FundCredited(
                fund_id=uid("fund", code),
                amount_minor=amount,
                currency="CNY",
                credited_at=at(on),
                reference=f"CZ-{code}",
            ),
            at(on),
        )
    donations = (
        [(2022, 1_500_000, None)] * 100
        + [(2022, 2_000_000, None)] * 20
        + [(2023, 1_500_000, None)] * 120
    )
    donations += (
        [(2023, 2_000_000, None)] * 30
        + [(2024, 2_000_000, None)] * 100
        + [(2024, 2_250_000, "P5")] * 40
    )
    for n, (year, amount, project) in enumerate(donations):
        when = at(day(year, 1 + n % 9, 15))
        s.emit(
            ch.DonationReceived(
                donation_id=uid("donation", n),
                fund_id=uid("fund", "DON"),
                donor_type="INDIVIDUAL",
                anonymous=True,
                kind="CASH",
                amount_minor=amount,
                currency="CNY",
                designated_project_id=uid("project", project) if project else None,
                received_at=when,
            ),
            when,
        )
    for code, name, brand, kind, purpose in PROJECTS:
        when = at(day(2024, 4, 1) if code == "P9" else day(2022, 1, 3))
        s.emit(
            ch.ProjectRegistered(
                project_id=uid("project", code),
                code=code,
                name=name,
                brand=brand,
                kind=kind,
                purpose=purpose,
                in_project_library=True,
            ),
            when,
        )
    for n, bid in enumerate(ELDER_BENEFICIARIES):
        eid = ELDERS_B[n] if n < 460 else ELDERS_C[n - 460]
        s.emit(
            ch.BeneficiaryRegistered(
                beneficiary_id=bid,
                kind="ELDER",
                elder_id=eid,
                county_code=COUNTIES[n % 6],
                registered_at=at(day(2022, 1, 10)),
            ),
            at(day(2022, 1, 10)),
        )
    for n, bid in enumerate(INSTITUTION_BENEFICIARIES):
        s.emit(
            ch.BeneficiaryRegistered(
                beneficiary_id=bid,
                kind="INSTITUTION",
                institution_id=ELDERCARE_SITES[n],
                county_code=COUNTIES[n % 6],
                registered_at=at(day(2024, 4, 10)),
            ),
            at(day(2024, 4, 10)),
        )
    for n in range(26):
        bid = uid("beneficiary", f"K{n}")
        s.emit(
            ch.BeneficiaryRegistered(
                beneficiary_id=bid,
                kind="CHILD",
                county_code=COUNTIES[n % 6],
                registered_at=at(day(2024, 1, 8)),
            ),
            at(day(2024, 1, 8)),
        )
        if n < 18:
            s.emit(
                ch.BeneficiaryEnrolled(
                    beneficiary_id=bid,
                    project_id=uid("project", "P7" if n < 10 else "P8"),
                    enrolled_at=at(day(2024, 1, 20)),
                ),
                at(day(2024, 1, 20)),
            )


ALLOCATIONS = [  # code, fund, project, approved, amount (fen), released (fen), closed
    ("A1", "LOT-2022", "P6", day(2022, 6, 30), 60_000_000, 0, day(2022, 12, 31)),
    ("A2", "DON", "P5", day(2022, 10, 8), 185_000_000, 5_000_000, day(2022, 12, 31)),
    ("A3", "LOT-2023", "P6", day(2023, 6, 30), 80_000_000, 0, day(2023, 12, 31)),
    ("A4", "DON", "P5", day(2023, 10, 8), 235_000_000, 5_000_000, day(2023, 12, 31)),
    ("A5", "LOT-2024", "P6", day(2024, 6, 28), 95_000_000, 0, None),
    ("A6", "DON", "P5", day(2024, 10, 8), 280_000_000, 0, None),
    ("A7", "LOT-2024", "P9", day(2024, 4, 30), 100_000_000, 0, None),
]


def _allocations(s: Stream) -> None:
    for code, fund, project, approved, amount, released, closed in ALLOCATIONS:
        aid, submitted = uid("allocation", code), at(approved - timedelta(days=10))
        s.emit(
            ch.AllocationSubmitted(
                allocation_id=aid,
                code=code,
                fund_id=uid("fund", fund),
                project_id=uid("project", project),
                amount_minor=amount,
                currency="CNY",
                valid_until=date(approved.year + 1, 6, 30),
                requester_id=uid("person", "FIN"),
                submitted_at=submitted,
            ),
            submitted,
        )
        stages = ["SECTION_REVIEW", "LEADER_APPROVAL"] + (
            ["FINANCE_COSIGN"] if fund != "DON" else []
        )
        for k, stage in enumerate(stages):
            when = at(approved - timedelta(days=len(stages) - k))
            s.emit(
                ch.AllocationStageApproved(
                    allocation_id=aid, stage=stage, approver_id=uid("approver", k), approved_at=when
                ),
                when,
            )
        s.emit(
            ch.AllocationApproved(
                allocation_id=aid,
                fund_id=uid("fund", fund),
                project_id=uid("project", project),
                amount_minor=amount,
                approved_at=at(approved, 16),
            ),
            at(approved, 16),
        )
        if closed is not None:
            s.emit(
                ch.AllocationClosed(
                    allocation_id=aid,
                    fund_id=uid("fund", fund),
                    released_minor=released,
                    closed_at=at(closed, 17),
                ),
                at(closed, 17),
            )


def _pay(
    s: Stream,
    code: str,
    n: int,
    beneficiary: UUID,
    amount: int,
    requested: date,
    settled: date,
    *,
    cash: bool,
) -> None:
    _c, fund, project, *_rest = next(a for a in ALLOCATIONS if a[0] == code)
    did = uid("disbursement", f"{code}-{n}")
    s.emit(
        ch.DisbursementRequested(
            disbursement_id=did,
            allocation_id=uid("allocation", code),
            fund_id=uid("fund", fund),
            project_id=uid("project", project),
            beneficiary_id=beneficiary,
            kind="CASH" if cash else "IN_KIND",
            amount_minor=amount,
            currency="CNY",
            round_code=f"{requested.year}-R",
            requested_at=at(requested),
        ),
        at(requested),
    )
    if code == "A5" and n in (0, 1):
        s.emit(
            ch.DisbursementCancelled(
                disbursement_id=did, reason_code="DUPLICATE", cancelled_at=at(day(2024, 9, 8))
            ),
            at(day(2024, 9, 8)),
        )
        return
    if code == "A5" and n in (2, 3, 4):
        s.emit(
            ch.DisbursementFailed(
                disbursement_id=did,
                reason_code="ACCOUNT_CLOSED",
                failed_at=at(day(2024, 9, 10)),
                attempt=1,
            ),
            at(day(2024, 9, 10)),
        )
        s.emit(
            ch.DisbursementRetried(disbursement_id=did, retried_at=at(day(2024, 9, 20)), attempt=2),
            at(day(2024, 9, 20)),
        )
        settled = day(2024, 9, 25)
    alloc = uid("allocation", code)
    if cash:
        s.emit(
            ch.DisbursementPaid(
                disbursement_id=did,
                allocation_id=alloc,
                amount_minor=amount,
                paid_at=at(settled, 14),
            ),
            at(settled, 14),
        )
    else:
        s.emit(
            ch.DisbursementDelivered(
                disbursement_id=did,
                allocation_id=alloc,
                amount_minor=amount,
                delivered_at=at(settled, 14),
            ),
            at(settled, 14),
        )


def _disbursements(s: Stream) -> None:
    for code, _year, households, first in (
        ("A2", 2022, 800, day(2022, 10, 10)),
        ("A4", 2023, 1300, day(2023, 10, 10)),
        ("A6", 2024, 1726, day(2024, 10, 10)),
    ):
        recipients = ELDER_BENEFICIARIES + [uid("beneficiary", f"H{n}") for n in range(households)]
        for n, bid in enumerate(recipients):
            on = first + timedelta(days=n % 50)
            _pay(s, code, n, bid, 100_000, on, on, cash=False)
    for code, count, on in (
        ("A1", 300, day(2022, 9, 5)),
        ("A3", 400, day(2023, 9, 5)),
        ("A5", 452, day(2024, 9, 2)),
    ):
        for n in range(count):
            requested = on + timedelta(days=n % 5)
            _pay(
                s,
                code,
                n,
                uid("beneficiary", f"S{code}{n}"),
                200_000,
                requested,
                requested + timedelta(days=8),
                cash=True,
            )
    for n, bid in enumerate(INSTITUTION_BENEFICIARIES):
        _pay(s, "A7", n, bid, 5_000_000, day(2024, 5, 20), day(2024, 5, 31), cash=True)
    for n, code in enumerate(("A1", "A2", "A3", "A4", "A5", "A6", "A7")):
        period_end = next(a for a in ALLOCATIONS if a[0] == code)[6] or day(2024, 11, 30)
        s.emit(
            ch.ReconciliationCompleted(
                reconciliation_id=uid("reconciliation", n),
                allocation_id=uid("allocation", code),
                period_end_on=period_end,
                expected_minor=0,
                confirmed_minor=0,
                discrepancy_count=0,
            ),
            at(period_end, 20),
        )


WEEKENDS = [
    (3, 2),
    (3, 16),
    (3, 30),
    (4, 13),
    (5, 25),
    (6, 15),
    (6, 29),
    (7, 13),
    (8, 24),
    (9, 7),
    (10, 19),
    (11, 2),
]
TEACHING = [
    (3, 5),
    (3, 19),
    (4, 2),
    (4, 16),
    (5, 7),
    (5, 21),
    (6, 4),
    (6, 18),
    (9, 10),
    (9, 24),
    (10, 15),
    (10, 29),
]


def _child_care(s: Stream) -> None:
    n = 0
    for m, d in WEEKENDS:
        for offset in (0, 1):
            on = day(2024, m, d) + timedelta(days=offset)
            s.emit(
                ch.ChildCareSessionDelivered(
                    session_id=uid("session", n),
                    project_id=uid("project", "P7"),
                    held_on=on,
                    child_count=5,
                    minutes=180,
                ),
                at(on, 17),
            )
            n += 1
    for m, d in TEACHING:
        for _child in range(8):
            on = day(2024, m, d)
            s.emit(
                ch.ChildCareSessionDelivered(
                    session_id=uid("session", n),
                    project_id=uid("project", "P8"),
                    held_on=on,
                    child_count=1,
                    minutes=90,
                ),
                at(on, 17),
            )
            n += 1


def _notifications(s: Stream) -> None:
    for n in range(482):
        nid = uid("notification", n)
        sent = (
            at(day(2023, 12, 20), 9, 5)
            if n < 43
            else at(day(2024, 1, 25) + timedelta(days=(n - 43) * 307 // 439), 9, 5)
        )
        if 43 <= n < 47:  # first attempts for the 2024-01-25 work notice fail and are retried
            s.emit(
                nt.NotificationDeliveryFailed(
                    notification_id=nid, attempt=1, error_class="retryable", failed_at=sent
                ),
                sent,
            )
        s.emit(
            nt.NotificationSent(
                notification_id=nid,
                source_event_id=uid("source", n),
                source_event_type="inspection.work_notice.issued.v1",
                recipient_person_id=uid("head", n % 43),
                channel="wecom",
                template_code="WORK_NOTICE",
                template_version=1,
                priority="NORMAL",
                sent_at=sent,
            ),
            sent,
        )
        if n >= 479:
            s.emit(
                nt.NotificationAcknowledged(
                    notification_id=nid,
                    source_event_id=uid("source", n),
                    recipient_person_id=uid("head", n % 43),
                    acked_at=sent + timedelta(hours=2),
                ),
                sent + timedelta(hours=2),
            )


def demo_stream() -> list[tuple[IntegrationEvent, CloudEvent]]:
    """Every event of the demo year, in a plausible publication order."""
    s = Stream()
    _sites(s)
    campaigns = _campaigns(s)
    _hazards(s, _inspections(s, campaigns), campaigns)
    _drills_talks_notices(s)
    _surveys_problems(s)
    _elders(s)
    _home_modifications(s)
    _meals(s)
    _wristbands_volunteers(s)
    _charity_reference(s)
    _allocations(s)
    _disbursements(s)
    _child_care(s)
    _notifications(s)
    return s.items


def rare_events() -> list[tuple[IntegrationEvent, CloudEvent]]:
    """The event types with a count of 0 in the demo, each on aggregates of their own."""
    s = Stream()
    site, elder, elder2 = uid("institution", "RARE"), uid("elder", "RARE-1"), uid("elder", "RARE-2")
    when = at(day(2024, 5, 6))
    s.emit(
        el.InstitutionRegistered(
            institution_id=site,
            filing_no="R-1",
            name="稀有事件测试机构",
            kind="ELDERCARE_PUBLIC",
            county_code="430902",
            township_code="430902001",
            beds=30,
            head_person_id=uid("head", "R"),
            status="ACTIVE",
            registered_at=when,
        ),
        when,
    )
    s.emit(el.InstitutionCapacityChanged(institution_id=site, beds=45), when)
    for eid in (elder, elder2):
        s.emit(
            el.ElderRegistered(
                elder_id=eid,
                age_band="70-79",
                sex="M",
                county_code="430902",
                township_code="430902001",
                care_pillars=("INSTITUTIONAL",),
                registered_at=when,
            ),
            when,
        )
        s.emit(el.ElderAdmitted(elder_id=eid, institution_id=site, admitted_at=when), when)
    s.emit(el.ElderDischarged(elder_id=elder, institution_id=site, discharged_at=when), when)
    s.emit(el.ElderMovedOut(elder_id=elder, moved_out_on=day(2024, 5, 7)), when)
    s.emit(el.ElderErased(elder_id=elder2), when)
    point = uid("meal_point", "RARE")
    s.emit(
        el.MealPointEstablished(
            meal_point_id=point,
            name="稀有助餐点",
            type="MEAL_TABLE",
            county_code="430902",
            township_code="430902001",
            capacity_per_slot=10,
            established_at=when,
        ),
        when,
    )
    s.emit(el.MealPointSuspended(meal_point_id=point, suspended_at=when, reason_code="X"), when)
    s.emit(el.MealPointResumed(meal_point_id=point, resumed_at=when), when)
    corps, branch, vol = uid("corps", "RARE"), uid("branch", "RARE"), uid("volunteer", "RARE")
    s.emit(el.VolunteerCorpsFounded(corps_id=corps, name="测试总队", founded_at=when), when)
    s.emit(
        el.VolunteerBranchFounded(
            corps_id=corps, branch_id=branch, name="测试分队", county_code="430902", founded_at=when
        ),
        when,
    )
    s.emit(
        el.VolunteerEnrolled(
            volunteer_id=vol, branch_id=branch, age_band="60-69", enrolled_at=when
        ),
        when,
    )
    s.emit(el.VolunteerLeft(volunteer_id=vol, left_at=when), when)
    s.emit(el.VolunteerBranchDissolved(corps_id=corps, branch_id=branch, dissolved_at=when), when)
    alloc, ben, prob, leader = (
        uid("allocation", "RARE"),
        uid("beneficiary", "RARE"),
        uid("problem", "RARE"),
        uid("person", "RARE"),
    )
    s.emit(
        ch.AllocationSubmitted(
            allocation_id=alloc,
            code="AR",
            fund_id=uid("fund", "DON"),
            project_id=uid("project", "P5"),
            amount_minor=100,
            currency="CNY",
            valid_until=day(2025, 1, 1),
            requester_id=leader,
            submitted_at=when,
        ),
        when,
    )
    s.emit(
        ch.AllocationRejected(
            allocation_id=alloc,
            stage="SECTION_REVIEW",
            approver_id=uid("approver", 9),
            reason_code="NO_BUDGET",
        ),
        when,
    )
    s.emit(
        ch.BeneficiaryRegistered(
            beneficiary_id=ben, kind="HOUSEHOLD", county_code="430902", registered_at=when
        ),
        when,
    )
    s.emit(
        ch.BeneficiaryDeactivated(beneficiary_id=ben, reason_code="MOVED", deactivated_at=when),
        when,
    )
    s.emit(
        ins.ProblemRegistered(
            problem_id=prob,
            source="VISIT",
            county_code="430902",
            category="X",
            owner_unit="市民政局",
            registered_at=when,
        ),
        when,
    )
    s.emit(ins.ProblemResolved(problem_id=prob, resolved_at=when), when)
    s.emit(ins.ProblemConfirmed(problem_id=prob, confirmed_at=when), when)
    s.emit(
        ins.LeaderAssigned(
            person_id=leader,
            roles=("TEAM_MEMBER",),
            cadences=("MONTHLY",),
            effective_from=day(2024, 1, 1),
        ),
        when,
    )
    s.emit(ins.LeaderRemoved(person_id=leader, removed_at=when), when)
    note = uid("notification", "RARE")
    s.emit(
        nt.NotificationUndeliverable(
            notification_id=note, source_event_id=uid("source", "R"), recipient_person_id=leader
        ),
        when,
    )
    return s.items


def sample(
    items: list[tuple[IntegrationEvent, CloudEvent]], per_type: int = 2
) -> list[tuple[IntegrationEvent, CloudEvent]]:
    """Whole histories of a few aggregates of every aggregate type, in their original order."""
    chosen: dict[str, list[str]] = {}
    by_type: dict[str, tuple[str, str]] = {}
    for _event, env in items:
        by_type.setdefault(env.type, (env.aggregatetype, env.subject))
        ids = chosen.setdefault(env.aggregatetype, [])
        if env.subject not in ids and len(ids) < per_type:
            ids.append(env.subject)
    for aggregate, subject in by_type.values():
        chosen[aggregate].append(subject)
    keep = {(t, i) for t, ids in chosen.items() for i in ids}
    return [(e, env) for e, env in items if (env.aggregatetype, env.subject) in keep]

"""inspection's part of the demo (DOMAIN §11.2, §11.3).

Campaigns, the leadership group, inspections and hazards, drills, talks, notices, meetings,
surveys and problems.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from demo import ids
from demo.calendar import at, iso_week_day, nth_weekday, spread
from demo.population import ACTIVE_SITES, COUNTIES
from demo.script import SINK_SCRIPT, Script, stamp

SVC = "inspection"
CAMPAIGNS = (
    (
        "C1",
        "养老机构冬春季安全隐患“百日攻坚”",
        "WINTER_SPRING_100D",
        date(2023, 12, 1),
        date(2024, 3, 9),
    ),
    ("C2", "消防安全集中除患攻坚", "FIRE_HAZARD_REMOVAL", date(2024, 3, 10), date(2024, 5, 31)),
    ("C3", "安全生产治本攻坚", "ROOT_CAUSE", date(2024, 1, 1), date(2026, 12, 31)),
    ("C4", "民政服务机构燃气安全", "GAS_SAFETY", date(2024, 6, 1), date(2024, 7, 31)),
    (
        "C5",
        "民政系统灾害风险隐患“大排查、大整治”",
        "DISASTER_RISK",
        date(2024, 8, 1),
        date(2024, 9, 15),
    ),
    ("C6", "打通消防“生命通道”", "FIRE_LIFE_CHANNEL", date(2024, 9, 16), date(2024, 10, 31)),
    ("C7", "城市运行安全隐患排查整治", "URBAN_OPERATION", date(2024, 11, 1), None),
)
CLOSED_BY_AS_OF = ("C1", "C2", "C4", "C5", "C6")
SPECIALS = (
    ("C1", (1, 10), (2, 21)),
    ("C3", (3, 20), (4, 17), (5, 15), (6, 19), (7, 17), (8, 21), (9, 25), (10, 16)),
    ("C5", (8, 28), (9, 4)),
    ("C7", (11, 6), (11, 13), (11, 20)),
)
CANCELLED_SPECIALS = (date(2024, 7, 10), date(2024, 10, 9))
MAJOR_DAYS = (date(2024, 1, 10), date(2024, 3, 20), date(2024, 10, 16))
# Token keys of the leaders; STAFF-01..04 are the inspector tokens.
LEAD_TOKEN = {ids.S1: "safety_lead", ids.L1: "main_leader"} | dict(
    zip(ids.STAFF, ids.STAFF_KEYS, strict=True)
)


def campaign(code: str) -> str:
    """The id of campaign ``C1``..``C7``."""
    return ids.uid("campaign", code)


def primary_campaign(day: date) -> str:
    """The campaign whose window holds ``day`` (C3, the three-year one, only for specials)."""
    for code, _, _, start, end in CAMPAIGNS:
        if code != "C3" and start <= day and (end is None or day <= end):
            return code
    raise ValueError(day)


@dataclass
class Inspection:
    """One inspection of the 2024 plan, with the hazards it finds."""

    code: str
    day: date
    hour: int
    minute: int
    kind: str
    campaign: str
    lead: str
    participants: tuple[str, ...] = ()
    site: int = 0
    hazards: list[Hazard] = field(default_factory=list)

    @property
    def id(self) -> str:
        return ids.uid("inspection", self.code)

    @property
    def start(self) -> datetime:
        return at(self.day, self.hour, self.minute)


@dataclass
class Hazard:
    """One hazard and the timeline it follows."""

    code: str
    inspection: Inspection
    level: str = "GENERAL"
    deadline_days: int = 14
    submit_days: int | None = 7
    verify_days: int | None = 9
    rejected: bool = False
    extend: tuple[int, int] | None = None  # (on found + d, new deadline found + d)
    label: str = ""  # "#1".."#7" for the open ones of §11.3

    @property
    def id(self) -> str:
        return ids.uid("hazard", self.code)

    @property
    def found(self) -> date:
        return self.inspection.day


def plan_2024() -> list[Inspection]:
    """The 74 completed inspections of 2024 in completion order, with sites and hazards."""
    found: list[Inspection] = []
    for week in range(1, 49):
        if week == 32:
            continue
        day = iso_week_day(2024, week, 3)
        found.append(
            Inspection(f"W{week:02d}", day, 9, 30, "ROUTINE_WEEKLY", primary_campaign(day), ids.S1)
        )
    found.append(Inspection("W33b", date(2024, 8, 16), 9, 30, "ROUTINE_WEEKLY", "C5", ids.S1))
    for month in range(1, 12):
        day = nth_weekday(2024, month, 3, 3)
        found.append(
            Inspection(
                f"M{month:02d}",
                day,
                14,
                30,
                "LEADERSHIP_MONTHLY",
                primary_campaign(day),
                ids.L1,
                (ids.L2, ids.L3, ids.L4, ids.S1),
            )
        )
    specials = sorted((date(2024, m, d), code) for code, *days in SPECIALS for m, d in days)
    for i, (day, code) in enumerate(specials):
        found.append(Inspection(f"S{i + 1:02d}", day, 15, 0, "SPECIAL", code, ids.STAFF[i % 4]))
    found.sort(key=lambda x: x.start)
    for k, insp in enumerate(found):
        insp.site = ACTIVE_SITES[k % len(ACTIVE_SITES)]
    _hazards(found)
    return found


OPEN = {
    # inspection code → (label, deadline days, submit days or None)
    "W44": ("#1", 16, None),
    "W45": ("#2", 20, None),
    "W46": ("#4", 17, None),
    "W47": ("#5", 8, 4),
    "M11": ("#6", 14, 7),
    "W48": ("#7", 14, 2),
}
REJECTED_ON = ("W14", "W18", "W23", "W24")
EXTENDED_ON = ("W27", "W36")


def _hazards(plan: list[Inspection]) -> None:
    number = 0
    for k, insp in enumerate(plan):
        for j in range(2 if k < 22 else 1):
            number += 1
            h = Hazard(f"YH-2024-{number:03d}", insp)
            first = j == 0
            if first and insp.kind == "SPECIAL" and insp.day in MAJOR_DAYS:
                h.level, h.deadline_days, h.submit_days, h.verify_days = "MAJOR", 45, 38, 40
                if insp.day == date(2024, 10, 16):
                    h.label, h.deadline_days, h.submit_days, h.verify_days = "#3", 44, None, None
                    h.extend = (35, 65)
            elif first and insp.code in OPEN:
                h.label, h.deadline_days, h.submit_days = OPEN[insp.code]
                h.verify_days = None
            elif first and insp.code in REJECTED_ON:
                h.rejected, h.submit_days, h.verify_days = True, 5, 11
            elif first and insp.code in EXTENDED_ON:
                h.extend = (5, 21)
            insp.hazards.append(h)


def add(script: Script) -> None:
    """Every inspection line."""
    _campaigns(script)
    _leaders(script)
    _december_2023(script)
    for insp in plan_2024():
        _inspection(script, insp)
    for i, day in enumerate(CANCELLED_SPECIALS):
        insp = Inspection(
            f"X{i + 1}", day, 15, 0, "SPECIAL", "C3", ids.STAFF[i], site=ACTIVE_SITES[i]
        )
        _schedule(script, insp)
        script.post(
            at(day - timedelta(days=1), 17),
            SVC,
            f"/inspections/{insp.id}/cancel",
            "inspector",
            f"inspection:{insp.code}:cancel",
            {"reason_code": "FLOOD_DUTY" if i == 0 else "HOLIDAY_DUTY"},
        )
    _drills(script)
    _talks_meetings(script)
    _work_notices(script)
    _surveys_problems(script)


def _campaigns(script: Script) -> None:
    for code, title, kind, start, end in CAMPAIGNS:
        body: dict[str, object] = {
            "id": campaign(code),
            "code": code,
            "name": title,
            "kind": kind,
            "start_on": start.isoformat(),
            "lead_unit": "益阳市民政局",
        }
        if end is not None:
            body["end_on"] = end.isoformat()
        script.post(at(start, 8), SVC, "/campaigns", "safety_lead", f"campaign:{code}", body)
        if code in CLOSED_BY_AS_OF and end is not None:
            script.post(
                at(end, 18),
                SVC,
                f"/campaigns/{campaign(code)}/close",
                "safety_lead",
                f"campaign:{code}:close",
                {"end_on": end.isoformat()},
            )


def _leaders(script: Script) -> None:
    when = at(date(2024, 1, 2), 9)
    members = (
        (ids.L1, ["MAIN_LEADER"], "L1"),
        (ids.S1, ["TEAM_MEMBER", "SAFETY_LEAD"], "S1"),
        (ids.L2, ["TEAM_MEMBER"], "L2"),
        (ids.L3, ["TEAM_MEMBER"], "L3"),
        (ids.L4, ["TEAM_MEMBER"], "L4"),
    )
    for i, (person, roles, label) in enumerate(members):
        script.add(
            when + timedelta(minutes=i),
            SVC,
            "PUT",
            f"/leaders/{person}",
            "main_leader",
            f"leader:{label}",
            {"roles": roles, "effective_from": "2024-01-01"},
        )


def _schedule(script: Script, insp: Inspection) -> None:
    body: dict[str, object] = {
        "id": insp.id,
        "site_id": ids.site(insp.site),
        "type": insp.kind,
        "campaign_id": campaign(insp.campaign),
        "lead_person_id": insp.lead,
        "planned_on": insp.day.isoformat(),
    }
    if insp.participants:
        body["participant_ids"] = list(insp.participants)
    # Five days ahead, but never before its campaign is launched (08:00 on its first day).
    start = next(c[3] for c in CAMPAIGNS if c[0] == insp.campaign)
    script.post(
        max(at(insp.day - timedelta(days=5), 16), at(start, 9)),
        SVC,
        "/inspections",
        LEAD_TOKEN.get(insp.lead, "inspector"),
        f"inspection:{insp.code}",
        body,
    )


def _inspection(script: Script, insp: Inspection) -> None:
    token = LEAD_TOKEN[insp.lead]
    _schedule(script, insp)
    for h in insp.hazards:
        found = insp.start + timedelta(minutes=30)
        body: dict[str, object] = {
            "id": h.id,
            "category": "FIRE",
            "level": h.level,
            "description": f"{insp.code} 检查发现：疏散通道堆放杂物，灭火器压力不足",
            "photo_ids": [f"photo-{h.code}"],
            "found_at": stamp(found),
            "found_by": insp.lead,
        }
        if h.level == "MAJOR":
            body["major_basis"] = "FACILITY_DEFECT"
        script.post(found, SVC, f"/inspections/{insp.id}/hazards", token, f"hazard:{h.code}", body)
    done = insp.start + timedelta(minutes=90)
    script.post(
        done,
        SVC,
        f"/inspections/{insp.id}/complete",
        token,
        f"inspection:{insp.code}:complete",
        {"completed_at": stamp(done), "summary": "检查完成，已现场反馈问题清单"},
    )
    for h in insp.hazards:
        _hazard_timeline(script, insp, h, token)


def assign_body(h: Hazard, deadline: date) -> dict[str, object]:
    """A complete 五定 plan for ``h`` with the given deadline."""
    body: dict[str, object] = {
        "responsible_person_id": ids.site_safety_officer(h.inspection.site),
        "measures": "清理通道杂物，更换灭火器",
        "deadline_on": deadline.isoformat(),
        "standard": "符合消防安全管理规定",
        "funds_minor": 50_000,
        "funds_source": "机构自筹",
    }
    if h.level == "MAJOR":
        body["contingency_plan"] = "整改期间落实专人值守，制定应急疏散预案"
        body["interim_measures"] = "临时增设灭火器材"
    return body


def _hazard_timeline(script: Script, insp: Inspection, h: Hazard, token: str) -> None:
    day = h.found
    base = f"/hazards/{h.id}"
    script.post(
        insp.start + timedelta(minutes=150),
        SVC,
        f"{base}/assign",
        token,
        f"hazard:{h.code}:assign",
        assign_body(h, day + timedelta(days=h.deadline_days)),
    )
    if h.extend is not None:
        on, new = h.extend
        script.post(
            at(day + timedelta(days=on), 9),
            SVC,
            f"{base}/extend",
            "safety_lead",
            f"hazard:{h.code}:extend",
            {
                "new_deadline_on": (day + timedelta(days=new)).isoformat(),
                "reason": "整改工程需等待材料到货",
            },
        )
    if h.rejected and h.submit_days is not None:
        _submit(script, h, 5, "first")
        _verify(script, h, 6, token, passed=False)
        _submit(script, h, 9, "second")
        _verify(script, h, 11, token, passed=True)
        return
    if h.submit_days is not None:
        _submit(script, h, h.submit_days, "first")
    if h.verify_days is not None:
        _verify(script, h, h.verify_days, token, passed=True)


def _submit(script: Script, h: Hazard, after: int, which: str) -> None:
    script.post(
        at(h.found + timedelta(days=after), 10),
        SVC,
        f"/hazards/{h.id}/submit",
        "institution_staff",
        f"hazard:{h.code}:submit:{which}",
        {"evidence_ids": [f"evidence-{h.code}-{which}"]},
    )


def _verify(script: Script, h: Hazard, after: int, token: str, *, passed: bool) -> None:
    script.post(
        at(h.found + timedelta(days=after), 15),
        SVC,
        f"/hazards/{h.id}/verify",
        token,
        f"hazard:{h.code}:verify:{'pass' if passed else 'fail'}",
        {
            "result": "PASS" if passed else "FAIL",
            "verifier_id": h.inspection.lead,
            "note": "复查合格" if passed else "整改不到位，退回重新整改",
        },
    )


def _december_2023(script: Script) -> None:
    for i, day in enumerate(
        (date(2023, 12, 6), date(2023, 12, 13), date(2023, 12, 20), date(2023, 12, 27))
    ):
        insp = Inspection(
            f"D{i + 1}", day, 15, 0, "SPECIAL", "C1", ids.STAFF[i], site=ACTIVE_SITES[i]
        )
        _schedule(script, insp)
        done = insp.start + timedelta(minutes=90)
        script.post(
            done,
            SVC,
            f"/inspections/{insp.id}/complete",
            LEAD_TOKEN[insp.lead],
            f"inspection:{insp.code}:complete",
            {"completed_at": stamp(done)},
        )


DRILL_DAYS = (
    (date(2024, 3, 15), "FIRE_EVACUATION"),
    (date(2024, 6, 14), "FLOOD"),
    (date(2024, 9, 13), "GAS_LEAK"),
    (date(2024, 11, 15), "FIRE_EVACUATION"),
)


def drill(code: str) -> str:
    """The id of a drill."""
    return ids.uid("drill", code)


def _drill(script: Script, code: str, site: int, day: date, kind: str, *, held: bool) -> None:
    script.post(
        at(day - timedelta(days=7), 10),
        SVC,
        "/drills",
        "institution_staff",
        f"drill:{code}",
        {
            "id": drill(code),
            "site_id": ids.site(site),
            "drill_type": kind,
            "planned_on": day.isoformat(),
            "scenario": "夜间火情人员疏散",
        },
    )
    if held:
        script.post(
            at(day, 10),
            SVC,
            f"/drills/{drill(code)}/record",
            "institution_staff",
            f"drill:{code}:record",
            {
                "held_at": stamp(at(day, 10)),
                "participants": 30,
                "residents_participating": 10 if site <= 39 else 0,
                "evaluation": "疏散有序，用时4分钟",
            },
        )


def _drills(script: Script) -> None:
    for q, (day, kind) in enumerate(DRILL_DAYS, start=1):
        for site in ACTIVE_SITES:
            _drill(script, f"DR-2024-Q{q}-{site:03d}", site, day, kind, held=True)
    for i in range(2):
        code = f"DR-2024-X{i + 1}"
        _drill(script, code, ACTIVE_SITES[i], date(2024, 7, 12), "COMPREHENSIVE", held=False)
        script.post(
            at(date(2024, 7, 10), 10),
            SVC,
            f"/drills/{drill(code)}/cancel",
            "institution_staff",
            f"drill:{code}:cancel",
            {"reason_code": "HIGH_TEMPERATURE"},
        )
    for site in range(1, 6):
        _drill(
            script, f"DR-2023-{site:03d}", site, date(2023, 12, 15), "FIRE_EVACUATION", held=True
        )


_TALK_DAYS = (
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
BUREAU_TALKS = (at(date(2024, 1, 1), 7, 30), *(at(date(2024, m, d), 9) for m, d in _TALK_DAYS))
MEETINGS = (
    date(2024, 1, 16),
    date(2024, 3, 26),
    date(2024, 6, 25),
    date(2024, 8, 27),
    date(2024, 11, 19),
)


def _talk(script: Script, code: str, when: datetime, site: int | None) -> None:
    script.post(
        when,
        SVC,
        "/safety-talks",
        "safety_lead",
        f"talk:{code}",
        {
            "id": ids.uid("safety_talk", code),
            "venue_site_id": ids.site(site) if site else ids.BUREAU_SITE,
            "format": "ON_SITE" if site else "MINZHENG_LECTURE",
            "topic": "元旦值班安全宣讲" if code == "T-2024-01" else "消防安全与应急处置",
            "speaker_person_id": ids.S1,
            "held_at": stamp(when),
            "audience_count": 40,
        },
    )


def _talks_meetings(script: Script) -> None:
    for i, when in enumerate(BUREAU_TALKS):
        _talk(script, f"T-2024-{i + 1:02d}", when, None)
    tuesdays = [date(2024, 3, 5) + timedelta(days=14 * i) for i in range(20)]
    for i, day in enumerate(tuesdays):
        _talk(
            script, f"T-2024-S{i + 1:02d}", at(day, 10), ACTIVE_SITES[(i * 5) % len(ACTIVE_SITES)]
        )
    for i, day in enumerate((date(2023, 12, 5), date(2023, 12, 12), date(2023, 12, 19))):
        _talk(script, f"T-2023-{i + 1:02d}", at(day, 9), None)
    for i, day in enumerate(MEETINGS):
        script.post(
            at(day, 15),
            SVC,
            "/safety-meetings",
            "main_leader",
            f"meeting:{day}",
            {
                "id": ids.uid("safety_meeting", str(day)),
                "kind": ("PARTY_GROUP", "DIRECTOR_OFFICE")[i % 2],
                "held_at": stamp(at(day, 15)),
                "agenda_ref": f"YZ-{day:%Y%m%d}",
            },
        )


NOTICES = (
    (date(2023, 12, 20), "岁末年初安全生产工作提示"),
    (date(2024, 1, 25), "春节期间安全生产工作提示"),
    (date(2024, 4, 19), "汛期安全工作提示"),
    (date(2024, 7, 10), "高温天气用电用气安全提示"),
    (date(2024, 9, 25), "国庆期间安全生产工作提示"),
    (date(2024, 11, 15), "冬季消防安全工作提示"),
)
NEVER_ACK = (41, 42, 43)  # three sites never acknowledge the 11-15 notice
ALL_KINDS = [
    "ELDERCARE_SAFETY_NET",
    "ELDERCARE_PUBLIC",
    "ELDERCARE_PRIVATE",
    "SOCIAL_WELFARE_HOME",
    "CHILD_WELFARE",
    "RELIEF_STATION",
    "FUNERAL_HOME",
]


def notice(day: date) -> str:
    """The id of the work notice issued on ``day``."""
    return ids.uid("work_notice", str(day))


def _work_notices(script: Script) -> None:
    for day, title in NOTICES:
        nid = notice(day)
        script.post(
            at(day, 8, 30),
            SVC,
            "/work-notices",
            "safety_lead",
            f"notice:{day}",
            {
                "id": nid,
                "title": title,
                "content_ref": f"TS-{day:%Y%m%d}",
                "target_kinds": ALL_KINDS,
                "require_ack": True,
                "ack_due_on": (day + timedelta(days=7)).isoformat(),
            },
        )
        if day == date(2024, 1, 25):
            # The mail server refuses the first four e-mails of this notice for a while (§11.3).
            script.add(
                at(day, 8, 45),
                "sinks",
                "POST",
                "/_control/script",
                "notify_operator",
                f"sinks:fail:{day}",
                {"kind": "email", "statuses": [451, 451, 451, 451]},
                step=SINK_SCRIPT,
                skip_if_issued=f"/work-notices/{nid}",
            )
        script.post(
            at(day, 9), SVC, f"/work-notices/{nid}/issue", "safety_lead", f"notice:{day}:issue", {}
        )
        for i, site in enumerate(ACTIVE_SITES):
            if day == date(2024, 11, 15) and site in NEVER_ACK:
                continue
            acked = at(day + timedelta(days=1 + i % 3), 10)
            script.post(
                acked,
                SVC,
                f"/work-notices/{nid}/acks",
                "institution_staff",
                f"notice:{day}:ack:{site:03d}",
                {"site_id": ids.site(site)},
            )


LARGE_SURVEYS = [date(2024, m, 5) for m in range(1, 12)] + [date(2024, 3, 20), date(2024, 9, 20)]
ORDINARY_SURVEYS = [date(2024, 4, 10), date(2024, 7, 10), date(2024, 10, 10)]


def _surveys_problems(script: Script) -> None:
    surveys = sorted(
        [(d, "LARGE") for d in LARGE_SURVEYS] + [(d, "ORDINARY") for d in ORDINARY_SURVEYS]
    )
    completed = []
    for i, (day, scale) in enumerate(surveys):
        sid = ids.uid("survey", f"DY-2024-{i + 1:02d}")
        script.post(
            at(day, 9),
            SVC,
            "/surveys",
            "safety_lead",
            f"survey:{i + 1:02d}",
            {
                "id": sid,
                "title": f"2024年第{i + 1}次民政服务调研",
                "theme": "养老服务与社会救助",
                "scale": scale,
                "lead_person_id": ids.L1,
                "launched_at": stamp(at(day, 9)),
            },
        )
        if day == date(2024, 11, 5):
            continue
        length = 20 if scale == "LARGE" else 10
        completed.append((sid, day, length))
        script.post(
            at(day + timedelta(days=length), 17),
            SVC,
            f"/surveys/{sid}/complete",
            "safety_lead",
            f"survey:{i + 1:02d}:complete",
            {"completed_at": stamp(at(day + timedelta(days=length), 17))},
        )
    problems: list[tuple[str, date, str | None]] = []
    for j in range(80):
        sid, day, length = completed[j % len(completed)]
        problems.append(
            ("SURVEY", day + timedelta(days=1 + (j // len(completed)) % (length - 1)), sid)
        )
    for day in spread(date(2024, 2, 1), date(2024, 10, 31), 30):
        problems.append(("HOTLINE_12345", day, None))
    problems += [("HOTLINE_12345", date(2024, 11, 18 + j), None) for j in range(4)]
    for j, (source, day, survey) in enumerate(problems):
        pid = ids.uid("problem", f"WT-2024-{j + 1:03d}")
        body: dict[str, object] = {
            "id": pid,
            "source": source,
            "county_code": COUNTIES[j % len(COUNTIES)],
            "category": "ELDERCARE",
            "summary": "群众反映社区助餐点排队时间较长",
            "owner_unit": "养老服务科",
        }
        if survey:
            body["survey_id"] = survey
        script.post(at(day, 11), SVC, "/problems", "safety_lead", f"problem:{j + 1:03d}", body)
        if j >= 110:
            continue  # the last four are still being worked on
        resolved = day + timedelta(days=14)
        script.post(
            at(resolved, 16),
            SVC,
            f"/problems/{pid}/resolve",
            "safety_lead",
            f"problem:{j + 1:03d}:resolve",
            {"resolution": "增设取餐窗口，高峰时段分批就餐"},
        )
        if j < 2:
            script.post(
                at(resolved + timedelta(days=10), 10),
                SVC,
                f"/problems/{pid}/reopen",
                "safety_lead",
                f"problem:{j + 1:03d}:reopen",
                {"reason_code": "CITIZEN_NOT_SATISFIED"},
            )

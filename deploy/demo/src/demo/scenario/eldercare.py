"""eldercare's part of the demo (DOMAIN §11.2, §11.3).

Institutions, elders, home modifications, meals, wristbands, missing cases and the 银龄
volunteer corps.
"""

from __future__ import annotations

from datetime import date, timedelta

from demo import ids
from demo.calendar import at, spread, weekdays
from demo.identities import birth_date, mobile, name
from demo.population import (
    A0,
    A_2023,
    A_2024,
    CLOSED_SITE,
    COUNTIES,
    COUNTY_NAMES,
    DEATHS,
    DYING,
    ELDERCARE_SITES,
    MEAL_USERS,
    A,
    B,
    C,
    Elder,
    beds_of,
    residence_site,
    site_county,
    site_kind,
)
from demo.scenario.contacts import branch_leader
from demo.script import Script, stamp

SVC = "eldercare"
SUBSIDY = 280_000
ASSESSOR = ids.uid("person", "ASSESSOR-1")
HM_INSPECTOR = ids.uid("person", "HM-INSPECTOR-1")
CONTRACTOR = ids.uid("org", "CONTRACTOR-1")
P1 = ids.uid("project", "PRJ-P1")  # 益老食堂
P2 = ids.uid("project", "PRJ-P2")  # 黄手环
BRANCH_COUNTIES = (*COUNTIES, "430900-DTH")


def add(script: Script) -> None:
    """Every eldercare line."""
    _institutions(script)
    _elders(script)
    _home_modifications(script)
    _meal_points_and_meals(script)
    _wristbands_deaths_missing(script)
    _volunteers(script)


def _institutions(script: Script) -> None:
    for n, day in zip(range(1, 45), spread(date(2015, 3, 2), date(2020, 12, 1), 44), strict=True):
        code = ids.site_code(n)
        script.post(
            at(day, 10),
            SVC,
            "/institutions",
            "admin",
            f"institution:{code}",
            {
                "id": ids.site(n),
                "filing_no": f"YY-MZ-{n:04d}",
                "name": f"益阳市演示养老服务机构{n:02d}号",
                "kind": site_kind(n),
                "county_code": site_county(n),
                "township_code": f"{site_county(n)}001",
                "beds": beds_of(n),
                "head_person_id": ids.site_head(n),
            },
        )
    script.post(
        at(date(2023, 6, 30), 17),
        SVC,
        f"/institutions/{ids.site(CLOSED_SITE)}/close",
        "admin",
        "institution:INST-044:close",
        {"reason_code": "OPERATOR_CLOSED"},
    )


def register_elder_body(e: Elder, pillars: list[str], basis: list[str] | None) -> dict[str, object]:
    """The registration body of a demo elder (synthetic identity, demo flag set)."""
    body: dict[str, object] = {
        "id": e.id,
        "name": e.name,
        "id_card_no": e.id_card,
        "address": f"益阳市{COUNTY_NAMES[e.county]}演示路{e.n}号",
        "county_code": e.county,
        "township_code": f"{e.county}001",
        "care_pillars": pillars,
        "demo": True,
    }
    if basis:
        body["special_basis"] = basis
    return body


def registered_on(n: int) -> date:
    """The day elder ``n`` is registered."""
    if n in B:
        return spread(date(2021, 3, 1), date(2021, 3, 5), 5)[(n - B.start) * 5 // len(B)]
    if n in C:
        return spread(date(2021, 5, 10), date(2021, 5, 14), 5)[(n - C.start) * 5 // len(C)]
    if n in A0:
        return spread(date(2023, 1, 5), date(2023, 3, 24), 12)[(n - A0.start) * 12 // len(A0)]
    if n in A_2023:
        return spread(date(2023, 10, 9), date(2023, 12, 18), 10)[(n - A.start) * 10 // 900]
    index = n - A_2024.start
    return spread(date(2024, 1, 8), date(2024, 6, 28), 24)[index * 24 // len(A_2024)]


def _elders(script: Script) -> None:
    for n in range(1, 4281):
        e = Elder(n)
        day = registered_on(n)
        if n in B:
            home = e.residence or 0
            pillars = ["SAFETY_NET", "INSTITUTIONAL"] if home <= 12 else ["INSTITUTIONAL"]
            basis = ["TEKUN"] if home <= 12 else None
        elif n in C:
            pillars, basis = ["HOME"], None
        else:
            pillars, basis = ["HOME"], ["DIBAO"]
        script.post(
            at(day, 9),
            SVC,
            "/elders",
            "caseworker",
            f"elder:{e.code}",
            register_elder_body(e, pillars, basis),
        )
        if n in B:
            script.post(
                at(date(2021, 4, 1), 10),
                SVC,
                f"/elders/{e.id}/admit",
                "caseworker",
                f"elder:{e.code}:admit",
                {
                    "institution_id": residence_site(n),
                    "admitted_at": stamp(at(date(2021, 4, 1), 10)),
                },
            )
        if n not in C:
            assessed = at(date(2021, 4, 2) if n in B else day + timedelta(days=1), 10)
            script.post(
                assessed,
                SVC,
                f"/elders/{e.id}/assessments",
                "caseworker",
                f"elder:{e.code}:assess",
                {
                    "id": ids.uid("assessment", e.code),
                    "ability_level": ("INTACT", "MILD", "MODERATE", "SEVERE")[n % 4],
                    "assessor_id": ASSESSOR,
                    "assessed_at": stamp(assessed),
                },
            )


def _modification(script: Script, e: Elder, applied: date, steps: str) -> None:
    """One household's modification, as far as ``steps`` says.

    ``R`` is rejected; otherwise a prefix of ``SPCA``: assessed, approved, completed, accepted.
    """
    hm = ids.uid("home_modification", e.code)
    script.post(
        at(applied, 10),
        SVC,
        "/home-modifications",
        "caseworker",
        f"hm:{e.code}:apply",
        {"id": hm, "household_id": e.household, "elder_id": e.id},
    )
    base = f"/home-modifications/{hm}"
    assessed = at(applied + timedelta(days=3), 10)
    if steps == "R":
        script.post(
            assessed,
            SVC,
            f"{base}/assess",
            "caseworker",
            f"hm:{e.code}:assess",
            {"reject_reason": "INELIGIBLE", "assessed_at": stamp(assessed)},
        )
        return
    plan = [
        {"item_code": "GRAB_BAR", "category": "BASIC", "cost_minor": 120_000},
        {"item_code": "ANTI_SLIP_FLOOR", "category": "BASIC", "cost_minor": 160_000},
    ]
    script.post(
        assessed,
        SVC,
        f"{base}/assess",
        "caseworker",
        f"hm:{e.code}:assess",
        {
            "plan": plan,
            "subsidy_minor": SUBSIDY,
            "self_paid_minor": 0,
            "assessed_at": stamp(assessed),
        },
    )
    script.post(
        at(applied + timedelta(days=5), 10),
        SVC,
        f"{base}/approve",
        "caseworker",
        f"hm:{e.code}:approve",
        {},
    )
    if "C" in steps:
        done = at(applied + timedelta(days=30), 15)
        script.post(
            done,
            SVC,
            f"{base}/complete",
            "caseworker",
            f"hm:{e.code}:complete",
            {
                "contractor_org_id": CONTRACTOR,
                "photo_ids": [ids.uid("photo", f"{e.code}-1"), ids.uid("photo", f"{e.code}-2")],
                "completed_at": stamp(done),
            },
        )
    if "A" in steps:
        accepted = at(applied + timedelta(days=45), 15)
        script.post(
            accepted,
            SVC,
            f"{base}/accept",
            "caseworker",
            f"hm:{e.code}:accept",
            {"inspector_id": HM_INSPECTOR, "accepted_at": stamp(accepted)},
        )


def applied_on(n: int) -> date:
    """The day elder ``n`` of group A applies.

    A week after registering, 2024-01-02 at the earliest, 2024-07-31 at the latest.
    """
    return min(max(registered_on(n) + timedelta(days=7), date(2024, 1, 2)), date(2024, 7, 31))


def a_steps() -> dict[int, str]:
    """How far each 2024 application gets: 25 rejected, 25 approved only, 13 completed only."""
    steps: dict[int, str] = {}
    order = sorted(A, key=lambda n: (applied_on(n), n))
    rejected = {order[i] for i in range(107, len(order), 108)}
    approved = [n for n in order if n not in rejected]
    for n in rejected:
        steps[n] = "R"
    not_completed = set(approved[-25:])
    completed = [n for n in approved if n not in not_completed]
    not_accepted = set(completed[-13:])
    for n in approved:
        steps[n] = "SP" if n in not_completed else "SPC" if n in not_accepted else "SPCA"
    return steps


def _home_modifications(script: Script) -> None:
    for i, n in enumerate(A0):
        _modification(
            script,
            Elder(n),
            spread(date(2023, 5, 4), date(2023, 9, 28), 20)[i * 20 // len(A0)],
            "SPCA",
        )
    for n, steps in a_steps().items():
        _modification(script, Elder(n), applied_on(n), steps)


# Meal points: 12 opened in 2023 (the first is closed on 2024-06-30), 40 in 2024.
CLOSED_POINT = "MP-2023-01"
SUSPENDED_POINT = "MP-2024-34"
POINT_END = date(2024, 11, 29)


def meal_points() -> list[tuple[str, date, str]]:
    """(code, established on, type) of all 52 points."""
    points = [
        (f"MP-2023-{i + 1:02d}", d, "MEAL_POINT")
        for i, d in enumerate(spread(date(2023, 3, 1), date(2023, 9, 1), 12))
    ]
    for i, d in enumerate(spread(date(2024, 1, 15), date(2024, 10, 31), 40)):
        kind = "CANTEEN" if i < 10 else "MEAL_POINT" if i < 34 else "MEAL_TABLE"
        points.append((f"MP-2024-{i + 1:02d}", d, kind))
    return points


def open_days(code: str, established: date) -> list[date]:
    """The weekdays of 2024 on which a point serves."""
    end = POINT_END
    if code == CLOSED_POINT:
        end = date(2024, 6, 28)
    elif code == SUSPENDED_POINT:
        end = date(2024, 11, 19)
    return weekdays(max(established, date(2024, 1, 2)), end)


def meal_plan() -> list[tuple[str, date, int]]:
    """(point code, date, elder n) of the 10,400 meals.

    200 per point, round-robin over its open weekdays; elders round-robin over the meal users,
    never the dead or the not yet registered, never twice a day.
    """
    wanted: list[tuple[date, str]] = []
    for code, established, _ in meal_points():
        days_open = open_days(code, established)
        wanted += [(days_open[i % len(days_open)], code) for i in range(200)]
    wanted.sort()
    died = dict(DEATHS)
    served: dict[date, set[int]] = {}
    cursor = 0
    plan = []
    for day, code in wanted:
        today = served.setdefault(day, set())
        while True:
            n = MEAL_USERS[cursor % len(MEAL_USERS)]
            cursor += 1
            if n not in today and registered_on(n) < day and not (n in died and died[n] <= day):
                break
        today.add(n)
        plan.append((code, day, n))
    return plan


def _meal_points_and_meals(script: Script) -> None:
    for i, (code, established, kind) in enumerate(meal_points()):
        county = COUNTIES[i % len(COUNTIES)]
        body: dict[str, object] = {
            "id": ids.uid("meal_point", code),
            "name": f"益老食堂演示点{code[3:]}" if kind == "CANTEEN" else f"老年助餐点{code[3:]}",
            "type": kind,
            "county_code": county,
            "township_code": f"{county}001",
            "established_at": stamp(at(established, 9)),
            "capacity_per_slot": 60,
            "food_license_no": f"JY{4309_0000_0000 + i}",
        }
        if kind == "CANTEEN":
            body["operator_institution_id"] = ids.site(i - 11)  # INST-001..010 run the canteens
            body["brand_project_id"] = P1
        else:
            body["operator_org"] = "社区居委会"
        script.post(
            at(established, 9), SVC, "/meal-points", "caseworker", f"meal_point:{code}", body
        )
    closed = ids.uid("meal_point", CLOSED_POINT)
    script.post(
        at(date(2024, 6, 30), 18),
        SVC,
        f"/meal-points/{closed}/close",
        "caseworker",
        f"meal_point:{CLOSED_POINT}:close",
        {"reason_code": "LEASE_ENDED"},
    )
    suspended = ids.uid("meal_point", SUSPENDED_POINT)
    script.post(
        at(date(2024, 11, 20), 18),
        SVC,
        f"/meal-points/{suspended}/suspend",
        "caseworker",
        f"meal_point:{SUSPENDED_POINT}:suspend",
        {"reason_code": "LICENCE_RENEWAL"},
    )
    for code, day, n in meal_plan():
        e = Elder(n)
        script.post(
            at(day, 11, 30),
            SVC,
            f"/meal-points/{ids.uid('meal_point', code)}/meals",
            "institution_staff",
            f"meal:{code}:{day}:{e.code}",
            {
                "id": ids.uid("meal", f"{code}:{day}:{e.code}"),
                "elder_id": e.id,
                "served_at": stamp(at(day, 11, 30)),
                "slot": "LUNCH",
                "verification_method": "FACE",
                "verification_passed": True,
                "price_minor": 1200,
                "subsidy_minor": 500,
                "paid_minor": 700,
            },
        )


WRISTBAND_HOLDERS = tuple(DYING) + tuple(C[:294])
MISSING = ((C[0], date(2024, 10, 19)), (C[1], date(2024, 11, 2)), (C[2], date(2024, 11, 23)))


def _wristbands_deaths_missing(script: Script) -> None:
    others = spread(date(2024, 3, 4), date(2024, 10, 31), 294)
    for i, n in enumerate(WRISTBAND_HOLDERS):
        issued = date(2024, 3, 1) if n in DYING else others[i - len(DYING)]
        e = Elder(n)
        script.post(
            at(issued, 14),
            SVC,
            "/wristbands",
            "caseworker",
            f"wristband:{e.code}",
            {
                "id": ids.uid("wristband", e.code),
                "code": f"HSH-{i + 1:05d}",
                "elder_id": e.id,
                "brand_project_id": P2,
            },
        )
    for n, died in DEATHS:
        e = Elder(n)
        script.post(
            at(died, 16),
            SVC,
            f"/elders/{e.id}/record-death",
            "caseworker",
            f"elder:{e.code}:death",
            {"died_on": died.isoformat()},
        )
    for n, day in MISSING:
        e = Elder(n)
        case = ids.uid("missing_case", f"{e.code}:{day}")
        script.post(
            at(day, 15),
            SVC,
            "/missing-cases",
            "caseworker",
            f"missing:{e.code}:{day}",
            {
                "id": case,
                "elder_id": e.id,
                "last_seen_place": f"{COUNTY_NAMES[e.county]}演示广场东门",
                "note": "家属报告午饭后外出未归",
            },
        )
        script.post(
            at(day, 18),
            SVC,
            f"/missing-cases/{case}/found",
            "caseworker",
            f"missing:{e.code}:{day}:found",
            {
                "found_at": stamp(at(day, 18)),
                "outcome": "FOUND_SAFE",
                "finder_details": "志愿者在公园长椅处找到",
            },
        )


CORPS = ids.uid("volunteer_corps", "VC-1")
FOUNDED = date(2024, 10, 8)


def branch(k: int) -> str:
    """The id of branch ``k`` (1..7)."""
    return ids.uid("volunteer_branch", f"VC-1-B{k}")


def volunteer(v: int) -> str:
    """The id of volunteer ``v`` (0..209)."""
    return ids.uid("volunteer", f"VOL-{v + 1:03d}")


def _volunteers(script: Script) -> None:
    script.post(
        at(FOUNDED, 9),
        SVC,
        "/volunteer-corps",
        "volunteer_coordinator",
        "corps:VC-1",
        {"id": CORPS, "name": "益阳市“银龄行动”志愿服务总队", "founded_at": stamp(at(FOUNDED, 9))},
    )
    for k, county in enumerate(BRANCH_COUNTIES, start=1):
        script.post(
            at(FOUNDED, 9, 30),
            SVC,
            f"/volunteer-corps/{CORPS}/branches",
            "volunteer_coordinator",
            f"corps:VC-1:branch:{k}",
            {
                "branch_id": branch(k),
                "name": f"{COUNTY_NAMES[county]}分队",
                "county_code": county,
                "leader_person_id": branch_leader(k),
                "founded_at": stamp(at(FOUNDED, 9, 30)),
            },
        )
    for v in range(210):
        script.post(
            at(FOUNDED, 10),
            SVC,
            "/volunteers",
            "volunteer_coordinator",
            f"volunteer:VOL-{v + 1:03d}",
            {
                "id": volunteer(v),
                "branch_id": branch(v // 30 + 1),
                "name": name(50_000 + v),
                "phone": mobile(50_000 + v),
                "birth_date": birth_date(v, date(1950, 1, 1), date(1969, 12, 31)).isoformat(),
            },
        )
    home_visits = 0
    for i in range(1050):
        v, r = divmod(i, 5)
        day = date(2024, 10, 9) + timedelta(days=(v + r * 11) % 53)
        body: dict[str, object] = {
            "id": ids.uid("volunteer_service", f"VS-{i + 1:04d}"),
            "volunteer_id": volunteer(v),
            "started_at": stamp(at(day, 14)),
            "minutes": 120,
        }
        if i % 3 == 0:
            body["service_type"] = "COMPANIONSHIP"
            body["institution_id"] = ids.site(ELDERCARE_SITES[(i // 3) % len(ELDERCARE_SITES)])
        else:
            body["service_type"] = "VISIT"
            body["elder_id"] = Elder(A[1000 + home_visits % 700]).id
            home_visits += 1
        script.post(
            at(day, 14),
            SVC,
            "/volunteer-services",
            "volunteer_coordinator",
            f"volunteer_service:{i + 1:04d}",
            body,
        )

"""charity's part of the demo (DOMAIN §11.2, §11.3).

Funds, donations, projects, beneficiaries, allocations A1–A7,
disbursements, reconciliations and child-care sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from demo import ids
from demo.calendar import at, spread
from demo.identities import birth_date, id_card, name
from demo.population import COUNTIES, ELDER_BENEFICIARIES, Elder
from demo.script import Script, stamp

SVC = "charity"
BRAND = "益行益善·益老益小"
PROJECTS = (
    ("P1", "益老食堂", "ELDER_CANTEEN", "SUPPORT_ELDERLY", True),
    ("P2", "黄手环", "WRISTBAND", "SUPPORT_ELDERLY", True),
    ("P3", "公益课堂", "PUBLIC_CLASS", "PUBLIC_GOOD", True),
    ("P4", "童心童行", "CHILD_CARE", "RESCUE_ORPHANS", True),
    ("P5", "慰问物资", "RELIEF_GOODS", "RELIEVE_POVERTY", False),
    ("P6", "助学金", "SCHOLARSHIP", "RELIEVE_POVERTY", True),
    ("P7", "周末妈妈", "WEEKEND_MOTHERS", "RESCUE_ORPHANS", True),
    ("P8", "送教上门", "HOME_TEACHING", "SUPPORT_DISABLED", True),
)
YUAN = 100


def project(code: str) -> str:
    """The id of project ``P1``..``P9``."""
    return ids.uid("project", f"PRJ-{code}")


def fund(code: str) -> str:
    """The id of a fund (``DON``, ``LOT-2022`` …)."""
    return ids.uid("fund", code)


def allocation(code: str) -> str:
    """The id of allocation ``A1``..``A7``."""
    return ids.uid("allocation", f"ALC-{code}")


def beneficiary(code: str) -> str:
    """The id of a beneficiary by its demo code (``HH-0001``, ``STU-2024-001`` …)."""
    return ids.uid("beneficiary", code)


def add(script: Script) -> None:
    """Every charity line."""
    _projects_and_funds(script)
    _donations(script)
    _beneficiaries(script)
    for alloc in ALLOCATIONS:
        _allocation(script, alloc)
    _child_care(script)


def _projects_and_funds(script: Script) -> None:
    for code, title, kind, purpose, library in PROJECTS:
        script.post(
            at(date(2021, 12, 1), 10),
            SVC,
            "/projects",
            "finance_officer",
            f"project:{code}",
            {
                "id": project(code),
                "code": f"PRJ-{code}",
                "name": title,
                "brand": BRAND,
                "kind": kind,
                "purpose": purpose,
                "in_project_library": library,
            },
        )
    script.post(
        at(date(2024, 4, 1), 10),
        SVC,
        "/projects",
        "finance_officer",
        "project:P9",
        {
            "id": project("P9"),
            "code": "PRJ-P9",
            "name": "养老机构消防安全改造补助",
            "kind": "INSTITUTION_SUBSIDY",
            "purpose": "SUPPORT_ELDERLY",
            "in_project_library": True,
        },
    )
    script.post(
        at(date(2022, 1, 4), 10),
        SVC,
        "/funds",
        "finance_officer",
        "fund:DON",
        {"id": fund("DON"), "code": "DON", "source_type": "DONATION"},
    )
    for year, yuan in ((2022, 3_000_000), (2023, 3_200_000), (2024, 3_400_000)):
        code = f"LOT-{year}"
        script.post(
            at(date(year, 3, 1), 10),
            SVC,
            "/funds",
            "finance_officer",
            f"fund:{code}",
            {"id": fund(code), "code": code, "source_type": "LOTTERY_WELFARE", "fiscal_year": year},
        )
        credited = at(date(year, 3, 29) if year == 2024 else date(year, 3, 31), 10)
        script.post(
            credited,
            SVC,
            f"/funds/{fund(code)}/credits",
            "finance_officer",
            f"fund:{code}:credit",
            {
                "amount_minor": yuan * YUAN,
                "credited_at": stamp(credited),
                "reference": f"CZ-{year}-001",
            },
        )


_Gift = tuple[int, str | None]  # (yuan, designated project)


def _gifts(*groups: tuple[int, int, str | None]) -> list[_Gift]:
    return [(yuan, project) for count, yuan, project in groups for _ in range(count)]


DONATIONS: dict[int, list[_Gift]] = {
    2022: _gifts((100, 15_000, None), (20, 20_000, None)),
    2023: _gifts((120, 15_000, None), (30, 20_000, None)),
    2024: _gifts((100, 20_000, None), (40, 22_500, "P5")),
}


def monthly(year: int, count: int) -> list[date]:
    """``count`` receipt days, January to September, the 15th of each month in turn."""
    months = [date(year, m, 15) for m in range(1, 10)]
    return [months[i * len(months) // count] for i in range(count)]


def _donations(script: Script) -> None:
    for year, gifts in DONATIONS.items():
        for i, ((yuan, designated), day) in enumerate(
            zip(gifts, monthly(year, len(gifts)), strict=True)
        ):
            received = at(day, 11)
            body: dict[str, object] = {
                "id": ids.uid("donation", f"JZ-{year}-{i + 1:04d}"),
                "receipt_no": f"JZ-{year}-{i + 1:04d}",
                "fund_id": fund("DON"),
                "donor_type": "ORGANISATION",
                "donor_display_name": f"益阳爱心企业{(i % 60) + 1:02d}",
                "kind": "CASH",
                "amount_minor": yuan * YUAN,
                "received_at": stamp(received),
            }
            if designated:
                body["designated_project_id"] = project(designated)
            script.post(
                received, SVC, "/donations", "finance_officer", f"donation:{year}:{i + 1:04d}", body
            )


# Beneficiaries: (code prefix, count, registered from, to, kind)
HOUSEHOLDS = [f"HH-{i + 1:04d}" for i in range(2000)]
STUDENTS = {2022: 300, 2023: 400, 2024: 452}
CHILDREN = [f"CHD-{i + 1:02d}" for i in range(26)]
WEEKEND_CHILDREN = CHILDREN[:10]
TEACHING_CHILDREN = CHILDREN[10:18]
INSTITUTION_BENEFICIARIES = tuple(range(1, 21))


def students(year: int) -> list[str]:
    """The codes of the students registered in ``year``."""
    return [f"STU-{year}-{i + 1:03d}" for i in range(STUDENTS[year])]


def _person(
    script: Script, when: date, code: str, kind: str, index: int, extra: dict[str, object]
) -> None:
    county = COUNTIES[index % len(COUNTIES)]
    oldest, youngest = {
        "HOUSEHOLD": (date(1955, 1, 1), date(1990, 12, 31)),
        "STUDENT": (date(2004, 9, 1), date(2008, 8, 31)),
        "CHILD": (date(2010, 1, 1), date(2018, 12, 31)),
    }[kind]
    born = birth_date(index, oldest, youngest)
    body: dict[str, object] = {
        "id": beneficiary(code),
        "kind": kind,
        "county_code": county,
        "name": name(100_000 + index),
        "id_card_no": id_card(county, born, index),
        **extra,
    }
    script.post(at(when, 10), SVC, "/beneficiaries", "caseworker", f"beneficiary:{code}", body)


def _beneficiaries(script: Script) -> None:
    for i, code in enumerate(HOUSEHOLDS):
        _person(
            script,
            spread(date(2022, 1, 10), date(2022, 1, 14), 5)[i * 5 // 2000],
            code,
            "HOUSEHOLD",
            i,
            {},
        )
    for i, n in enumerate(ELDER_BENEFICIARIES):
        e = Elder(n)
        script.post(
            at(spread(date(2022, 1, 17), date(2022, 1, 21), 5)[i * 5 // 1000], 10),
            SVC,
            "/beneficiaries",
            "caseworker",
            f"beneficiary:ELD:{e.code}",
            {"id": beneficiary(f"ELD:{e.code}"), "kind": "ELDER", "elder_id": e.id},
        )
    for year, count in STUDENTS.items():
        for i, code in enumerate(students(year)):
            index = 10_000 + year * 1000 + i
            _person(
                script,
                spread(date(year, 8, 15), date(year, 8, 19), 5)[i * 5 // count],
                code,
                "STUDENT",
                index,
                {
                    "school": f"益阳市第{i % 12 + 1}中学",
                    "guardian_name": name(200_000 + index),
                    "bank_account_no": f"62170{index:014d}",
                },
            )
    for i, code in enumerate(CHILDREN):
        extra: dict[str, object] = {
            "guardian_name": name(300_000 + i),
            "orphan_category": "事实无人抚养儿童",
        }
        if code in TEACHING_CHILDREN:
            extra["disability_category"] = "肢体残疾"
        _person(script, date(2024, 1, 8), code, "CHILD", 20_000 + i, extra)
    for n in INSTITUTION_BENEFICIARIES:
        script.post(
            at(date(2024, 4, 8), 10),
            SVC,
            "/beneficiaries",
            "caseworker",
            f"beneficiary:INST:{n:03d}",
            {
                "id": beneficiary(f"INST:{n:03d}"),
                "kind": "INSTITUTION",
                "institution_id": ids.site(n),
            },
        )
    for code in WEEKEND_CHILDREN:
        script.post(
            at(date(2024, 1, 15), 10),
            SVC,
            f"/beneficiaries/{beneficiary(code)}/enrollments",
            "caseworker",
            f"enrol:{code}:P7",
            {"project_id": project("P7")},
        )
    for code in TEACHING_CHILDREN:
        script.post(
            at(date(2024, 1, 15), 10),
            SVC,
            f"/beneficiaries/{beneficiary(code)}/enrollments",
            "caseworker",
            f"enrol:{code}:P8",
            {"project_id": project("P8")},
        )


@dataclass(frozen=True)
class Allocation:
    """One allocation of §11.3 and how it is spent."""

    code: str
    fund: str
    project: str
    approved: date
    yuan: int
    round_code: str
    requester: str = "finance_officer"


ALLOCATIONS = (
    Allocation("A1", "LOT-2022", "P6", date(2022, 6, 30), 600_000, "2022-2023"),
    Allocation("A2", "DON", "P5", date(2022, 10, 8), 1_850_000, "2022-敬老慰问"),
    Allocation("A3", "LOT-2023", "P6", date(2023, 6, 30), 800_000, "2023-2024"),
    Allocation("A4", "DON", "P5", date(2023, 10, 8), 2_350_000, "2023-敬老慰问"),
    Allocation("A5", "LOT-2024", "P6", date(2024, 6, 28), 950_000, "2024-2025"),
    Allocation("A6", "DON", "P5", date(2024, 10, 8), 2_800_000, "2024-敬老慰问"),
    # A7's requester is a third approver, so that §11.6 #35 (approving one's own) can be tried.
    Allocation("A7", "LOT-2024", "P9", date(2024, 4, 30), 1_000_000, "2024-消防改造", "approver_3"),
)
LOTTERY_STAGES = (
    ("SECTION_REVIEW", "approver"),
    ("LEADER_APPROVAL", "approver_2"),
    ("FINANCE_COSIGN", "finance_bureau"),
)
DONATION_STAGES = LOTTERY_STAGES[:2]


def _allocation(script: Script, a: Allocation) -> None:
    aid = allocation(a.code)
    stages = LOTTERY_STAGES if a.fund.startswith("LOT") else DONATION_STAGES
    start = a.approved - timedelta(days=3 * len(stages) + 2)
    script.post(
        at(start, 10),
        SVC,
        "/allocations",
        a.requester,
        f"allocation:{a.code}",
        {
            "id": aid,
            "code": f"ALC-{a.code}",
            "fund_id": fund(a.fund),
            "project_id": project(a.project),
            "amount_minor": a.yuan * YUAN,
            "valid_until": date(a.approved.year + 1, 12, 31).isoformat(),
            "expense_class": "PROJECT",
        },
    )
    script.post(
        at(start + timedelta(days=1), 10),
        SVC,
        f"/allocations/{aid}/submit",
        a.requester,
        f"allocation:{a.code}:submit",
        {},
    )
    for i, (stage, actor) in enumerate(stages):
        day = a.approved - timedelta(days=3 * (len(stages) - 1 - i))
        script.post(
            at(day, 15),
            SVC,
            f"/allocations/{aid}/approvals",
            actor,
            f"allocation:{a.code}:{stage}",
            {"stage": stage, "decision": "APPROVE"},
        )
    SPENDING[a.code](script, a)


def _request(script: Script, a: Allocation, code: str, when: date, yuan: int, in_kind: bool) -> str:
    did = ids.uid("disbursement", f"{a.code}:{code}")
    body: dict[str, object] = {
        "id": did,
        "beneficiary_id": beneficiary(code),
        "amount_minor": yuan * YUAN,
        "round_code": a.round_code,
        "kind": "IN_KIND" if in_kind else "CASH",
    }
    if in_kind:
        body["items"] = [{"name": "米面油慰问包", "quantity": 1, "unit_value_minor": yuan * YUAN}]
    script.post(
        at(when, 10),
        SVC,
        f"/allocations/{allocation(a.code)}/disbursements",
        "finance_officer",
        f"disburse:{a.code}:{code}",
        body,
    )
    return did


def _settle(script: Script, a: Allocation, code: str, did: str, when: date, in_kind: bool) -> None:
    done = at(when, 16)
    if in_kind:
        script.post(
            done,
            SVC,
            f"/disbursements/{did}/confirm-delivered",
            "finance_officer",
            f"disburse:{a.code}:{code}:delivered",
            {"receipt_ref": f"QS-{a.code}-{code}", "delivered_at": stamp(done)},
        )
    else:
        script.post(
            done,
            SVC,
            f"/disbursements/{did}/confirm-paid",
            "finance_officer",
            f"disburse:{a.code}:{code}:paid",
            {"bank_ref": f"YH-{a.code}-{code}", "paid_at": stamp(done)},
        )


def _reconcile_and_close(script: Script, a: Allocation, on: date, close: bool) -> None:
    script.post(
        at(on, 17),
        SVC,
        "/reconciliations",
        "finance_officer",
        f"reconcile:{a.code}",
        {
            "id": ids.uid("reconciliation", a.code),
            "allocation_id": allocation(a.code),
            "period_end_on": on.isoformat(),
        },
    )
    if close:
        script.post(
            at(date(on.year, 12, 31), 10),
            SVC,
            f"/allocations/{allocation(a.code)}/close",
            "finance_officer",
            f"allocation:{a.code}:close",
            {},
        )


def _scholarships(script: Script, a: Allocation, year: int) -> None:
    for code in students(year):
        did = _request(script, a, code, date(year, 9, 5), 2_000, in_kind=False)
        _settle(script, a, code, did, date(year, 9, 20), in_kind=False)
    _reconcile_and_close(script, a, date(year, 12, 20), close=True)


def _relief(
    script: Script, a: Allocation, households: int, start: date, end: date, close: bool
) -> None:
    codes = [f"ELD:{Elder(n).code}" for n in ELDER_BENEFICIARIES] + HOUSEHOLDS[:households]
    rounds = spread(start, end, 12)  # deliveries go out in twelve rounds
    for i, code in enumerate(codes):
        day = rounds[i * len(rounds) // len(codes)]
        did = _request(script, a, code, day, 1_000, in_kind=True)
        _settle(script, a, code, did, day + timedelta(days=1) if i % 2 else day, in_kind=True)
    if close:
        _reconcile_and_close(script, a, date(a.approved.year, 12, 28), close=True)


def _a5(script: Script, a: Allocation) -> None:
    codes = students(2024)
    requested = spread(date(2024, 9, 2), date(2024, 9, 6), 5)
    cancelled, failed = set(codes[100:102]), codes[200:203]
    for i, code in enumerate(codes):
        did = _request(script, a, code, requested[i * 5 // len(codes)], 2_000, in_kind=False)
        if code in cancelled:
            script.post(
                at(date(2024, 9, 9), 10),
                SVC,
                f"/disbursements/{did}/cancel",
                "finance_officer",
                f"disburse:A5:{code}:cancel",
                {"reason_code": "DUPLICATE_APPLICATION"},
            )
        elif code in failed:
            script.post(
                at(date(2024, 9, 10), 11),
                SVC,
                f"/disbursements/{did}/fail",
                "finance_officer",
                f"disburse:A5:{code}:fail",
                {"reason_code": "ACCOUNT_CLOSED"},
            )
            script.post(
                at(date(2024, 9, 20), 10),
                SVC,
                f"/disbursements/{did}/retry",
                "finance_officer",
                f"disburse:A5:{code}:retry",
                {},
            )
            _settle(script, a, code, did, date(2024, 9, 25), in_kind=False)
        else:
            _settle(script, a, code, did, date(2024, 9, 10), in_kind=False)
    _reconcile_and_close(script, a, date(2024, 11, 30), close=False)


def _a7(script: Script, a: Allocation) -> None:
    for n in INSTITUTION_BENEFICIARIES:
        code = f"INST:{n:03d}"
        did = _request(script, a, code, date(2024, 5, 20), 50_000, in_kind=False)
        _settle(script, a, code, did, date(2024, 5, 31), in_kind=False)
    _reconcile_and_close(script, a, date(2024, 11, 30), close=False)


SPENDING = {
    "A1": lambda s, a: _scholarships(s, a, 2022),
    "A2": lambda s, a: _relief(s, a, 800, date(2022, 10, 10), date(2022, 12, 16), close=True),
    "A3": lambda s, a: _scholarships(s, a, 2023),
    "A4": lambda s, a: _relief(s, a, 1300, date(2023, 10, 10), date(2023, 12, 15), close=True),
    "A5": _a5,
    "A6": lambda s, a: _relief_2024(s, a),
    "A7": _a7,
}


def _relief_2024(script: Script, a: Allocation) -> None:
    _relief(script, a, 1726, date(2024, 10, 10), date(2024, 11, 29), close=False)
    _reconcile_and_close(script, a, date(2024, 11, 30), close=False)


WEEKENDS = [
    date(2024, m, d)
    for m, d in (
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
    )
]
TEACHING_DAYS = [
    date(2024, m, d)
    for m, d in (
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
    )
]
MOTHER = ids.uid("person", "WEEKEND-MOTHER-1")
TEACHER = ids.uid("person", "TEACHER-1")


def _child_care(script: Script) -> None:
    script.add(
        at(date(2024, 1, 15), 9),
        SVC,
        "PUT",
        f"/child-care-providers/{MOTHER}",
        "caseworker",
        "provider:MOTHER-1",
        {"role": "VOLUNTEER_MOTHER"},
    )
    script.add(
        at(date(2024, 1, 15), 9),
        SVC,
        "PUT",
        f"/child-care-providers/{TEACHER}",
        "caseworker",
        "provider:TEACHER-1",
        {"role": "TEACHER"},
    )
    for saturday in WEEKENDS:
        for day, group in (
            (saturday, WEEKEND_CHILDREN[:5]),
            (saturday + timedelta(days=1), WEEKEND_CHILDREN[5:]),
        ):
            script.post(
                at(day, 17),
                SVC,
                "/child-care-sessions",
                "caseworker",
                f"session:P7:{day}",
                {
                    "id": ids.uid("session", f"P7:{day}"),
                    "project_id": project("P7"),
                    "provider_person_id": MOTHER,
                    "held_on": day.isoformat(),
                    "child_beneficiary_ids": [beneficiary(c) for c in group],
                    "minutes": 180,
                },
            )
    for day in TEACHING_DAYS:
        for code in TEACHING_CHILDREN:
            script.post(
                at(day, 17),
                SVC,
                "/child-care-sessions",
                "caseworker",
                f"session:P8:{day}:{code}",
                {
                    "id": ids.uid("session", f"P8:{day}:{code}"),
                    "project_id": project("P8"),
                    "provider_person_id": TEACHER,
                    "held_on": day.isoformat(),
                    "child_beneficiary_ids": [beneficiary(code)],
                    "minutes": 120,
                },
            )

"""The demo script itself: what it will ask the services to do (DOMAIN §11), without a stack."""

import collections
import re
from datetime import date

import pytest

from demo import ids
from demo.identities import check_char
from demo.population import DEATHS, A, B, C, Elder
from demo.runner import clocks_for, crosses
from demo.scenario import build, charity, eldercare, inspection
from shared.events.pii import looks_personal

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def lines():
    return build().lines()


def _count(lines, service, method, shape, refused=False):
    return sum(
        1
        for c in lines
        if c.service == service
        and c.method == method
        and UUID.sub("{id}", c.path) == shape
        and (c.expect is not None) == refused
    )


def test_lines_are_in_time_order_and_keys_are_unique(lines):
    assert [c.at for c in lines] == sorted(c.at for c in lines)
    assert len({c.key for c in lines}) == len(lines)
    assert lines[0].at.date() < date(2016, 1, 1)
    assert max(c.at.date() for c in lines) == date(2024, 11, 30)


@pytest.mark.parametrize(
    ("service", "method", "shape", "count"),
    [
        ("inspection", "POST", "/inspections", 80),  # 4 in Dec 2023 + 74 + 2 cancelled
        ("inspection", "POST", "/inspections/{id}/complete", 78),
        ("inspection", "POST", "/inspections/{id}/hazards", 96),
        ("inspection", "POST", "/hazards/{id}/submit", 96),
        ("inspection", "POST", "/hazards/{id}/verify", 93),  # 89 passed + 4 rejected
        ("inspection", "POST", "/hazards/{id}/extend", 3),
        ("inspection", "POST", "/drills/{id}/record", 177),
        ("inspection", "POST", "/safety-talks", 34),
        ("inspection", "POST", "/work-notices/{id}/acks", 255),
        ("inspection", "POST", "/problems", 114),
        ("inspection", "POST", "/problems/{id}/resolve", 110),
        ("eldercare", "POST", "/elders", 4280),
        ("eldercare", "POST", "/elders/{id}/assessments", 3640),
        ("eldercare", "POST", "/home-modifications/{id}/accept", 3117),
        ("eldercare", "POST", "/home-modifications/{id}/complete", 3130),
        ("eldercare", "POST", "/meal-points/{id}/meals", 10400),
        ("eldercare", "POST", "/wristbands", 300),
        ("eldercare", "POST", "/volunteer-services", 1050),
        ("charity", "POST", "/beneficiaries", 4198),
        ("charity", "POST", "/allocations/{id}/disbursements", 7998),
        ("charity", "POST", "/disbursements/{id}/confirm-paid", 1170),
        ("charity", "POST", "/disbursements/{id}/confirm-delivered", 6826),
        ("charity", "POST", "/allocations/{id}/approvals", 18),
        ("charity", "POST", "/donations", 410),
        ("charity", "POST", "/child-care-sessions", 120),
    ],
)
def test_each_kind_of_command_comes_as_often_as_section_11_4_counts_its_event(
    lines, service, method, shape, count
):
    assert _count(lines, service, method, shape) == count


def test_campaign_tally_of_the_74_inspections_is_the_one_section_11_3_gives():
    plan = inspection.plan_2024()
    assert len(plan) == 74
    tally = collections.Counter(i.campaign for i in plan)
    assert tally == {"C1": 14, "C2": 15, "C3": 8, "C4": 11, "C5": 9, "C6": 9, "C7": 8}
    assert sum(len(i.hazards) for i in plan) == 96
    assert "W32" not in {i.code for i in plan}
    majors = [h for i in plan for h in i.hazards if h.level == "MAJOR"]
    assert [h.found for h in majors] == list(inspection.MAJOR_DAYS)


def test_the_seven_open_hazards_have_the_deadlines_of_section_11_3():
    hazards = {h.label: h for i in inspection.plan_2024() for h in i.hazards if h.label}
    deadline = {k: h.found.toordinal() + h.deadline_days for k, h in hazards.items()}
    expected = {
        "#1": date(2024, 11, 15),
        "#2": date(2024, 11, 26),
        "#3": date(2024, 11, 29),
        "#4": date(2024, 11, 30),
        "#5": date(2024, 11, 28),
        "#6": date(2024, 12, 5),
        "#7": date(2024, 12, 11),
    }
    assert {k: date.fromordinal(v) for k, v in deadline.items()} == expected
    assert hazards["#3"].level == "MAJOR"


def test_home_modifications_of_2024_end_as_section_11_3_says():
    steps = collections.Counter(eldercare.a_steps().values())
    assert steps == {"R": 25, "SP": 25, "SPC": 13, "SPCA": 2637}


def test_meals_never_serve_an_elder_twice_a_day_nor_the_dead_nor_the_unregistered():
    plan = eldercare.meal_plan()
    assert len(plan) == 10400
    assert len({(day, n) for _, day, n in plan}) == 10400
    died = dict(DEATHS)
    assert all(not (n in died and died[n] <= day) for _, day, n in plan)
    assert all(eldercare.registered_on(n) < day for _, day, n in plan)
    per_point = collections.Counter(code for code, _, _ in plan)
    assert set(per_point.values()) == {200}
    assert len(per_point) == 52


def test_synthetic_id_numbers_are_valid_and_unique():
    numbers = [Elder(n).id_card for n in range(1, 4281)]
    assert len(set(numbers)) == 4280
    assert all(check_char(x[:17]) == x[17] for x in numbers)
    assert all(looks_personal(x) for x in numbers[:50])
    assert {Elder(n).residence for n in B} == set(range(1, 40))
    assert Elder(C[0]).residence is None
    assert Elder(A[0]).id == ids.uid("elder", "ELD-001581")


def test_charity_money_adds_up_to_the_reported_figures():
    yuan = {a.code: a.yuan for a in charity.ALLOCATIONS}
    assert yuan["A5"] + yuan["A7"] == 1_950_000  # LOT-2024: 3,400,000 credited, 1,450,000 left
    paid_2024 = 450 * 2_000 + 2_726 * 1_000 + 20 * 50_000
    before = 300 * 2_000 + 1_800 * 1_000 + 400 * 2_000 + 2_300 * 1_000
    assert (paid_2024 - 20 * 50_000) * 100 == 362_600_000  # P9 is not a brand project
    assert (before + paid_2024 - 20 * 50_000) * 100 == 912_600_000


def test_every_section_11_6_row_is_tried(lines):
    rows = {c.expect.row for c in lines if c.expect is not None}
    assert rows == {f"#{n}" for n in range(1, 40)}


def test_the_loader_waits_after_lines_others_react_to_and_not_after_the_rest(lines):
    by_shape = {UUID.sub("{id}", c.path): c for c in lines}
    assert crosses(by_shape["/hazards/{id}/assign"])
    assert crosses(by_shape["/work-notices/{id}/issue"])
    assert crosses(by_shape["/elders"])
    assert not crosses(by_shape["/elders/{id}/assessments"])
    assert not crosses(by_shape["/meal-points/{id}/meals"])
    assert not crosses(by_shape["/inspections"])
    meal = by_shape["/meal-points/{id}/meals"]
    assert clocks_for([meal], crossing=False) == ("eldercare",)
    assert clocks_for([meal], crossing=True) == ("eldercare", "notify")

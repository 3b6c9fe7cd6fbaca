"""Domain rules without I/O: plans and subsidies, slots and amounts, transitions."""

import uuid
from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from eldercare.domain.elders import Elder
from eldercare.domain.errors import ConflictError, InvalidInputError
from eldercare.domain.home_modifications import PlanItem, cost_plan
from eldercare.domain.identity import parse_id_card
from eldercare.domain.institutions import Institution
from eldercare.domain.meals import MealPoint, Slot, check_amounts
from eldercare.domain.volunteers import VolunteerService

NOW = datetime(2024, 6, 3, 4, 0, tzinfo=UTC)
BASIC = PlanItem("GRAB_BAR", "BASIC", 200_000)
OPTIONAL = PlanItem("ALARM", "OPTIONAL", 50_000)


def refused(code):
    return pytest.raises((InvalidInputError, ConflictError), match=f"^{code}$")


def test_a_plan_costs_out_into_subsidy_and_self_paid():
    costing = cost_plan(
        (BASIC, OPTIONAL), subsidy_minor=150_000, self_paid_minor=None, cap_minor=300_000
    )
    assert (costing.basic_items, costing.optional_items) == (1, 1)
    assert costing.self_paid_minor == 100_000


@pytest.mark.parametrize(
    ("plan", "subsidy", "self_paid", "code"),
    [
        ((OPTIONAL,), 0, None, "basic_item_required"),
        ((BASIC,), 300_001, None, "subsidy_over_cap"),
        ((BASIC, OPTIONAL), 200_001, None, "subsidy_exceeds_basic_items"),
        ((BASIC,), 100_000, 1, "self_paid_mismatch"),
        ((PlanItem("X", "BASIC", -1),), 0, None, "invalid_amount"),
    ],
)
def test_plans_breaking_the_subsidy_rules_are_refused(plan, subsidy, self_paid, code):
    with refused(code):
        cost_plan(plan, subsidy_minor=subsidy, self_paid_minor=self_paid, cap_minor=300_000)


def point(**overrides):
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "name": "益老食堂",
        "type": "MEAL_POINT",
        "brand_project_id": None,
        "operator_institution_id": None,
        "operator_org": None,
        "county_code": "430903",
        "township_code": "430903001",
        "established_at": NOW,
        "capacity_per_slot": 10,
        "slots": (
            Slot("LUNCH", time(10, 30), time(13, 30)),
            Slot("DINNER", time(16, 30), time(19)),
        ),
        "food_license_no": None,
        "status": "OPEN",
        "version": 1,
    }
    values.update(overrides)
    return MealPoint(**values)


def test_slots_are_matched_in_local_time():
    p = point()
    assert (
        p.slot_at(datetime(2024, 6, 3, 2, 30, tzinfo=UTC), requested=None).name == "LUNCH"
    )  # 10:30
    assert p.slot_at(datetime(2024, 6, 3, 10, 59, tzinfo=UTC), requested="DINNER").name == "DINNER"
    for moment in (
        datetime(2024, 6, 3, 5, 30, tzinfo=UTC),
        datetime(2024, 6, 3, 13, 0, tzinfo=UTC),
    ):
        with refused("outside_service_hours"):
            p.slot_at(moment, requested=None)


def test_meal_points_need_a_licence_for_canteens_capacity_and_sane_slots():
    with refused("license_required"):
        point(type="CANTEEN")
    with refused("invalid_capacity"):
        point(capacity_per_slot=0)
    with refused("invalid_slots"):
        point(slots=(Slot("LUNCH", time(12), time(11)),))
    with refused("invalid_slots"):
        point(slots=(Slot("LUNCH", time(10), time(12)), Slot("LUNCH", time(16), time(18))))
    p = point()
    p.suspend()
    with refused("invalid_state"):
        p.suspend()
    p.close()
    with refused("invalid_state"):
        p.resume()


def test_meal_amounts_add_up_within_the_cap():
    check_amounts(price_minor=1200, subsidy_minor=500, paid_minor=700, cap_minor=1000)
    with refused("amounts_mismatch"):
        check_amounts(price_minor=1200, subsidy_minor=500, paid_minor=600, cap_minor=1000)
    with refused("subsidy_over_cap"):
        check_amounts(price_minor=2000, subsidy_minor=1001, paid_minor=999, cap_minor=1000)


def site(beds=2):
    return Institution.register(
        id=uuid.uuid4(),
        filing_no="BA-1",
        name="敬老院",
        kind="ELDERCARE_PUBLIC",
        county_code="430902",
        township_code="430902001",
        beds=beds,
        head_person_id=uuid.uuid4(),
        now=NOW,
    )


def test_institution_transitions_and_capacity():
    s = site()
    with refused("invalid_state"):
        s.change_status("reactivate", residents=0, now=NOW)
    with refused("has_residents"):
        s.change_status("close", residents=1, now=NOW)
    with refused("capacity_below_occupancy"):
        s.change_capacity(1, residents=2)
    with refused("no_free_bed"):
        s.ensure_can_admit(residents=2)
    s.change_status("suspend", residents=0, now=NOW)
    with refused("institution_not_active"):
        s.ensure_can_admit(residents=0)
    assert s.version == 2


def elder():
    return Elder.register(
        id=uuid.uuid4(),
        id_card=parse_id_card("11010519491231002X"),
        id_card_hmac=b"h",
        county_code="430902",
        township_code="430902001",
        care_pillars=("HOME",),
        now=NOW,
        today=date(2024, 6, 3),
    )


def test_elder_lifecycle_guards():
    e = elder()
    assert (e.age_band, e.sex) == ("70-79", "F")
    site_id = uuid.uuid4()
    e.admit(site_id)
    with refused("already_resident"):
        e.admit(uuid.uuid4())
    with refused("still_resident"):
        e.move_out(date(2024, 6, 3), today=date(2024, 6, 3))
    assert e.discharge() == site_id
    with refused("died_on_in_future"):
        e.record_death(date(2024, 6, 4), today=date(2024, 6, 3))
    e.record_death(date(2024, 6, 3), today=date(2024, 6, 3))
    with refused("elder_not_active"):
        e.assessed()
    e.erase(NOW)
    assert e.id_card_hmac is None
    with refused("already_erased"):
        e.erase(NOW)


def test_volunteer_service_needs_minutes_in_range_and_exactly_one_target():
    base: dict[str, Any] = {
        "id": uuid.uuid4(),
        "volunteer_id": uuid.uuid4(),
        "branch_id": uuid.uuid4(),
        "service_type": "VISIT",
        "started_at": NOW,
        "minutes": 120,
        "elder_id": uuid.uuid4(),
        "institution_id": None,
        "version": 1,
    }
    VolunteerService(**base)
    with refused("invalid_minutes"):
        VolunteerService(**{**base, "minutes": 721})
    with refused("target_required"):
        VolunteerService(**{**base, "institution_id": uuid.uuid4()})
    with refused("target_required"):
        VolunteerService(**{**base, "elder_id": None})

"""Home age-friendly modifications (DOMAIN §5.3, §11.6 #24-26)."""

import asyncio
import uuid
from datetime import UTC, datetime

from tests.integration.support import Unchanged, assert_problem, elder_body

PLAN = [
    {"item_code": "GRAB_BAR", "category": "BASIC", "cost_minor": 120_000},
    {"item_code": "ANTI_SLIP", "category": "BASIC", "cost_minor": 180_000},
    {"item_code": "SMART_ALARM", "category": "OPTIONAL", "cost_minor": 50_000},
]
TOPIC = "eldercare.home_modifications"


async def new_elder(svc, **overrides):
    r = await svc.client.post(
        "/elders", json=elder_body(**overrides), headers=svc.auth("caseworker")
    )
    assert r.status_code == 201, r.text
    return r.json()


async def post(svc, path, body):
    return await svc.client.post(path, json=body, headers=svc.auth("caseworker"))


async def apply(svc, elder=None, household=None):
    elder = elder or await new_elder(svc)
    r = await post(
        svc,
        "/home-modifications",
        {"household_id": household or str(uuid.uuid4()), "elder_id": elder["id"]},
    )
    assert r.status_code == 201, r.text
    return r.json()


async def through(svc, mod, *steps):
    contractor = str(uuid.uuid4())
    bodies = {
        "assess": {"plan": PLAN, "subsidy_minor": 280_000},
        "approve": {},
        "complete": {"contractor_org_id": contractor, "photo_ids": [str(uuid.uuid4())]},
        "accept": {"inspector_id": str(uuid.uuid4())},
    }
    for step in steps:
        r = await post(svc, f"/home-modifications/{mod['id']}/{step}", bodies[step])
        assert r.status_code == 200, r.text
        mod = r.json()
    return mod


async def test_the_whole_lifecycle_is_announced_in_order(svc):
    mod = await apply(svc)
    done = await through(svc, mod, "assess", "approve", "complete", "accept")
    assert done["status"] == "ACCEPTED"
    assert done["subsidy_minor"] == 280_000
    assert done["self_paid_minor"] == 70_000
    events = await svc.events(TOPIC, subject=mod["id"])
    assert [e["type"].split(".")[2] for e in events] == [
        "applied",
        "assessed",
        "approved",
        "completed",
        "accepted",
    ]
    assert [e["aggregateversion"] for e in events] == [1, 2, 3, 4, 5]
    assert events[0]["data"]["county_code"] == "430903"
    assert events[1]["data"] | {"assessed_at": None} == {
        "modification_id": mod["id"],
        "elder_id": mod["elder_id"],
        "basic_item_count": 2,
        "optional_item_count": 1,
        "subsidy_minor": 280_000,
        "self_paid_minor": 70_000,
        "assessed_at": None,
    }
    assert events[4]["data"]["subsidy_minor"] == 280_000
    assert events[4]["data"]["household_id"] == mod["household_id"]


async def test_applying_needs_an_active_elder_with_a_special_basis(svc):
    plain = await new_elder(svc, special_basis=[])
    dead = await new_elder(svc)
    await post(svc, f"/elders/{dead['id']}/record-death", {"died_on": "2024-06-03"})
    async with Unchanged(svc, topics=[TOPIC]):
        no_basis = await post(
            svc, "/home-modifications", {"household_id": str(uuid.uuid4()), "elder_id": plain["id"]}
        )
        deceased = await post(
            svc, "/home-modifications", {"household_id": str(uuid.uuid4()), "elder_id": dead["id"]}
        )
        unknown = await post(
            svc,
            "/home-modifications",
            {"household_id": str(uuid.uuid4()), "elder_id": str(uuid.uuid4())},
        )
    assert_problem(no_basis, 422, "not_eligible")
    assert_problem(deceased, 409, "elder_not_active")
    assert_problem(unknown, 422, "unknown_reference")


async def test_one_household_one_modification_per_period(svc, clock):
    household = str(uuid.uuid4())
    clock.set(datetime(2023, 3, 1, 2, 0, tzinfo=UTC))
    old = await through(
        svc, await apply(svc, household=household), "assess", "approve", "complete", "accept"
    )
    assert old["accepted_at"] == "2023-03-01T02:00:00Z"
    clock.set(datetime(2024, 6, 3, 4, 0, tzinfo=UTC))
    async with Unchanged(svc, topics=[TOPIC]):
        again = await post(
            svc, "/home-modifications", {"household_id": household, "elder_id": old["elder_id"]}
        )
    assert_problem(again, 409, "duplicate_household")
    open_household = str(uuid.uuid4())
    await apply(svc, household=open_household)
    other = await new_elder(svc)
    async with Unchanged(svc):
        second = await post(
            svc, "/home-modifications", {"household_id": open_household, "elder_id": other["id"]}
        )
    assert_problem(second, 409, "duplicate_household")


async def test_a_household_accepted_before_the_period_may_apply_again(svc, clock):
    household = str(uuid.uuid4())
    clock.set(datetime(2018, 6, 1, 2, 0, tzinfo=UTC))
    old = await through(
        svc, await apply(svc, household=household), "assess", "approve", "complete", "accept"
    )
    clock.set(datetime(2024, 6, 3, 4, 0, tzinfo=UTC))
    r = await post(
        svc, "/home-modifications", {"household_id": household, "elder_id": old["elder_id"]}
    )
    assert r.status_code == 201, r.text


async def test_two_simultaneous_applications_of_a_household_make_one(svc):
    household = str(uuid.uuid4())
    a, b = await new_elder(svc), await new_elder(svc)
    results = await asyncio.gather(
        post(svc, "/home-modifications", {"household_id": household, "elder_id": a["id"]}),
        post(svc, "/home-modifications", {"household_id": household, "elder_id": b["id"]}),
    )
    assert sorted(r.status_code for r in results) == [201, 409]
    count = await svc.pool.fetchval(
        "SELECT count(*) FROM home_modifications WHERE household_id = $1", uuid.UUID(household)
    )
    assert count == 1


async def test_assessment_enforces_the_subsidy_rules(svc):
    mod = await apply(svc)
    path = f"/home-modifications/{mod['id']}/assess"
    basic_only = [{"item_code": "GRAB_BAR", "category": "BASIC", "cost_minor": 100_000}]
    cases = [
        ({"plan": PLAN, "subsidy_minor": 350_000}, "subsidy_over_cap"),
        ({"plan": basic_only, "subsidy_minor": 150_000}, "subsidy_exceeds_basic_items"),
        ({"plan": PLAN[2:], "subsidy_minor": 0}, "basic_item_required"),
        ({"plan": PLAN, "subsidy_minor": 280_000, "self_paid_minor": 1}, "self_paid_mismatch"),
        ({"plan": PLAN}, "plan_required"),
        ({"plan": PLAN, "subsidy_minor": 1, "reject_reason": "INELIGIBLE"}, "plan_with_rejection"),
        (
            {"plan": PLAN, "subsidy_minor": 280_000, "assessed_at": "2024-06-04T00:00:00Z"},
            "in_future",
        ),
    ]
    async with Unchanged(svc, topics=[TOPIC]):
        for body, code in cases:
            assert_problem(await post(svc, path, body), 422, code)
        money = await post(svc, path, {"plan": PLAN, "subsidy_minor": "280000"})
    assert_problem(money, 422, "invalid_input")


async def test_rejection_with_a_reason_and_automatic_ineligibility(svc):
    mod = await apply(svc)
    r = await post(
        svc, f"/home-modifications/{mod['id']}/assess", {"reject_reason": "INCOME_ABOVE_LINE"}
    )
    assert r.json()["status"] == "REJECTED"
    [_, rejected] = await svc.events(TOPIC, subject=mod["id"])
    assert rejected["data"]["reason_code"] == "INCOME_ABOVE_LINE"
    elder = await new_elder(svc)
    mod = await apply(svc, elder=elder)
    await post(svc, f"/elders/{elder['id']}/record-death", {"died_on": "2024-06-03"})
    r = await post(
        svc, f"/home-modifications/{mod['id']}/assess", {"plan": PLAN, "subsidy_minor": 280_000}
    )
    assert r.json()["status"] == "REJECTED"
    assert r.json()["reject_reason"] == "INELIGIBLE"


async def test_transitions_keep_their_order_and_acceptance_is_independent(svc):
    mod = await apply(svc)
    approved = await through(svc, mod, "assess", "approve")
    contractor = str(uuid.uuid4())
    async with Unchanged(svc, topics=[TOPIC]):
        early_accept = await post(
            svc, f"/home-modifications/{mod['id']}/accept", {"inspector_id": str(uuid.uuid4())}
        )
        no_photo = await post(
            svc,
            f"/home-modifications/{mod['id']}/complete",
            {"contractor_org_id": contractor, "photo_ids": []},
        )
        reassess = await post(
            svc, f"/home-modifications/{mod['id']}/assess", {"plan": PLAN, "subsidy_minor": 1}
        )
    assert_problem(early_accept, 409, "invalid_state")
    assert_problem(no_photo, 422, "photos_required")
    assert_problem(reassess, 409, "invalid_state")
    completed = await post(
        svc,
        f"/home-modifications/{approved['id']}/complete",
        {"contractor_org_id": contractor, "photo_ids": [str(uuid.uuid4())]},
    )
    assert completed.status_code == 200, completed.text
    path = f"/home-modifications/{mod['id']}/accept"
    async with Unchanged(svc, topics=[TOPIC]):
        self_check = await post(svc, path, {"inspector_id": contractor})
        own_staff = await post(
            svc, path, {"inspector_id": str(uuid.uuid4()), "inspector_org_id": contractor}
        )
        before = await post(
            svc, path, {"inspector_id": str(uuid.uuid4()), "accepted_at": "2024-06-03T03:00:00Z"}
        )
        future = await post(
            svc, path, {"inspector_id": str(uuid.uuid4()), "accepted_at": "2024-06-03T05:00:00Z"}
        )
        role = await svc.client.post(
            path, json={"inspector_id": str(uuid.uuid4())}, headers=svc.auth("auditor")
        )
    assert_problem(self_check, 422, "segregation_of_duties")
    assert_problem(own_staff, 422, "segregation_of_duties")
    assert_problem(before, 422, "accepted_before_completion")
    assert_problem(future, 422, "in_future")
    assert_problem(role, 403, "forbidden_role")
    ok = await post(svc, path, {"inspector_id": str(uuid.uuid4())})
    assert ok.json()["status"] == "ACCEPTED"

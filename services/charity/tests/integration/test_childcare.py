"""Child-care sessions: the holiday calendar, one child per home-teaching visit, person-times."""

from __future__ import annotations

import json
import uuid
from typing import Any

from shared.testing import Harness
from tests.integration.helpers import Api, problem


async def enrolled_children(api: Api, project: dict[str, Any], n: int, **extra: Any) -> list[str]:
    ids = []
    for _ in range(n):
        child = await api.beneficiary("CHILD", **extra)
        await api.enrol(child["id"], project["id"])
        ids.append(child["id"])
    return ids


def session(
    project: dict[str, Any], children: list[str], held_on: str, provider: str | None = None
) -> dict[str, Any]:
    return {
        "project_id": project["id"],
        "provider_person_id": provider or str(uuid.uuid4()),
        "held_on": held_on,
        "child_beneficiary_ids": children,
        "minutes": 120,
    }


async def test_weekend_mothers_meet_on_rest_days_and_count_person_times(
    api: Api, svc: Harness
) -> None:
    project = await api.project("WEEKEND_MOTHERS", "RESCUE_ORPHANS")
    children = await enrolled_children(api, project, 3)
    saturday = await api.ok(
        "/child-care-sessions", session(project, children, "2024-06-01"), "caseworker"
    )
    assert saturday["child_count"] == 3
    holiday = await api.ok(
        "/child-care-sessions", session(project, children[:2], "2024-10-02"), "caseworker"
    )
    [event] = await api.events("charity.child_care_sessions", saturday["id"])
    assert event["data"] == {
        "session_id": saturday["id"],
        "project_id": project["id"],
        "held_on": "2024-06-01",
        "child_count": 3,
        "minutes": 120,
    }
    text = json.dumps(await api.events("charity.child_care_sessions", holiday["id"]))
    assert not any(child in text for child in children)
    counts = (
        await api.get(f"/child-care-sessions/person-times?year=2024&project_id={project['id']}")
    ).json()
    assert (counts["sessions"], counts["person_times"]) == (2, 5)
    read = (await api.get(f"/child-care-sessions/{saturday['id']}", "auditor")).json()
    assert "child_beneficiary_ids" not in read or read["child_beneficiary_ids"] is None


async def test_weekend_mothers_never_on_a_working_day(api: Api) -> None:
    project = await api.project("WEEKEND_MOTHERS", "RESCUE_ORPHANS")
    children = await enrolled_children(api, project, 1)
    outsider = await api.beneficiary("CHILD")
    wrong = await api.project("RELIEF_GOODS")
    async with api.emits_nothing():
        for day in (
            "2024-04-28",
            "2024-05-11",
            "2024-06-05",
        ):  # 调休 Sunday, 调休 Saturday, Wednesday
            response = await api.post(
                "/child-care-sessions", session(project, children, day), "caseworker"
            )
            problem(response, 422, "not_a_weekend")
        stranger = session(project, [*children, outsider["id"]], "2024-06-01")
        problem(await api.post("/child-care-sessions", stranger, "caseworker"), 422, "not_enrolled")
        twice = session(project, children * 2, "2024-06-01")
        problem(
            await api.post("/child-care-sessions", twice, "caseworker"), 422, "duplicate_children"
        )
        nobody = session(project, [], "2024-06-01")
        problem(await api.post("/child-care-sessions", nobody, "caseworker"), 422, "no_children")
        future = session(project, children, "2024-12-07")
        problem(await api.post("/child-care-sessions", future, "caseworker"), 422, "in_future")
        problem(
            await api.post(
                "/child-care-sessions", session(wrong, children, "2024-06-01"), "caseworker"
            ),
            422,
            "not_a_child_care_project",
        )


async def test_home_teaching_is_one_child_by_a_teacher(api: Api) -> None:
    project = await api.project("HOME_TEACHING", "SUPPORT_DISABLED")
    children = await enrolled_children(api, project, 2, disability_category="智力残疾")
    teacher = str(uuid.uuid4())
    mother = str(uuid.uuid4())
    await api.svc.client.put(
        f"/child-care-providers/{teacher}",
        json={"role": "TEACHER"},
        headers=api.svc.auth("caseworker"),
    )
    registered = await api.svc.client.put(
        f"/child-care-providers/{mother}",
        json={"role": "VOLUNTEER_MOTHER"},
        headers=api.svc.auth("caseworker"),
    )
    assert registered.json() == {"person_id": mother, "role": "VOLUNTEER_MOTHER"}
    async with api.emits_nothing():
        two = session(project, children, "2024-11-27", teacher)
        problem(
            await api.post("/child-care-sessions", two, "caseworker"), 422, "one_child_per_session"
        )
        not_teacher = session(project, children[:1], "2024-11-27", mother)
        problem(
            await api.post("/child-care-sessions", not_teacher, "caseworker"),
            422,
            "provider_not_teacher",
        )
        unknown = session(project, children[:1], "2024-11-27")
        problem(
            await api.post("/child-care-sessions", unknown, "caseworker"),
            422,
            "provider_not_teacher",
        )
    visit = await api.ok(
        "/child-care-sessions", session(project, children[:1], "2024-11-27", teacher), "caseworker"
    )
    assert visit["child_beneficiary_ids"] == children[:1]

"""Inputs that would break the database or the logs are 422, never 500 (DECISIONS §6)."""

import pytest

from tests.integration.support import Unchanged, assert_problem, elder_body, institution_body


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": "敬老院\x00"},
        {"filing_no": "BA\n1"},
        {"beds": 10**12},
        {"beds": "20"},
        {"beds": 20.5},
        {"kind": "HOTEL"},
        {"county_code": "430902; DROP TABLE institutions"},
        {"head_person_id": "not-a-uuid"},
    ],
)
async def test_hostile_institution_bodies_are_422(svc, overrides):
    async with Unchanged(svc):
        r = await svc.client.post(
            "/institutions", json=institution_body(**overrides), headers=svc.auth("admin")
        )
    assert_problem(r, 422, "invalid_input")


async def test_hostile_query_parameters_and_personal_text_are_422(svc):
    for params in ({"offset": 10**19}, {"limit": 0}, {"county_code": "43\x0009"}):
        r = await svc.client.get("/institutions", params=params, headers=svc.auth("auditor"))
        assert_problem(r, 422, "invalid_input")
    r = await svc.client.post(
        "/elders", json=elder_body(name="张\x00三"), headers=svc.auth("caseworker")
    )
    assert_problem(r, 422, "invalid_input")
    r = await svc.client.post(
        "/meal-points/not-a-uuid/meals", json={}, headers=svc.auth("caseworker")
    )
    assert_problem(r, 422, "invalid_input")


async def test_malformed_json_is_422(svc):
    r = await svc.client.post(
        "/institutions",
        content=b'{"name": ',
        headers={**svc.auth("admin"), "content-type": "application/json"},
    )
    assert_problem(r, 422, "invalid_input")

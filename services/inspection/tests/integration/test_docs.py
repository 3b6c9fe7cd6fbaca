"""The service documents itself: OpenAPI with every route's errors, AsyncAPI with every event."""

from __future__ import annotations

from shared.events.inspection import EVENTS
from shared.testing import Harness

OPERATIONS = {"/health", "/ready", "/metrics", "/asyncapi", "/asyncapi.yaml"}


async def test_openapi_documents_every_command_and_read_with_its_problems(svc: Harness):
    spec = (await svc.client.get("/openapi.json")).json()
    documented = 0
    for path, methods in spec["paths"].items():
        if path in OPERATIONS or path == "/_admin/clock":
            continue
        for method, operation in methods.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, (method, path)
            assert "application/problem+json" in operation["responses"]["403"]["content"]
            assert operation.get("summary"), (method, path)
            assert operation.get("description"), (method, path)
            if "{" in path and method != "put":  # PUT /leaders/{id} creates or replaces
                assert "404" in codes, (method, path)
            if method in ("post", "put"):
                assert "422" in codes, (method, path)
            documented += 1
    assert documented >= 45
    paths = spec["paths"]
    for path in (
        "/campaigns/{campaign_id}/close",
        "/leaders/{person_id}",
        "/inspections/{inspection_id}/hazards",
        "/hazards/{hazard_id}/verify",
        "/drills/{drill_id}/record",
        "/safety-talks",
        "/work-notices/{notice_id}/acks",
        "/safety-meetings",
        "/surveys/{survey_id}/complete",
        "/problems/{problem_id}/confirm",
        "/_admin/sweeps/{name}",
    ):
        assert path in paths, path
    assert "409" in paths["/hazards/{hazard_id}/assign"]["post"]["responses"]


async def test_asyncapi_lists_every_published_event(svc: Harness):
    spec = (await svc.client.get("/asyncapi")).json()
    channels = spec["channels"]
    for event in EVENTS:
        assert f"{event.TOPIC}:{event.TYPE}" in channels, event.TYPE
    assert len(EVENTS) == 30

"""The API documents: every §5 command in OpenAPI, every §8.3 event in AsyncAPI."""

from shared.events import eldercare

COMMANDS = [
    ("post", "/institutions"),
    ("post", "/institutions/{institution_id}/{verb}"),
    ("patch", "/institutions/{institution_id}/capacity"),
    ("post", "/elders"),
    ("patch", "/elders/{elder_id}/contact"),
    ("post", "/elders/{elder_id}/assessments"),
    ("post", "/elders/{elder_id}/admit"),
    ("post", "/elders/{elder_id}/discharge"),
    ("post", "/elders/{elder_id}/record-death"),
    ("post", "/elders/{elder_id}/move-out"),
    ("post", "/elders/{elder_id}/erase"),
    ("get", "/elders/{elder_id}/personal-data"),
    ("post", "/home-modifications"),
    ("post", "/home-modifications/{modification_id}/assess"),
    ("post", "/home-modifications/{modification_id}/approve"),
    ("post", "/home-modifications/{modification_id}/complete"),
    ("post", "/home-modifications/{modification_id}/accept"),
    ("post", "/meal-points"),
    ("post", "/meal-points/{meal_point_id}/{verb}"),
    ("post", "/meal-points/{meal_point_id}/meals"),
    ("post", "/wristbands"),
    ("post", "/wristbands/{wristband_id}/deactivate"),
    ("post", "/missing-cases"),
    ("post", "/missing-cases/{case_id}/found"),
    ("post", "/volunteer-corps"),
    ("post", "/volunteer-corps/{corps_id}/branches"),
    ("post", "/volunteer-corps/{corps_id}/branches/{branch_id}/dissolve"),
    ("post", "/volunteers"),
    ("post", "/volunteers/{volunteer_id}/leave"),
    ("post", "/volunteer-services"),
]


async def test_openapi_documents_every_command_with_its_errors_and_roles(svc):
    spec = (await svc.client.get("/openapi.json")).json()
    for method, path in COMMANDS:
        operation = spec["paths"][path][method]
        assert operation["summary"], path
        assert operation["description"], path
        assert {"401", "403", "422"} <= set(operation["responses"]), path
    post_elders = spec["paths"]["/elders"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in post_elders["parameters"])
    assert "ProblemDoc" in spec["components"]["schemas"]


async def test_asyncapi_documents_every_published_event(svc):
    doc = (await svc.client.get("/asyncapi")).json()
    assert doc["asyncapi"] == "3.0.0"
    channels = doc["channels"]
    for event in eldercare.EVENTS:
        channel = channels[f"{event.TOPIC}:{event.TYPE}"]
        assert channel["address"] == event.TOPIC
        assert f"{event.__name__}Event" in doc["components"]["schemas"]
    assert len([c for c in channels if c.startswith("eldercare.")]) == len(eldercare.EVENTS)

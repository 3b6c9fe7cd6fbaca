"""A service answers what its OpenAPI document says (Schemathesis holds it to that).

Regressions of what the hostile-input fuzzing found: refusals are documented as the
application/problem+json they are sent as (never FastAPI's HTTPValidationError), including 400
for an unparsable body and 422 on every route; /metrics and /asyncapi.yaml name their media
types; the demo clock takes the ISO 8601 string it documents, not a number.
"""

from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, SecretStr

from shared.http.problems import PROBLEM_JSON
from shared.service import ServiceDefinition, create_app
from shared.settings import ServiceSettings

router = APIRouter()
PROBLEM = {"$ref": "#/components/schemas/ProblemDoc"}


class Body(BaseModel):
    code: str


@router.post("/things/{thing_id}")
async def make(thing_id: int, body: Body) -> dict[str, str]:
    return {"code": body.code}


class Settings(ServiceSettings):
    service_name: str = "docs"


@pytest.fixture(scope="module")
def app() -> FastAPI:
    settings = Settings(
        database_url=SecretStr("postgresql://nobody@127.0.0.1:1/none"),
        kafka_bootstrap_servers="127.0.0.1:1",
        demo_mode=True,
        auth_tokens_json=SecretStr('{"admin": "tok-admin"}'),
    )
    definition = ServiceDefinition(name="docs", title="文档", description="d", routers=[router])
    # Building the app connects to nothing; the routes used below need no database.
    return create_app(definition, settings)


@pytest.fixture(scope="module")
def openapi(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def test_every_operation_documents_its_refusals_as_problem_json(openapi):
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            for status in ("400", "401", "403", "413", "422", "503"):
                if (path, status) == ("/ready", "503"):
                    continue  # not ready is the readiness document itself, not a problem
                content = responses[status]["content"]
                assert content[PROBLEM_JSON]["schema"] == PROBLEM, (method, path, status)
    assert "HTTPValidationError" not in str(openapi)


def test_operational_routes_name_their_media_types(openapi):
    metrics = openapi["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
    assert set(metrics) == {"text/plain"}
    yaml = openapi["paths"]["/asyncapi.yaml"]["get"]["responses"]["200"]["content"]
    assert "application/yaml" in yaml


async def test_the_demo_clock_takes_an_iso_instant_and_refuses_a_number(app):
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": "Bearer tok-admin"}
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        for now in (-781, 1_700_000_000, None, "yesterday", "2024-06-03T12:00:00"):
            refused = await client.post("/_admin/clock", json={"now": now}, headers=headers)
            assert refused.status_code == 422, now
            assert refused.headers["content-type"] == PROBLEM_JSON
        moved = await client.post(
            "/_admin/clock", json={"now": "2024-06-03T12:00:00+08:00"}, headers=headers
        )
        assert moved.status_code == 200, moved.text
        assert moved.json() == {"now": "2024-06-03T04:00:00Z", "simulated": True}

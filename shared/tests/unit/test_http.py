"""HTTP conventions: problem+json, bearer roles, body limit, validation without echo."""

from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI
from pydantic import BaseModel, Field

from shared.http import problems
from shared.http.auth import Principal, TokenStore, principal_for, require
from shared.http.middleware import BodyLimitMiddleware


class Body(BaseModel):
    id_card: str = Field(pattern=r"^\d{17}[\dX]$")


def make_app() -> FastAPI:
    app = FastAPI()
    app.state.tokens = TokenStore({"approver": "tok-a", "approver_2": "tok-b", "auditor": "tok-c"})
    problems.install(app)

    approver = Annotated[Principal, Depends(require("approver"))]

    @app.post("/things")
    async def create(body: Body, who: approver) -> dict[str, str]:
        return {"by": who.key, "person": str(who.person_id)}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret detail that must not leak")

    @app.get("/down")
    async def down() -> None:
        raise ConnectionRefusedError("db down")

    app.add_middleware(BodyLimitMiddleware, max_bytes=1024)
    return app


@pytest.fixture
async def client():
    transport = httpx.ASGITransport(app=make_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        yield c


async def test_no_token_is_401_problem_json(client):
    r = await client.post("/things", json={"id_card": "43010219900101123X"})
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "unauthenticated"
    assert r.headers["www-authenticate"] == "Bearer"


async def test_unknown_token_is_401(client):
    r = await client.post("/things", json={}, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401


async def test_wrong_role_is_403(client):
    r = await client.post(
        "/things", json={"id_card": "43010219900101123X"}, headers={"Authorization": "Bearer tok-c"}
    )
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden_role"


async def test_second_person_of_a_role_is_a_different_person(client):
    one = await client.post(
        "/things", json={"id_card": "43010219900101123X"}, headers={"Authorization": "Bearer tok-a"}
    )
    two = await client.post(
        "/things", json={"id_card": "43010219900101123X"}, headers={"Authorization": "Bearer tok-b"}
    )
    assert one.status_code == two.status_code == 200
    assert one.json()["person"] != two.json()["person"]
    assert principal_for("approver_2").role == "approver"


async def test_invalid_input_is_422_and_never_echoes_the_value(client):
    r = await client.post(
        "/things",
        json={"id_card": "4301021990010112345678"},
        headers={"Authorization": "Bearer tok-a"},
    )
    assert r.status_code == 422
    assert r.json()["code"] == "invalid_input"
    assert "4301021990010112345678" not in r.text


async def test_unhandled_error_is_500_without_details(client):
    r = await client.get("/boom")
    assert r.status_code == 500
    assert "secret detail" not in r.text
    assert r.json()["code"] == "internal_error"


async def test_database_unreachable_is_503(client):
    r = await client.get("/down")
    assert r.status_code == 503
    assert r.json()["code"] == "database_unavailable"


async def test_oversized_body_is_413(client):
    r = await client.post(
        "/things",
        content=b"x" * 5000,
        headers={"Authorization": "Bearer tok-a", "content-type": "application/json"},
    )
    assert r.status_code == 413
    assert r.json()["code"] == "payload_too_large"


async def test_oversized_streamed_body_is_413(client):
    async def chunks():
        for _ in range(10):
            yield b"y" * 500

    r = await client.post("/things", content=chunks(), headers={"Authorization": "Bearer tok-a"})
    assert r.status_code == 413


async def test_unknown_route_is_404_problem(client):
    r = await client.get("/nope")
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"

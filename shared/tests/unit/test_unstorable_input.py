"""Input only the database can refuse (out of range, NUL) is 422, never a 500 (DECISIONS §6).

Found by the hostile-input suite: an instant with no UTC equivalent (0001-01-01 at +01:00) was a
500 wherever it reached asyncpg (charity's credits, notify's list filters).
"""

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from shared.http import problems


def make_app() -> FastAPI:
    app = FastAPI()
    problems.install(app)
    errors = {
        "encoding": asyncpg.exceptions.DataError("invalid input for query argument $1"),
        "numeric": asyncpg.exceptions.NumericValueOutOfRangeError("integer out of range"),
        "nul": asyncpg.exceptions.CharacterNotInRepertoireError("invalid byte sequence 0x00"),
        "overflow": asyncpg.exceptions.DatetimeFieldOverflowError("date/time field overflow"),
        "bug": asyncpg.exceptions.DivisionByZeroError("division by zero"),
    }

    @app.get("/raise/{name}")
    async def raise_(name: str) -> None:
        raise errors[name]

    return app


@pytest.fixture
async def client():
    transport = httpx.ASGITransport(app=make_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        yield c


@pytest.mark.parametrize("name", ["encoding", "numeric", "nul", "overflow"])
async def test_a_value_the_database_cannot_hold_is_422_invalid_input(client, name):
    response = await client.get(f"/raise/{name}")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_input"
    assert "0x00" not in response.text  # the database's message is not echoed
    assert "argument" not in response.text


async def test_other_data_exceptions_stay_server_errors(client):
    response = await client.get("/raise/bug")
    assert (response.status_code, response.json()["code"]) == (500, "internal_error")

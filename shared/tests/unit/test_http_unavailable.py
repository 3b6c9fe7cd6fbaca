"""A database outage is a handled 503: no exception reaches the server, metrics say 503."""

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from shared import db
from shared.http import problems
from shared.http.middleware import MetricsMiddleware
from shared.metrics import Metrics

ERRORS = {
    "refused": ConnectionRefusedError("connect call failed"),
    "starting": asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
    "shutdown": asyncpg.exceptions.AdminShutdownError("terminating connection"),
    "gone": asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"),
    # What a pooled connection broken by the server's crash raised (seen by the fault suite).
    "broken": asyncpg.exceptions.InternalClientError(
        "cannot switch to state 15; another operation (2) is in progress"
    ),
}


def make_app(metrics: Metrics) -> FastAPI:
    app = FastAPI()
    problems.install(app)

    @app.post("/commands/{kind}")
    async def command(kind: str) -> None:
        raise ERRORS[kind]

    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app


@pytest.mark.parametrize("kind", sorted(ERRORS))
async def test_an_unreachable_database_is_a_503_the_server_never_sees_as_an_exception(kind):
    metrics = Metrics()
    # raise_app_exceptions=True: an exception escaping the app is what made uvicorn log a
    # traceback and close the client's keep-alive connection after the 503 was sent.
    transport = httpx.ASGITransport(app=make_app(metrics), raise_app_exceptions=True)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.post(f"/commands/{kind}")
    assert answer.status_code == 503
    assert answer.headers["content-type"] == problems.PROBLEM_JSON
    assert answer.json()["code"] == "database_unavailable"
    rendered = metrics.render().decode()
    assert 'route="/commands/{kind}",status="503"' in rendered.replace('method="POST",', "")
    assert 'status="500"' not in rendered


def test_a_connection_broken_by_a_crash_counts_as_unavailable_so_consumers_wait_not_dead_letter():
    assert db.is_unavailable(ERRORS["broken"])

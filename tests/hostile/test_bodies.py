"""Request bodies over MAX_REQUEST_BYTES are 413 problem+json on every service, over real HTTP.

Both when the size is announced (Content-Length) and when the body streams in chunks with no
length at all (Transfer-Encoding: chunked); a body just under the limit is read (and refused or
accepted on its merits, never 413).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.hostile.conftest import Stack
from tests.hostile.stack import SERVICES, served

# A creating command of each service and a role that may call it.
COMMANDS = {
    "inspection": ("/campaigns", "safety_lead"),
    "eldercare": ("/institutions", "admin"),
    "charity": ("/projects", "finance_officer"),
    "notify": ("/notifications", "notify_operator"),
    "views": ("/_admin/rebuilds", "admin"),
}
CHUNK = 64 * 1024


def json_of(size: int) -> bytes:
    """A JSON object of exactly ``size`` bytes (one long text field)."""
    head, tail = b'{"name": "', b'"}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


async def chunks(body: bytes) -> AsyncIterator[bytes]:
    """The body as a stream of unknown length."""
    for start in range(0, len(body), CHUNK):
        yield body[start : start + CHUNK]


def assert_too_large(response: httpx.Response, limit: int) -> None:
    assert response.status_code == 413, response.text[:500]
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (problem["status"], problem["code"]) == (413, "payload_too_large")
    assert str(limit) in problem["detail"]


@pytest.mark.parametrize("service", SERVICES)
async def test_oversized_bodies_are_413_announced_or_chunked(stack: Stack, service: str):
    svc = await stack.get(service)
    path, role = COMMANDS[service]
    limit = svc.settings.max_request_bytes
    headers = {**svc.auth(role), "content-type": "application/json"}
    sent: list[httpx.Headers] = []

    async def record(request: httpx.Request) -> None:
        sent.append(request.headers)

    hooks = {"request": [record]}
    async with (
        served(svc.app) as base_url,
        httpx.AsyncClient(base_url=base_url, event_hooks=hooks) as client,
    ):
        announced = await client.post(path, content=json_of(limit + 1), headers=headers)
        assert_too_large(announced, limit)
        assert sent[-1]["content-length"] == str(limit + 1)

        streamed = await client.post(path, content=chunks(json_of(limit + CHUNK)), headers=headers)
        assert_too_large(streamed, limit)
        assert "content-length" not in sent[-1]
        assert sent[-1]["transfer-encoding"] == "chunked"

        under = await client.post(path, content=json_of(limit - 1024), headers=headers)
        assert under.status_code != 413, "a body under the limit is read"
        assert under.status_code < 500, under.text[:500]
        # Without a token the size is refused first: nothing of it is read or parsed.
        anonymous = await client.post(
            path, content=json_of(limit + 1), headers={"content-type": "application/json"}
        )
        assert_too_large(anonymous, limit)
        health = await client.get("/health")
        assert health.status_code == 200, "the service serves on after refusing"

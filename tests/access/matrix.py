"""The authorization matrix engine: every route of a running service against its declared table.

Each service module declares ``TABLE``: ``"METHOD /path"`` → the roles allowed (taken from the
service's own role table) or :data:`PUBLIC`. The routes come from the running app itself
(``app.routes``), so a route added without a row fails ``test_every_route_has_a_row``.
For every protected route the checks are: no token and an unknown token → 401 ``unauthenticated``;
every role outside the row → 403 ``forbidden_role``; every role in the row passes (never 401/403
``forbidden_role``, never 5xx), and a read of something that exists answers 2xx.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from shared.http.auth import principal_for
from shared.testing import DEFAULT_TOKENS, Harness

Roles = tuple[str, ...] | None
PUBLIC: Roles = None
# Every role a token can carry (the dev stack hands out the same ones, see devstack TOKEN_ROLES).
ROLES: tuple[str, ...] = tuple(sorted({principal_for(key).role for key in DEFAULT_TOKENS}))
# Routes every service gets from shared.service (and shared.http.clock_routes in demo mode).
PLATFORM: dict[str, Roles] = {
    "GET /health": PUBLIC,
    "GET /ready": PUBLIC,
    "GET /metrics": PUBLIC,
    "GET /asyncapi": PUBLIC,
    "GET /asyncapi.yaml": PUBLIC,
    "GET /openapi.json": PUBLIC,
    "GET /docs": PUBLIC,
    "GET /docs/oauth2-redirect": PUBLIC,
    "GET /redoc": PUBLIC,
    "GET /_admin/pipeline": ("admin",),
    "GET /_admin/clock": ("admin",),
    "POST /_admin/clock": ("admin",),
}
UNKNOWN_TOKEN = "Bearer tok-nobody-knows-this-one"
COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def routes_of(app: FastAPI) -> list[str]:
    """Every ``"METHOD /path"`` the app serves (HEAD aside: it mirrors GET)."""
    found = []
    for ctx in iter_route_contexts(app.routes):
        for method in sorted((ctx.methods or set()) - {"HEAD"}):
            found.append(f"{method} {ctx.path}")
    return sorted(found)


def is_problem(response: httpx.Response, status: int, code: str) -> str | None:
    """Why a response is not that problem+json refusal (None when it is)."""
    if response.status_code != status:
        return f"{response.status_code} instead of {status}: {response.text[:200]}"
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return f"content-type {response.headers.get('content-type')}"
    got = response.json().get("code")
    return None if got == code else f"code {got!r} instead of {code!r}"


@dataclass
class Probe:
    """How to call each route of one running service: path values, queries, bodies."""

    svc: Harness
    table: Mapping[str, Roles]
    # Path parameters of things that exist (the world): reads of them must answer 2xx.
    world: Mapping[str, str] = field(default_factory=dict)
    # Path parameters that are not ids (``{verb}``, ``{name}``): harmless values.
    fixed: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    body: Mapping[str, Any] = field(default_factory=dict)

    def protected(self) -> list[tuple[str, tuple[str, ...]]]:
        """The rows that need a token, in order."""
        return [(route, roles) for route, roles in sorted(self.table.items()) if roles is not None]

    def url(self, route: str, *, world: bool) -> tuple[str, str, bool]:
        """Method, path with its parameters filled, and whether they all name existing things."""
        method, template = route.split(" ", 1)
        names = [part[1:-1] for part in template.split("/") if part.startswith("{")]
        values, real = {}, True
        for name in names:
            if name in self.fixed:
                values[name] = self.fixed[name]
            elif world and name in self.world:
                values[name] = self.world[name]
            else:
                values[name] = str(uuid.uuid4())
                real = False
        return method, template.format(**values), real

    async def call(
        self, route: str, headers: Mapping[str, str], *, world: bool = False
    ) -> tuple[httpx.Response, bool]:
        """Send the route's request; also says whether its path named existing things.

        Only reads get the world's ids: a command gets fresh ones (404 at worst, after the
        role check), so that probing it never changes what the other probes read.
        """
        method, path, real = self.url(route, world=world and route.startswith("GET "))
        kwargs: dict[str, Any] = {"params": self.query.get(route, {}), "headers": dict(headers)}
        if method in COMMAND_METHODS - {"DELETE"}:
            kwargs["json"] = self.body.get(route, {})
        response = await self.svc.client.request(method, path, **kwargs)
        return response, real


class MatrixTests:
    """The matrix checks; a service's module subclasses this and provides a ``probe`` fixture."""

    async def test_every_route_has_a_row(self, probe: Probe) -> None:
        served = set(routes_of(probe.svc.app))
        declared = set(probe.table)
        assert not served - declared, f"routes without a matrix row: {sorted(served - declared)}"
        assert not declared - served, f"rows for routes that do not exist: {declared - served}"
        unknown = {r for roles in probe.table.values() for r in roles or ()} - set(ROLES)
        assert not unknown, f"roles no token carries: {unknown}"

    async def test_public_routes_answer_without_a_token(self, probe: Probe) -> None:
        failures = []
        for route, roles in sorted(probe.table.items()):
            if roles is None:
                response, _ = await probe.call(route, {}, world=True)
                if not response.is_success:
                    failures.append(f"{route}: {response.status_code}")
        assert not failures, "\n".join(failures)

    async def test_no_token_or_an_unknown_one_is_401(self, probe: Probe) -> None:
        failures = []
        for route, _ in probe.protected():
            for headers in ({}, {"Authorization": UNKNOWN_TOKEN}, {"Authorization": "Basic eDp5"}):
                response, _ = await probe.call(route, headers)
                why = is_problem(response, 401, "unauthenticated")
                if why is None and response.headers.get("www-authenticate") != "Bearer":
                    why = "no WWW-Authenticate: Bearer"
                if why:
                    failures.append(f"{route} {headers or 'no token'}: {why}")
        assert not failures, "\n".join(failures)

    async def test_every_role_outside_a_row_is_403(self, probe: Probe) -> None:
        failures = []
        for route, roles in probe.protected():
            for role in sorted(set(ROLES) - set(roles)):
                response, _ = await probe.call(route, probe.svc.auth(role))
                why = is_problem(response, 403, "forbidden_role")
                if why:
                    failures.append(f"{route} as {role}: {why}")
        assert not failures, "\n".join(failures)

    async def test_every_role_in_a_row_passes_and_reads_answer(self, probe: Probe) -> None:
        failures = []
        for route, roles in probe.protected():
            for role in roles:
                response, real = await probe.call(route, probe.svc.auth(role), world=True)
                status = response.status_code
                refused = status == 401 or (
                    status == 403 and response.json().get("code") == "forbidden_role"
                )
                read = route.startswith("GET ") and real
                if refused or status >= 500 or (read and not response.is_success):
                    failures.append(f"{route} as {role}: {status} {response.text[:200]}")
        assert not failures, "\n".join(failures)

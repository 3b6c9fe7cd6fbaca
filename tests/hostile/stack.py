"""The five services as the hostile-input tests start them: in-process, on the real backends.

Each service runs with :func:`shared.testing.start_service` (fresh schema and topic prefix), as
its own integration tests start it; :func:`served` also puts it on a loopback port, for clients
that speak real HTTP (Schemathesis, chunked uploads).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import importlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import uvicorn
from fastapi import FastAPI

from devstack.ports import free_port
from shared.clock import SimulatedClock
from shared.testing import Harness, start_service

# Test-only secrets: never used anywhere else.
VAULT_KEY = base64.b64encode(bytes(range(32))).decode()
PEPPER = "hostile-tests-pepper-not-a-secret"
# 2024-06-03 (a Monday) 12:00 in Yiyang: working hours, inside meal slots, not quiet hours.
NOW = datetime(2024, 6, 3, 4, 0, tzinfo=UTC)


@dataclass(frozen=True)
class ServiceSpec:
    """How to start one service, and its token keys, most privileged for commands first."""

    name: str
    roles: tuple[str, ...]
    settings: dict[str, Any] = field(default_factory=dict)


SPECS: dict[str, ServiceSpec] = {
    spec.name: spec
    for spec in (
        ServiceSpec(
            "inspection",
            ("main_leader", "safety_lead", "inspector", "institution_staff", "admin", "auditor"),
            {"sweeper_enabled": False},
        ),
        ServiceSpec(
            "eldercare",
            ("caseworker", "admin", "institution_staff", "volunteer_coordinator", "auditor"),
            {"vault_key": VAULT_KEY, "pii_pepper": PEPPER},
        ),
        ServiceSpec(
            "charity",
            ("finance_officer", "caseworker", "approver", "finance_bureau", "admin", "auditor"),
            {"vault_key": VAULT_KEY, "pii_pepper": PEPPER},
        ),
        ServiceSpec(
            "notify",
            ("notify_operator", "admin", "auditor", "safety_lead", "main_leader"),
            # Sends happen when a test runs the dispatch sweep, to the run's own dev sinks.
            {"workers_enabled": False, "sandbox_mode": True},
        ),
        ServiceSpec(
            "views",
            ("views_reader", "admin", "caseworker", "auditor", "main_leader"),
            {},
        ),
    )
}
SERVICES = tuple(SPECS)
CONSUMERS = ("inspection", "charity", "notify", "views")


@contextlib.asynccontextmanager
async def running(
    name: str, *, pg_admin_dsn: str, kafka_bootstrap: str, **overrides: Any
) -> AsyncIterator[Harness]:
    """The service ``name`` started in-process as ``python -m <name> serve`` composes it."""
    entry = importlib.import_module(f"{name}.__main__")
    async with contextlib.AsyncExitStack() as exits:
        settings = {**SPECS[name].settings, **overrides}
        sinks = None
        if name == "notify":
            # Never the default sink ports: a local stack of `make up` may be listening there.
            sinks = await exits.enter_async_context(dev_sinks())
            settings |= {"sink_smtp_port": sinks.smtp_port, "sink_http_url": sinks.http_url}
        harness = await exits.enter_async_context(
            start_service(
                entry.definition,
                entry.Settings,
                pg_admin_dsn=pg_admin_dsn,
                kafka_bootstrap=kafka_bootstrap,
                clock=SimulatedClock(NOW),
                **settings,
            )
        )
        if sinks is not None:
            harness.app.state.hostile_sinks = sinks
        yield harness


@contextlib.asynccontextmanager
async def dev_sinks() -> AsyncIterator[Any]:
    """notify's dev SMTP and HTTP sinks on free loopback ports."""
    from notify.sinks.servers import DevSinks

    sinks = DevSinks(
        smtp_host="127.0.0.1", smtp_port=free_port(), http_host="127.0.0.1", http_port=free_port()
    )
    await sinks.start()
    try:
        yield sinks
    finally:
        await sinks.stop()


@contextlib.asynccontextmanager
async def served(app: FastAPI) -> AsyncIterator[str]:
    """``app`` (already started) on a loopback port of this event loop; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, lifespan="off", log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(10):
            while not server.started:
                await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task

"""Every service is a real process: it migrates, connects, and serves its operational routes."""

import asyncio
import os
import signal
import subprocess
import sys
import uuid

import httpx
import pytest

from devstack.ports import free_port
from shared.testing.harness import provision, unprovision

SERVICES = ["inspection", "eldercare", "charity", "notify", "views"]


@pytest.mark.parametrize("service", SERVICES)
async def test_service_process_serves_health_ready_metrics_docs_and_asyncapi(
    service, pg_admin_dsn, kafka_bootstrap, tmp_path
):
    prefix = f"s{uuid.uuid4().hex[:8]}."
    topics = await provision(kafka_bootstrap, prefix, partitions=1)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": pg_admin_dsn,
        "DB_SCHEMA": f"{service}_{uuid.uuid4().hex[:8]}",
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "KAFKA_TOPIC_PREFIX": prefix,
        "HTTP_PORT": str(port),
        "AUTH_TOKENS_JSON": '{"admin": "t-admin"}',
        "DEMO_MODE": "1",
    }
    log = (tmp_path / "service.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", service, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=5) as client:
            ready = None
            async with asyncio.timeout(90):
                while True:
                    try:
                        ready = await client.get("/ready")
                        if ready.status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.3)
            assert ready.json() == {"status": "ready", "checks": {"database": True, "kafka": True}}
            assert (await client.get("/health")).json()["service"] == service
            metrics = (await client.get("/metrics")).text
            assert "outbox_backlog" in metrics
            assert "relay_leader" in metrics
            openapi = (await client.get("/openapi.json")).json()
            assert "/ready" in openapi["paths"]
            assert "ProblemDoc" in openapi["components"]["schemas"]
            assert (await client.get("/docs")).status_code == 200
            asyncapi = (await client.get("/asyncapi")).json()
            assert asyncapi["asyncapi"] == "3.0.0"
            unauth = await client.get("/_admin/clock")
            assert unauth.status_code == 401
            assert unauth.headers["content-type"] == "application/problem+json"
            clock = await client.get("/_admin/clock", headers={"Authorization": "Bearer t-admin"})
            assert clock.json()["simulated"] is True
    finally:
        proc.terminate()
        code = proc.wait(timeout=30)
        log_text = (tmp_path / "service.log").read_text()
        # uvicorn shuts down gracefully on SIGTERM, then re-raises the signal (exit -15).
        assert code in (0, -signal.SIGTERM), log_text[-3000:]
        assert "Application shutdown complete" in log_text
        await unprovision(kafka_bootstrap, topics)

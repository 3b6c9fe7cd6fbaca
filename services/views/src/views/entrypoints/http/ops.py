"""Operations: projection status (checkpoints, lag, rebuilds) and the rebuild endpoint."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from shared.http.auth import Principal
from shared.http.problems import Problem, problem_responses
from shared.service import Runtime, runtime_of
from views.adapters.rebuild import RebuildConfig, Rebuilder, RebuildRunningError, rebuild_running
from views.adapters.status import Monitor
from views.domain.projections import BY_NAME, PROJECTIONS
from views.entrypoints.http.roles import admin, status_reader

log = logging.getLogger(__name__)


class RebuildRequest(BaseModel):
    """Which projection to rebuild; all of them, one after the other, when omitted."""

    projection: str | None = Field(default=None, description="inspection/eldercare/charity/notify")


class Rebuilds:
    """Rebuilds started over HTTP, run as tasks of this process (one per projection at a time)."""

    def __init__(self) -> None:
        self.tasks: dict[str, asyncio.Task[None]] = {}

    def busy(self, name: str) -> bool:
        """Whether this process is rebuilding ``name``."""
        task = self.tasks.get(name)
        return task is not None and not task.done()

    def start(self, runtime: Runtime, names: list[str]) -> None:
        """Run the rebuilds of ``names`` side by side, in the background."""
        s = runtime.settings
        config = RebuildConfig(
            dsn=s.database_url.get_secret_value(),
            main_schema=s.schema_name,
            bootstrap=s.kafka_bootstrap_servers,
            topic_prefix=s.kafka_topic_prefix,
            security=s.kafka_security,
            batch_size=getattr(s, "rebuild_batch_size", 500),
            pause_s=getattr(s, "rebuild_pause_s", 0.0),
        )

        async def run_one(name: str) -> None:
            try:
                await Rebuilder(config).run(BY_NAME[name])
            except RebuildRunningError:
                log.warning("rebuild already running elsewhere", extra={"projection": name})
            except Exception:
                # The rebuilder logged the traceback; the other projections still get theirs.
                log.info("rebuild failed; the others go on", extra={"projection": name})

        async def run_all() -> None:
            # Projections share no table and no topic: while one waits for PostgreSQL or
            # Kafka, another parses its records.
            await asyncio.gather(*(run_one(name) for name in names))

        task = asyncio.create_task(run_all(), name=f"rebuild-{'-'.join(names)}")
        runtime.tasks.append(task)  # stopped with the service
        for name in names:
            self.tasks[name] = task


def router(monitor: Monitor, rebuilds: Rebuilds) -> APIRouter:
    """The operations routes, bound to this process's monitor and rebuilds."""
    r = APIRouter(tags=["运维 operations"])

    @r.get(
        "/status", summary="投影状态：检查点、积压、重建进度", responses=problem_responses(401, 403)
    )
    async def status(
        request: Request, _: Annotated[Principal, Depends(status_reader)]
    ) -> dict[str, Any]:
        """Each projection: active table set, checkpoints and lag per partition, latest rebuild."""
        return await monitor.status(runtime_of(request).pool)

    @r.post(
        "/_admin/rebuilds",
        status_code=202,
        summary="从头重放事件，重建投影并原子切换",
        responses=problem_responses(401, 403, 409, 422),
    )
    async def rebuild(
        body: RebuildRequest, request: Request, _: Annotated[Principal, Depends(admin)]
    ) -> JSONResponse:
        """Start rebuilding (progress at GET /status); the current tables keep serving meanwhile."""
        if body.projection is not None and body.projection not in BY_NAME:
            known = "、".join(BY_NAME)
            raise Problem(422, "unknown_projection", f"没有这个投影（可选：{known}）")
        names = [body.projection] if body.projection else [p.name for p in PROJECTIONS]
        runtime = runtime_of(request)
        async with runtime.pool.acquire() as conn:
            elsewhere = {
                n
                for n in names
                if await rebuild_running(conn, runtime.settings.schema_name, BY_NAME[n])
            }
        running = [n for n in names if rebuilds.busy(n) or n in elsewhere]
        if running:
            raise Problem(409, "rebuild_running", f"投影 {'、'.join(running)} 正在重建")
        rebuilds.start(runtime, names)
        return JSONResponse({"accepted": names, "status": "/status"}, status_code=202)

    return r


def monitor_task(monitor: Monitor) -> Any:
    """The background task: create the table sets on first start, then refresh the gauges."""

    async def views_monitor(runtime: Runtime) -> None:
        monitor.register(runtime.metrics.registry)
        async with runtime.pool.acquire() as conn:
            await monitor.ensure_sets(conn)
        interval = getattr(runtime.settings, "status_interval_s", 5.0)
        try:
            while True:
                try:
                    await monitor.status(runtime.pool, with_kafka=runtime.kafka_started)
                except Exception as exc:
                    log.warning("status refresh failed", extra={"error": repr(exc)})
                await asyncio.sleep(interval)
        finally:
            await monitor.close()

    return views_monitor

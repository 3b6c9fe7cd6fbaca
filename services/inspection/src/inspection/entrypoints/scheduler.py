"""The daily sweep: at 00:05 local by the service's clock (simulated in demo mode)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from inspection.adapters.sweeper import last_daily_run, run_daily
from inspection.bootstrap import context
from inspection.config import Settings
from shared.clock import LOCAL_TZ
from shared.service import Runtime

log = logging.getLogger(__name__)


async def sweep_if_due(runtime: Runtime, settings: Settings) -> dict[str, int] | None:
    """Run every sweeper once for today, if today's sweep time has passed and it has not run."""
    local = runtime.clock.now().astimezone(LOCAL_TZ)
    if local.time() < settings.sweep_local_time:
        return None
    last = await last_daily_run(runtime.pool)
    if last is not None and last >= local.date():
        return None
    ctx = context(runtime, None)
    emitted = await run_daily(runtime.pool, ctx, schema=runtime.settings.schema_name)
    log.info("daily sweep ran", extra={"run_on": local.date().isoformat(), "emitted": emitted})
    return emitted


def daily_sweeper(settings: Settings) -> Callable[[Runtime], Coroutine[Any, Any, None]]:
    """The background task that looks every ``sweeper_poll_s`` seconds whether a sweep is due."""

    async def sweeper(runtime: Runtime) -> None:
        """Sweep daily; a failure is logged and retried at the next look."""
        while True:
            try:
                await sweep_if_due(runtime, settings)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("daily sweep failed; will retry")
            await asyncio.sleep(settings.sweeper_poll_s)

    return sweeper

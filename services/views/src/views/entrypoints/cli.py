"""``python -m views rebuild [projection]``: rebuild projections from the topics, with progress."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from shared.service import migrate_service
from shared.settings import ServiceSettings
from views.adapters.rebuild import Progress, RebuildConfig, Rebuilder, RebuildRunningError
from views.domain.projections import BY_NAME, PROJECTIONS
from views.entrypoints.service import definition


class _Printer:
    """Progress lines on stdout: at most one a second per projection, plus its final one."""

    def __init__(self) -> None:
        self._last: dict[str, float] = {}

    def __call__(self, p: Progress) -> None:
        now = time.monotonic()
        if p.state == "RUNNING" and now - self._last.get(p.projection, 0.0) < 1.0:
            return
        self._last[p.projection] = now
        sys.stdout.write(
            f"rebuild {p.projection} g{p.generation}: {p.read_events}/{p.target_events} events"
            f" read ({p.ratio:.0%}), {p.applied_events} applied, {p.skipped_events} skipped"
            f" [{p.state}]\n"
        )
        sys.stdout.flush()


async def _rebuild(settings: ServiceSettings, names: list[str]) -> int:
    await migrate_service(definition(settings), settings)
    config = RebuildConfig(
        dsn=settings.database_url.get_secret_value(),
        main_schema=settings.schema_name,
        bootstrap=settings.kafka_bootstrap_servers,
        topic_prefix=settings.kafka_topic_prefix,
        security=settings.kafka_security,
        batch_size=getattr(settings, "rebuild_batch_size", 500),
        pause_s=getattr(settings, "rebuild_pause_s", 0.0),
        on_progress=_Printer(),
    )

    async def one(name: str) -> int:
        try:
            await Rebuilder(config).run(BY_NAME[name])
        except RebuildRunningError:
            sys.stderr.write(f"rebuild {name}: another rebuild of it is running\n")
            return 2
        return 0

    # Side by side (they share no table and no topic); each one ends, switched or failed,
    # before a failure ends the command.
    done = await asyncio.gather(*(one(name) for name in names), return_exceptions=True)
    for outcome in done:
        if isinstance(outcome, BaseException):
            raise outcome
    return max((code for code in done if isinstance(code, int)), default=0)


def rebuild_main(settings: ServiceSettings, argv: list[str]) -> int:
    """Rebuild one projection (or all, side by side) and switch to the rebuilt tables."""
    parser = argparse.ArgumentParser(prog="python -m views rebuild")
    parser.add_argument("projection", nargs="?", choices=sorted(BY_NAME), help="default: all")
    args = parser.parse_args(argv)
    names = [args.projection] if args.projection else [p.name for p in PROJECTIONS]
    return asyncio.run(_rebuild(settings, names))

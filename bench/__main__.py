"""``python -m bench [name ...]``: run the benchmarks and write bench/results/<name>.json.

``relay`` runs on its own broker and database (``bench.infra``). The others share one private
local stack on free ports (``bench.stack``); when ``memory`` or ``rebuild`` is asked for, the
demo year is loaded into it once (about ten minutes on an idle machine), memory sampled meanwhile.
"""

import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench import command_path, demo_year, e2e_latency, memory, rebuild, relay
from bench.infra import infra
from bench.report import machine
from bench.stack import private_stack

RESULTS = Path(__file__).parent / "results"
# In the order they run: the stack's benchmarks after the demo load, e2e last (it restarts notify).
BENCHMARKS = ("relay", "memory", "rebuild", "command_path", "e2e_latency")
NEEDS_DEMO_YEAR = {"memory", "rebuild"}


def _write(name: str, found: dict[str, Any] | list[dict[str, Any]], before: dict[str, Any]) -> None:
    """One file per result: ``<benchmark>.json`` for a single one, ``<result name>.json`` else."""
    after = machine()
    many = found if isinstance(found, list) else [found]
    for item in many:
        item["machine"] = {"before": before, "after": after}
        file = RESULTS / f"{name if isinstance(found, dict) else item['name']}.json"
        file.write_text(json.dumps(item, ensure_ascii=False, indent=2, default=str) + "\n")
        print(json.dumps(item, ensure_ascii=False, indent=2, default=str), flush=True)


async def _one(name: str, bench: Callable[[], Awaitable[Any]]) -> None:
    print(f"bench: {name} …", flush=True)
    before = machine()
    _write(name, await bench(), before)


async def main(names: list[str]) -> None:
    began = time.monotonic()
    RESULTS.mkdir(exist_ok=True)
    if "relay" in names:
        async with infra() as env:
            await _one("relay", lambda: relay.run(env))
    on_stack = [n for n in BENCHMARKS if n in names and n != "relay"]
    if on_stack:
        print("bench: starting a private local stack …", flush=True)
        with private_stack() as stack:
            demo = None
            if NEEDS_DEMO_YEAR & set(on_stack):
                print("bench: loading the demo year (python -m demo load) …", flush=True)
                demo = await asyncio.to_thread(demo_year.load, stack)
                print(f"bench: demo year loaded in {demo.seconds:.0f} s", flush=True)
            runs: dict[str, Callable[[], Awaitable[Any]]] = {
                "command_path": lambda: command_path.run(stack),
                "e2e_latency": lambda: e2e_latency.run(stack),
            }
            if demo is not None:
                loaded = demo
                runs["memory"] = lambda: memory.run(stack, loaded)
                runs["rebuild"] = lambda: rebuild.run(stack)
            for name in on_stack:
                await _one(name, runs[name])
    print(f"bench: done in {time.monotonic() - began:.0f} s", flush=True)


def _names(argv: list[str]) -> list[str]:
    """Names from the command line (spaces or commas; ``make bench BENCH=…``), all when none."""
    names = [n for arg in argv for n in arg.replace(",", " ").split()]
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        raise SystemExit(f"bench: unknown {unknown}; known: {', '.join(BENCHMARKS)}")
    return names or list(BENCHMARKS)


if __name__ == "__main__":
    asyncio.run(main(_names(sys.argv[1:])))

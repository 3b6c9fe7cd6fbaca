"""``python -m demo load``: load the 2024 demo year through the public APIs and print the report."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys
from pathlib import Path

from demo.endpoints import Endpoints
from demo.report import print_links, print_refusals, print_report
from demo.runner import DemoError, Loader
from demo.scenario import build


def say(line: str) -> None:
    """Print a line now (make shows it while the loader runs)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def load(concurrency: int, summary: Path | None = None) -> int:
    """Build the script, run it, print the report; 0 when everything went as the script says."""
    ep = Endpoints.local()
    script = build()
    lines = script.lines()
    say(
        f"demo: 演示脚本共 {len(lines):,} 条命令（2015–2024，按模拟时间排序），"
        "开始通过公开接口加载 …"
    )
    async with Loader(ep, say=say, concurrency=concurrency) as loader:
        try:
            outcome = await loader.run(lines)
        except DemoError as exc:
            say(f"demo: 加载中止：{exc}")
            return 1
        say(
            f"demo: 完成 {outcome.lines:,} 条命令（其中 {outcome.replayed:,} 条为幂等重放），"
            f"巡查 {outcome.sweeps} 天（产生 {outcome.swept_events} 个事件），"
            f"用时 {int(outcome.seconds // 60)}分{int(outcome.seconds % 60):02d}秒"
        )
        text = await print_report(loader, say)
        print_refusals(outcome, say)
        print_links(ep, say)
    if summary is not None:
        data = {**dataclasses.asdict(outcome), "report": text}
        await asyncio.to_thread(
            summary.write_text, json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8"
        )
    refused_ok = all(r.ok for r in outcome.refusals)
    return 0 if text and refused_ok else 1


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m demo")
    sub = parser.add_subparsers(dest="command", required=True)
    loading = sub.add_parser("load", help="load the demo year into the running stack")
    loading.add_argument("--concurrency", type=int, default=16, help="requests in flight at once")
    loading.add_argument("--summary", type=Path, help="also write what happened as JSON here")
    args = parser.parse_args()
    if args.command == "load":
        return asyncio.run(load(args.concurrency, args.summary))
    return 2


if __name__ == "__main__":
    sys.exit(main())

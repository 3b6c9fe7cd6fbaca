"""``python -m bench [name ...]``: run the benchmarks and write bench/results/<name>.json."""

import asyncio
import json
import sys
from pathlib import Path

from bench import relay
from bench.infra import infra

RESULTS = Path(__file__).parent / "results"
BENCHMARKS = {"relay": relay.run}


async def main(names: list[str]) -> None:
    RESULTS.mkdir(exist_ok=True)
    async with infra() as env:
        for name in names:
            print(f"bench: {name} …", flush=True)
            result = await BENCHMARKS[name](env)
            (RESULTS / f"{name}.json").write_text(
                json.dumps(result, ensure_ascii=False, indent=2) + "\n"
            )
            print(json.dumps(result, ensure_ascii=False, indent=2), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:] or list(BENCHMARKS)))

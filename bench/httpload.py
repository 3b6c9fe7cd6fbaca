"""The benchmarks' HTTP client: aiohttp (the demo loader's), closed loop or fixed rate."""

import asyncio
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

# One request to send: the URL, its JSON body and its headers.
Request = tuple[str, dict[str, Any], dict[str, str]]


@dataclass
class Window:
    """What a closed-loop window achieved."""

    ok: int
    seconds: float
    errors: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.ok / self.seconds

    def p(self, q: float) -> float:
        """A latency percentile in milliseconds."""
        return percentile(self.latencies, q) * 1000


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0–100), interpolated."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 10) - 1]


def session(connections: int) -> aiohttp.ClientSession:
    """One pool of keep-alive connections, as many as requests in flight."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=connections, limit_per_host=connections),
        timeout=aiohttp.ClientTimeout(total=60),
    )


def command_headers(token: str) -> dict[str, str]:
    """A command's headers: the bearer token and a fresh Idempotency-Key, as the loader sends."""
    return {"Authorization": f"Bearer {token}", "Idempotency-Key": f"bench:{uuid.uuid4()}"}


async def closed_loop(
    client: aiohttp.ClientSession,
    next_request: Callable[[], Request],
    *,
    concurrency: int,
    warmup_s: float,
    seconds: float,
    at_edges: Callable[[], None] | None = None,
) -> Window:
    """``concurrency`` workers each send the next request as soon as the last one answered.

    Only answers that arrive inside the measured window (after the warm-up) count; ``at_edges``
    is called when the window opens and when it closes (to read CPU counters, say).
    """
    began = time.perf_counter()
    start, stop = began + warmup_s, began + warmup_s + seconds
    window = Window(ok=0, seconds=seconds)

    async def edges() -> None:
        for edge in (start, stop):
            await asyncio.sleep(max(0.0, edge - time.perf_counter()))
            if at_edges:
                at_edges()

    async def worker() -> None:
        while time.perf_counter() < stop:
            url, body, headers = next_request()
            sent = time.perf_counter()
            async with client.post(url, json=body, headers=headers) as answer:
                await answer.read()
                status = answer.status
            done = time.perf_counter()
            if not start <= done < stop:
                continue
            if 200 <= status < 300:
                window.ok += 1
                window.latencies.append(done - sent)
            else:
                window.errors[str(status)] = window.errors.get(str(status), 0) + 1

    await asyncio.gather(edges(), *(worker() for _ in range(concurrency)))
    return window

"""The dispatcher's loop: a ring runs it at once, bursts coalesce, the poll stays the fallback."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from notify.adapters.doorbell import Doorbell
from notify.entrypoints.workers import DispatchLoop
from shared.clock import SimulatedClock

LONG_INTERVAL_S = 30.0  # no poll happens during these tests unless they ask for one
PROMPT_S = 2.0  # "at once", generously: far below the interval


class FakeDispatcher:
    """Sends whatever is due when a pass runs; can hold a pass open to ring during it."""

    def __init__(self) -> None:
        self.due: list[str] = []
        self.sent: list[str] = []
        self.passes = 0
        self.hold: asyncio.Event | None = None
        self.in_pass = asyncio.Event()
        self.pass_done = asyncio.Event()
        self.fail_next = False

    async def tick(self, now: datetime) -> int | None:
        self.passes += 1
        self.in_pass.set()
        try:
            if self.fail_next:
                self.fail_next = False
                raise RuntimeError("database went away")
            batch, self.due = self.due, []  # what the pass's claim query sees
            if self.hold is not None:
                await self.hold.wait()
            self.sent += batch
            return len(batch)
        finally:
            self.in_pass.clear()
            self.pass_done.set()

    async def passes_reach(self, count: int) -> None:
        async with asyncio.timeout(PROMPT_S):
            while self.passes < count or self.in_pass.is_set():
                self.pass_done.clear()
                await self.pass_done.wait()


@contextlib.asynccontextmanager
async def running(
    interval_s: float = LONG_INTERVAL_S,
) -> AsyncIterator[tuple[FakeDispatcher, Doorbell]]:
    dispatcher, doorbell = FakeDispatcher(), Doorbell("dispatch_unit")
    loop = DispatchLoop(dispatcher, doorbell, interval_s)
    task = asyncio.create_task(loop.run(SimulatedClock(datetime(2024, 3, 6, 2, tzinfo=UTC))))
    try:
        await dispatcher.passes_reach(1)  # the pass every start makes
        yield dispatcher, doorbell
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_a_ring_sends_a_due_notification_at_once_not_at_the_next_poll():
    async with running() as (dispatcher, doorbell):
        dispatcher.due.append("n1")  # committed by the consumer, which then rings
        doorbell.ring()
        await dispatcher.passes_reach(2)
        assert dispatcher.sent == ["n1"]


async def test_a_burst_of_rings_is_one_pass_that_sends_everything_due():
    async with running() as (dispatcher, doorbell):
        for i in range(100):
            dispatcher.due.append(f"n{i}")
            doorbell.ring()
        await dispatcher.passes_reach(2)
        assert dispatcher.sent == [f"n{i}" for i in range(100)]
        await asyncio.sleep(0.2)
        assert dispatcher.passes == 2  # no pass per ring


async def test_a_ring_during_a_pass_starts_another_pass_right_after_it():
    async with running() as (dispatcher, doorbell):
        dispatcher.hold = asyncio.Event()
        doorbell.ring()
        await asyncio.wait_for(dispatcher.in_pass.wait(), PROMPT_S)
        dispatcher.due.append("late")  # committed after the pass looked for due rows
        doorbell.ring()
        dispatcher.hold.set()
        await dispatcher.passes_reach(3)
        assert dispatcher.sent == ["late"]


async def test_without_a_ring_the_poll_still_sends_it():
    async with running(interval_s=0.05) as (dispatcher, _):
        dispatcher.due.append("missed-wake")  # its ring was lost (listener down, say)
        await dispatcher.passes_reach(2)
        assert dispatcher.sent == ["missed-wake"]


async def test_a_failed_pass_does_not_stop_the_loop():
    async with running() as (dispatcher, doorbell):
        dispatcher.fail_next = True
        dispatcher.due.append("n1")
        doorbell.ring()
        await dispatcher.passes_reach(2)
        assert dispatcher.sent == []
        doorbell.ring()
        await dispatcher.passes_reach(3)
        assert dispatcher.sent == ["n1"]


async def test_the_bell_remembers_a_ring_until_waited_on_then_resets():
    doorbell = Doorbell("dispatch_unit")
    doorbell.ring()
    doorbell.ring()
    assert await doorbell.wait(LONG_INTERVAL_S) is True
    assert await doorbell.wait(0.01) is False


class BusyOnce(FakeDispatcher):
    """Finds the dispatch lock held by another process on its next pass, then gets it."""

    def __init__(self) -> None:
        super().__init__()
        self.busy_next = False

    async def tick(self, now: datetime) -> int | None:
        if self.busy_next:
            self.busy_next = False
            self.passes += 1
            self.pass_done.set()
            return None
        return await super().tick(now)


async def test_a_ring_that_finds_another_dispatcher_busy_is_retried_soon_not_at_the_poll():
    dispatcher, doorbell = BusyOnce(), Doorbell("dispatch_unit")
    loop = DispatchLoop(dispatcher, doorbell, LONG_INTERVAL_S)
    task = asyncio.create_task(loop.run(SimulatedClock(datetime(2024, 3, 6, 2, tzinfo=UTC))))
    try:
        await dispatcher.passes_reach(1)
        dispatcher.due.append("n1")
        dispatcher.busy_next = True
        doorbell.ring()
        await dispatcher.passes_reach(3)  # the busy pass, then the retry that sends
        assert dispatcher.sent == ["n1"]
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

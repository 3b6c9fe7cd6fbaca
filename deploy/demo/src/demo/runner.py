"""Runs the script against the stack: clocks, sweeps, concurrency, catching up, refusals.

Lines are grouped by their instant. Before each group every service's simulated clock is set to
it; the lines of a group are independent of each other and run concurrently. When the script
crosses a local day, the loader waits until every outbox is published and every consumer (but
views) has caught up, and notify has sent what is due — as a real day would give them time to —
then runs the inspection sweepers for each day crossed (DOMAIN §11.1).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from demo.calendar import AS_OF, at, days, iso
from demo.endpoints import Endpoints
from demo.http import Answer, Http, TransportError
from demo.script import ACK, SINK_SCRIPT, Command
from shared.events.topics import all_topics
from shared.pipeline import PipelineProbe

CLOCKED = ("inspection", "eldercare", "charity", "notify", "views")
PRODUCERS = ("inspection", "eldercare", "charity", "notify")
# Consumers whose lag matters before the next day: replicas and notify. views may lag behind
# (nothing depends on it) and is waited for at the end.
DAILY_CONSUMERS = ("inspection", "charity", "notify")
SWEEPS_FROM = date(2024, 1, 1)
SETTLE_TIMEOUT_S = 300.0
TRANSPORT_RETRIES = 4
PROGRESS_EVERY_S = 20.0
PROGRESS_LINES = 500


# Lines whose events another service acts on (replicas, notifications): after a day with one
# of them the loader waits for the consumers before going on.
_CROSSING = (
    ("eldercare", "/institutions"),
    ("eldercare", "/elders"),
    ("eldercare", "/missing-cases"),
    ("eldercare", "/volunteer-corps"),
    ("eldercare", "/meal-points/*/suspend"),
    ("inspection", "/leaders"),
    ("inspection", "/hazards"),
    ("inspection", "/inspections/*/hazards"),
    ("inspection", "/work-notices/*/issue"),
    ("charity", "/disbursements/*/fail"),
    ("charity", "/reconciliations"),
    ("notify", ""),
    ("sinks", ""),
)


def crosses(cmd: Command) -> bool:
    """Whether another service reacts to what this line does."""
    parts = cmd.path.split("/")
    for service, pattern in _CROSSING:
        if service != cmd.service:
            continue
        wanted = pattern.split("/")
        prefix = len(parts) >= len(wanted) and all(
            w in ("*", p) for w, p in zip(wanted, parts, strict=False)
        )
        elders = cmd.service == "eldercare" and pattern == "/elders"
        if (pattern == "" or prefix) and (not elders or _elder_status_change(parts)):
            return True
    return False


def _elder_status_change(parts: list[str]) -> bool:
    # charity keeps a replica of registrations, deaths and moves; assessments concern nobody.
    return len(parts) == 2 or parts[-1] in ("record-death", "move-out", "erase")


def clocks_for(batch: Sequence[Command], crossing: bool) -> tuple[str, ...]:
    """The clocks a batch needs moved: its services', and notify's when notify will react."""
    wanted = {c.service for c in batch if c.service in CLOCKED}
    if crossing:
        wanted.add("notify")
    return tuple(sorted(wanted))


class DemoError(RuntimeError):
    """The stack answered something the script did not expect."""


@dataclass(frozen=True)
class Refusal:
    """What a §11.6 row got, and whether any topic moved meanwhile."""

    row: str
    what: str
    expected: str
    got: str
    ok: bool
    offsets_moved: dict[str, int]
    strict: bool = True  # refused with exactly the expected code (not only "refused")


@dataclass
class Outcome:
    """What a run did."""

    lines: int = 0
    replayed: int = 0
    sweeps: int = 0
    swept_events: int = 0
    refusals: list[Refusal] = field(default_factory=list)
    seconds: float = 0.0


class Loader:
    """Runs script lines against the stack's public APIs."""

    def __init__(
        self, endpoints: Endpoints, *, say: Callable[[str], None] = print, concurrency: int = 16
    ) -> None:
        self.ep = endpoints
        self.say = say
        self.concurrency = concurrency
        self.outcome = Outcome()
        self._http: Http | None = None
        self._probe = PipelineProbe(endpoints.kafka, "demo-loader") if endpoints.kafka else None
        self._shown, self._shown_at = -1, time.monotonic()

    # -- plumbing -------------------------------------------------------------------------
    @property
    def http(self) -> Http:
        if self._http is None:
            raise RuntimeError("the loader is not open")
        return self._http

    async def __aenter__(self) -> Loader:
        self._http = Http(self.concurrency + 8)
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.http.close()
        if self._probe is not None:
            await self._probe.close()

    def _headers(self, actor: str, key: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.ep.tokens[actor]}"}
        if key:
            headers["Idempotency-Key"] = f"demo:{key}"
        return headers

    async def request(
        self,
        service: str,
        method: str,
        path: str,
        actor: str,
        body: Any = None,
        key: str | None = None,
    ) -> Answer:
        """One call of a service's API as ``actor``.

        A connection the server closed while idle is retried: every command carries an
        Idempotency-Key, so a retry can never apply twice.
        """
        for attempt in range(TRANSPORT_RETRIES):
            try:
                return await self.http.request(
                    method,
                    self.ep.urls[service] + path,
                    json=body,
                    headers=self._headers(actor, key),
                )
            except TransportError:
                if attempt == TRANSPORT_RETRIES - 1:
                    raise
                await asyncio.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")

    async def set_clocks(self, instant: datetime, services: Sequence[str] = CLOCKED) -> None:
        """Move the simulated clocks of ``services`` to ``instant``."""
        answers = await asyncio.gather(
            *(
                self.request(s, "POST", "/_admin/clock", "admin", {"now": iso(instant)})
                for s in services
            )
        )
        for service, answer in zip(services, answers, strict=True):
            if answer.status_code != 200:
                raise DemoError(
                    f"{service} 拒绝设置模拟时钟（{answer.status_code}）：{answer.text[:200]}"
                )

    # -- catching up ----------------------------------------------------------------------
    async def _pipeline(self, service: str) -> dict[str, Any]:
        answer = await self.request(service, "GET", "/_admin/pipeline", "admin")
        if answer.status_code != 200:
            raise DemoError(
                f"{service} /_admin/pipeline → {answer.status_code}: {answer.text[:200]}"
            )
        result: dict[str, Any] = answer.json()
        return result

    async def settle(
        self, upcoming: datetime | None, *, consumers: Sequence[str] = DAILY_CONSUMERS
    ) -> None:
        """Wait until outboxes are published, ``consumers`` caught up and notify sent what is due.

        A notify retry or a quiet-hours release that falls due before ``upcoming`` (the next
        instant of the script; None at the end) moves notify's clock to it, as time would.
        """
        services = sorted({*PRODUCERS, *consumers})
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        pause = 0.02
        while True:
            states = dict(
                zip(
                    services,
                    await asyncio.gather(*(self._pipeline(s) for s in services)),
                    strict=True,
                )
            )
            waiting = [s for s in PRODUCERS if states[s]["outbox_pending"]]
            waiting += [s for s in consumers if (states[s]["consumer"] or {}).get("total")]
            sends = states["notify"]["pending"]
            if sends.get("due"):
                waiting.append("notify sends")
            elif sends.get("waiting") and sends.get("next_at"):
                next_at = datetime.fromisoformat(sends["next_at"])
                if upcoming is None or next_at <= upcoming:
                    await self.set_clocks(next_at, ("notify",))
                    waiting.append("notify retries")
            if not waiting:
                return
            if time.monotonic() > deadline:
                raise DemoError(
                    f"等待超时：{', '.join(waiting)} 仍未处理完（{SETTLE_TIMEOUT_S:.0f} 秒）"
                )
            await asyncio.sleep(pause)
            pause = min(pause * 1.5, 0.25)

    async def sweep(self, day: date) -> None:
        """Run inspection's sweepers for ``day`` at 00:05, as its daily task would."""
        await self.set_clocks(at(day, 0, 5), ("inspection", "notify"))
        answer = await self.request("inspection", "POST", "/_admin/sweeps/all", "admin")
        if answer.status_code != 200:
            raise DemoError(f"巡查任务失败（{day}）：{answer.status_code} {answer.text[:200]}")
        emitted = sum(answer.json().get("emitted", {}).values())
        self.outcome.sweeps += 1
        self.outcome.swept_events += emitted
        if emitted:
            await self.settle(at(day, 7, 0))

    async def offsets(self) -> dict[str, int]:
        """End offsets of every topic (empty when the loader has no Kafka access)."""
        if self._probe is None:
            return {}
        return await self._probe.end_offsets([t.name for t in all_topics()])

    # -- lines ----------------------------------------------------------------------------
    async def _line(self, cmd: Command) -> Answer | None:
        step = cmd.params.get("step")
        if step == SINK_SCRIPT:
            return await self._sink_script(cmd)
        if step == ACK:
            return await self._ack(cmd)
        key = cmd.params.get("idempotency_key", cmd.key)
        return await self.request(cmd.service, cmd.method, cmd.path, cmd.actor, cmd.body, key)

    async def _sink_script(self, cmd: Command) -> Answer | None:
        probe = await self.request("inspection", "GET", cmd.params["skip_if_issued"], "admin")
        if probe.status_code == 200 and probe.json().get("status") != "DRAFT":
            return None  # a second run: the notice went out already, nothing will be sent again
        return await self.http.request("POST", self.ep.urls["sinks"] + cmd.path, json=cmd.body)

    async def _ack(self, cmd: Command) -> Answer:
        found = await self.http.request(
            "GET",
            self.ep.urls["notify"] + "/notifications",
            params={
                "event": cmd.params["event_type"],
                "recipient": cmd.params["recipient"],
                "limit": 500,
            },
            headers=self._headers(cmd.actor),
        )
        items = (
            [n for n in found.json().get("items", []) if n["subject_id"] == cmd.params["subject"]]
            if found.status_code == 200
            else []
        )
        if not items:
            raise DemoError(
                f"找不到要确认的通知：{cmd.params['event_type']}（{found.status_code}）"
            )
        target = sorted(items, key=lambda n: (n["channel"] != "email", n["created_at"]))[0]
        path = cmd.path.replace("{id}", target["id"])
        return await self.request("notify", "POST", path, cmd.actor, {}, cmd.key)

    async def _run_batch(self, batch: list[Command]) -> None:
        gate = asyncio.Semaphore(self.concurrency)

        async def one(cmd: Command) -> tuple[Command, Answer | None]:
            async with gate:
                return cmd, await self._line(cmd)

        results = await asyncio.gather(*(one(c) for c in batch))
        failures = []
        for cmd, answer in results:
            self.outcome.lines += 1
            if answer is None:
                continue
            if answer.headers.get("idempotent-replayed") == "true":
                self.outcome.replayed += 1
            if not answer.is_success:
                failures.append(
                    f"  {cmd.key}: {cmd.method} {cmd.service}{cmd.path}"
                    f" → {answer.status_code} {answer.text[:300]}"
                )
        if failures:
            raise DemoError("服务拒绝了演示脚本中的命令：\n" + "\n".join(failures[:10]))

    async def _run_refusal(self, cmd: Command, upcoming: datetime | None) -> None:
        expect = cmd.expect
        assert expect is not None  # noqa: S101 - only called for fixture lines
        await self.settle(upcoming)
        before = await self.offsets()
        answer = await self._line(cmd)
        await self.settle(upcoming)
        after = await self.offsets()
        moved = {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}
        self.outcome.lines += 1
        status = answer.status_code if answer is not None else 0
        code = None
        if answer is not None and answer.headers.get("content-type", "").startswith(
            "application/problem+json"
        ):
            code = answer.json().get("code")
        if expect.status < 300:
            ok = 200 <= status < 300
        else:
            ok = status == expect.status and (expect.code is None or code == expect.code)
        # On a stack loaded before, the data are already at 2024-11-30: a row that needs a
        # passing state (an unassigned hazard, a planned drill …) meets a later one. It must
        # still be refused and move nothing; its code is then reported, not required.
        later_state = not ok and self.outcome.replayed > 0 and 400 <= status < 500
        self.outcome.refusals.append(
            Refusal(
                expect.row,
                expect.what,
                f"{expect.status} {expect.code or ''}".strip(),
                f"{status} {code or ''}".strip(),
                (ok or later_state) and not moved,
                moved,
                strict=ok,
            )
        )

    # -- the whole script -----------------------------------------------------------------
    async def run(self, lines: Sequence[Command]) -> Outcome:
        """Run every line in time order, sweeping and catching up at day boundaries."""
        started = time.monotonic()
        batches = [list(g) for _, g in itertools.groupby(lines, key=lambda c: c.at)]
        total = len(lines)
        day: date | None = None
        pending_settle = False
        month = ""
        for i, batch in enumerate(batches):
            instant = batch[0].at
            upcoming = batches[i + 1][0].at if i + 1 < len(batches) else None
            if pending_settle:
                # notify must have sent what the last lines caused before time moves on.
                await self.settle(instant)
                pending_settle = False
            if instant.date() != day:
                if day is not None:
                    await self._sweep_days(day + timedelta(days=1), instant.date())
                day = instant.date()
            new_month = instant.strftime("%Y-%m") != month
            month = instant.strftime("%Y-%m")
            if self._worth_showing(new_month, instant):
                self._progress(month, started, total)
            pending_settle = await self._run_lines(batch, upcoming)
        if day is not None:
            await self._sweep_days(day + timedelta(days=1), AS_OF)
        await self.set_clocks(at(AS_OF, 20))
        await self.settle(None, consumers=(*DAILY_CONSUMERS, "views"))
        self.outcome.seconds = time.monotonic() - started
        return self.outcome

    async def _run_lines(self, batch: list[Command], upcoming: datetime | None) -> bool:
        """One instant's lines: the plain ones at once, then each refusal alone.

        Returns whether another service reacts to them (the loader then waits for it).
        """
        crossing = any(crosses(c) for c in batch)
        await self.set_clocks(batch[0].at, clocks_for(batch, crossing))
        plain = [c for c in batch if c.expect is None]
        if plain:
            await self._run_batch(plain)
        for cmd in batch:
            if cmd.expect is not None:
                await self._run_refusal(cmd, upcoming)
        return crossing

    async def _sweep_days(self, first: date, last: date) -> None:
        for day in days(max(first, SWEEPS_FROM), min(last, AS_OF)):
            await self.sweep(day)

    def _worth_showing(self, new_month: bool, instant: datetime) -> bool:
        # A line per month of the demo year; before it, per 500 lines or 20 seconds.
        quiet = time.monotonic() - self._shown_at >= PROGRESS_EVERY_S
        busy = self.outcome.lines - self._shown >= PROGRESS_LINES
        return (new_month and (busy or instant.year >= AS_OF.year)) or quiet

    def _progress(self, month: str, started: float, total: int) -> None:
        self._shown, self._shown_at = self.outcome.lines, time.monotonic()
        done = self.outcome.lines
        elapsed = time.monotonic() - started
        self.say(
            f"  {month} │ 已执行 {done:,}/{total:,} 条命令（{done * 100 // max(total, 1)}%）"
            f" · 用时 {int(elapsed // 60)}分{int(elapsed % 60):02d}秒"
        )

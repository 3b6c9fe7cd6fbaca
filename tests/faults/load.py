"""A steady stream of real commands through the services' HTTP APIs, and what each one got.

Three flows, chosen so that every consumer has work: an institution registration (eldercare →
inspection, charity, notify and views replicas), a meal point established then suspended
(eldercare → views, and a notification to the duty officer), and a hazard reported then
assigned (inspection → views, and two notifications to the responsible person). A command
counts as accepted only when it got a 2xx; its event id is derived as the services derive it.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from shared.clock import local_date
from shared.events import eldercare as ec, inspection as ins
from shared.events.base import IntegrationEvent, event_id_for
from shared.http.auth import principal_for
from tests.faults.stack import FaultStack, Instance

# A request that takes longer than this counts as hung (the services must answer, even 503).
REQUEST_TIMEOUT_S = 15.0
COUNTY, TOWNSHIP = "430902", "430902001"
PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class Accepted:
    """One command that got a 2xx: the event it must have produced."""

    contract: type[IntegrationEvent]
    aggregate_id: str
    version: int

    @property
    def event_id(self) -> str:
        return str(event_id_for(self.contract.AGGREGATE, self.aggregate_id, self.version))

    @property
    def topic(self) -> str:
        return self.contract.TOPIC


@dataclass(frozen=True)
class Answer:
    """What one HTTP command got back, and when."""

    service: str
    instance: str
    status: int | str  # an int, or "timeout" / "connection"
    began: float
    ended: float
    content_type: str = ""
    code: str = ""

    @property
    def seconds(self) -> float:
        return self.ended - self.began


@dataclass
class Ledger:
    """Every command's answer and the events of the accepted ones."""

    accepted: list[Accepted] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)

    def outcomes(self) -> Counter[str]:
        """How many answers of each kind, per service (``eldercare 201``, ``inspection 503``)."""
        return Counter(f"{a.service} {a.status}" for a in self.answers)

    def of(self, *contracts: type[IntegrationEvent]) -> list[Accepted]:
        """The accepted events of these contracts."""
        return [a for a in self.accepted if a.contract in contracts]

    def unexpected(self) -> list[Answer]:
        """Answers other than 2xx and 503 (a fault must never surface as a 500 or a 4xx)."""
        return [
            a
            for a in self.answers
            if isinstance(a.status, int) and not (200 <= a.status < 300 or a.status == 503)
        ]


@dataclass
class World:
    """The fixed things the flows need: an inspection to report hazards on, the people."""

    inspection_id: str
    responsible: uuid.UUID
    duty_officer: uuid.UUID


class Commander:
    """Sends commands as the dev tokens' roles, round-robin over a service's live instances."""

    def __init__(self, stack: FaultStack, http: httpx.AsyncClient, ledger: Ledger) -> None:
        self.stack = stack
        self.http = http
        self.ledger = ledger
        self._turns: dict[str, itertools.count[int]] = {}

    def _targets(self, service: str) -> list[Instance]:
        found = [i for (s, _), i in sorted(self.stack.instances.items()) if s == service]
        return found or [self.stack.instance(service, 1)]

    def _pick(self, service: str) -> Instance:
        targets = self._targets(service)
        turn = next(self._turns.setdefault(service, itertools.count()))
        return targets[turn % len(targets)]

    async def call(
        self, service: str, path: str, role: str, body: dict[str, Any]
    ) -> dict[str, Any] | None:
        """POST a command; the JSON body on 2xx, else None (the answer is in the ledger)."""
        inst = self._pick(service)
        headers = {"Authorization": f"Bearer {self.stack.tokens[role]}"}
        began = time.monotonic()
        status: int | str
        try:
            answer = await self.http.post(
                inst.url + path, json=body, headers=headers, timeout=REQUEST_TIMEOUT_S
            )
        except httpx.TimeoutException:
            status = "timeout"
        except httpx.TransportError:
            status = "connection"
        else:
            ctype = answer.headers.get("content-type", "")
            code = answer.json().get("code", "") if PROBLEM_JSON in ctype else ""
            self.ledger.answers.append(
                Answer(service, inst.name, answer.status_code, began, time.monotonic(), ctype, code)
            )
            if answer.is_success:
                result: dict[str, Any] = answer.json()
                return result
            return None
        self.ledger.answers.append(Answer(service, inst.name, status, began, time.monotonic()))
        return None

    def accept(self, contract: type[IntegrationEvent], result: dict[str, Any]) -> None:
        """Record the event of an accepted command from its answer (id and aggregate version)."""
        self.ledger.accepted.append(
            Accepted(contract, str(result["id"]), int(result["aggregate_version"]))
        )


async def register_institution(cmd: Commander, world: World) -> None:
    """InstitutionRegistered: replicas in inspection, charity and notify; views' p_sites."""
    site = uuid.uuid4()
    body = {
        "id": str(site),
        "filing_no": f"FAULT-{site.hex[:12]}",
        "name": f"故障演练养老院{site.hex[:6]}",
        "kind": "ELDERCARE_PUBLIC",
        "county_code": COUNTY,
        "township_code": TOWNSHIP,
        "beds": 40,
        "head_person_id": str(uuid.uuid4()),
    }
    result = await cmd.call("eldercare", "/institutions", "admin", body)
    if result is not None:
        cmd.accept(ec.InstitutionRegistered, result)


async def suspend_meal_point(cmd: Commander, world: World) -> None:
    """MealPointEstablished, then MealPointSuspended (notify writes to the duty officer)."""
    point = uuid.uuid4()
    body = {
        "id": str(point),
        "name": f"故障演练助餐点{point.hex[:6]}",
        "type": "MEAL_POINT",
        "county_code": COUNTY,
        "township_code": TOWNSHIP,
        "capacity_per_slot": 30,
    }
    made = await cmd.call("eldercare", "/meal-points", "caseworker", body)
    if made is None:
        return
    cmd.accept(ec.MealPointEstablished, made)
    path = f"/meal-points/{point}/suspend"
    suspended = await cmd.call("eldercare", path, "caseworker", {"reason_code": "FAULT_DRILL"})
    if suspended is not None:
        cmd.accept(ec.MealPointSuspended, suspended)


async def assign_hazard(cmd: Commander, world: World) -> None:
    """HazardReported, then HazardRectificationAssigned (notify: e-mail and robot)."""
    hazard = uuid.uuid4()
    body = {
        "id": str(hazard),
        "category": "FIRE",
        "level": "GENERAL",
        "description": "疏散通道堆放杂物（故障演练）",
    }
    path = f"/inspections/{world.inspection_id}/hazards"
    reported = await cmd.call("inspection", path, "inspector", body)
    if reported is None:
        return
    cmd.accept(ins.HazardReported, reported)
    deadline = local_date(datetime.now(UTC)) + timedelta(days=14)
    plan = {
        "responsible_person_id": str(world.responsible),
        "measures": "清理通道杂物",
        "deadline_on": deadline.isoformat(),
    }
    assigned = await cmd.call("inspection", f"/hazards/{hazard}/assign", "inspector", plan)
    if assigned is not None:
        cmd.accept(ins.HazardRectificationAssigned, assigned)


Flow = Callable[[Commander, World], Any]
FLOWS: tuple[Flow, ...] = (register_institution, suspend_meal_point, assign_hazard)


async def stream(
    cmd: Commander, world: World, stop: asyncio.Event, *, workers: int = 3, pause: float = 0.5
) -> None:
    """Run the flows round-robin on ``workers`` concurrent workers until ``stop`` is set."""

    async def worker(offset: int) -> None:
        for turn in itertools.count(offset):
            if stop.is_set():
                return
            await FLOWS[turn % len(FLOWS)](cmd, world)
            await asyncio.sleep(pause)

    await asyncio.gather(*(worker(i) for i in range(workers)))


async def prepare_world(cmd: Commander) -> World:
    """One site, campaign and inspection for the hazards; contacts for everyone notified."""
    responsible = uuid.uuid4()
    duty_officer = principal_for("caseworker").person_id
    contacts = {
        responsible: {"email": f"r{responsible.hex[:10]}@faults.yiyang.example", "chat_id": "wx-r"},
        duty_officer: {"email": "duty@faults.yiyang.example"},
    }
    for person, contact in contacts.items():
        answer = await cmd.http.put(
            f"{cmd.stack.instance('notify', 1).url}/contacts/{person}",
            json=contact,
            headers={"Authorization": f"Bearer {cmd.stack.tokens['admin']}"},
        )
        assert answer.status_code == 200, answer.text
    site = uuid.uuid4()
    await register_institution_with_id(cmd, site)
    await wait_for_site(cmd, site)
    today = local_date(datetime.now(UTC))
    campaign = await cmd.call(
        "inspection",
        "/campaigns",
        "safety_lead",
        {
            "code": f"FAULT{site.hex[:6].upper()}",
            "name": f"故障演练专项行动{site.hex[:6]}",
            "kind": "FIRE_HAZARD_REMOVAL",
            "start_on": (today - timedelta(days=1)).isoformat(),
            "lead_unit": "益阳市民政局",
        },
    )
    assert campaign is not None
    inspection = await cmd.call(
        "inspection",
        "/inspections",
        "inspector",
        {
            "site_id": str(site),
            "type": "SPECIAL",
            "campaign_id": campaign["id"],
            "lead_person_id": str(principal_for("inspector").person_id),
            "planned_on": today.isoformat(),
        },
    )
    assert inspection is not None
    return World(str(inspection["id"]), responsible, duty_officer)


async def register_institution_with_id(cmd: Commander, site: uuid.UUID) -> None:
    """Register the world's own site."""
    body = {
        "id": str(site),
        "filing_no": f"FAULT-W-{site.hex[:12]}",
        "name": "故障演练检查对象",
        "kind": "ELDERCARE_PUBLIC",
        "county_code": COUNTY,
        "township_code": TOWNSHIP,
        "beds": 60,
        "head_person_id": str(uuid.uuid4()),
    }
    assert await cmd.call("eldercare", "/institutions", "admin", body) is not None


async def wait_for_site(cmd: Commander, site: uuid.UUID, timeout: float = 120) -> None:
    """Until inspection's replica knows the site (it arrives through Kafka)."""
    conn = await cmd.stack.connect()
    try:
        async with asyncio.timeout(timeout):
            query = "SELECT 1 FROM inspection.site_replica WHERE id = $1"
            while not await conn.fetchval(query, site):
                await asyncio.sleep(0.3)
    finally:
        await conn.close()

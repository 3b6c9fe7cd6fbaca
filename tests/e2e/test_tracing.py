"""One HTTP command, one trace, on a private local stack (DECISIONS §8, issue 9 "Tracing").

The test runs an OTLP/HTTP receiver, starts the stack with ``OTEL_EXPORTER_OTLP_ENDPOINT``
pointing at it, and assigns a hazard's rectification: inspection's request and its database
calls, the relay's publish of ``HazardRectificationAssigned``, notify's and views' consumers,
notify's delivery to the responsible person (e-mail and robot, to the dev sinks), the relay's
publish of ``NotificationSent`` and views' consumer of it must all be one trace, each span the
child of the hop before it.
"""

import json
import random
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.clock import local_date
from shared.events.pii import find_pii
from shared.http.auth import principal_for
from tests.e2e.otlp import Receiver, Span, otlp_receiver
from tests.e2e.stackenv import explain, private_stack_env, run

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ASSIGNED = "inspection.hazard.rectification_assigned.v1"
SENT = "notify.notification.sent.v1"
ASSIGN_ROUTE = "/hazards/{hazard_id}/assign"
QUERIES = "opentelemetry.instrumentation.asyncpg"


class Stack:
    """The running private stack: HTTP calls with the dev tokens, and the receiver."""

    def __init__(self, env: dict[str, str], receiver: Receiver) -> None:
        self.env = env
        self.receiver = receiver
        self.state = Path(env["DEVSTACK_STATE_DIR"])
        self.tokens: dict[str, str] = json.loads((self.state / "tokens.json").read_text())
        self.http = httpx.Client(timeout=30)

    def url(self, service: str, path: str) -> str:
        """The address of a route of one service of this stack."""
        return f"http://127.0.0.1:{self.env[f'{service.upper()}_PORT']}{path}"

    def call(self, method: str, service: str, path: str, role: str, body: object = None) -> Any:
        """Send a command or query as ``role``; anything but 2xx fails the test."""
        answer = self.http.request(
            method,
            self.url(service, path),
            json=body,
            headers={"Authorization": f"Bearer {self.tokens[role]}"},
        )
        assert answer.is_success, f"{method} {service} {path}: {answer.status_code} {answer.text}"
        return answer.json()


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    with otlp_receiver() as receiver, private_stack_env() as env:
        env.update(
            {
                "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
                "OTEL_BSP_SCHEDULE_DELAY": "500",  # export every half second, not every five
                "OTEL_TRACES_SAMPLER": "parentbased_always_on",
            }
        )
        env.pop("OTEL_SDK_DISABLED", None)
        up = run(env, "devstack", "up", timeout=420)
        assert up.returncode == 0, explain(up, Path(env["DEVSTACK_STATE_DIR"]))
        running = Stack(env, receiver)
        try:
            yield running
        finally:
            running.http.close()


def wait(what: str, found: Callable[[], Any], timeout: float, why: Callable[[], str]) -> Any:
    """Poll until ``found()`` is truthy; on timeout fail with ``why()``."""
    deadline = time.monotonic() + timeout
    while True:
        result = found()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} after {timeout:.0f}s\n{why()}")
        time.sleep(0.5)


def _phone() -> str:
    return "139" + "".join(random.choice("0123456789") for _ in range(8))


def tree(spans: list[Span]) -> str:
    """The spans of one trace as an indented tree (for failure messages)."""
    ids = {s.span_id for s in spans}
    children: dict[str, list[Span]] = {}
    for span in spans:
        children.setdefault(span.parent_id if span.parent_id in ids else "", []).append(span)
    lines: list[str] = []

    def walk(parent: str, depth: int) -> None:
        for span in children.get(parent, []):
            lines.append("  " * depth + str(span))
            walk(span.span_id, depth + 1)

    walk("", 0)
    return "\n".join(lines)


def ancestors(span: Span, by_id: dict[str, Span]) -> list[Span]:
    """The span's parent, grandparent, … as far as they arrived."""
    found: list[Span] = []
    while span.parent_id in by_id:
        span = by_id[span.parent_id]
        found.append(span)
    return found


def _assign_flow(stack: Stack) -> tuple[str, str]:
    """Institution, contact, campaign, inspection, hazard, assign: the hazard id and e-mail."""
    site, head, responsible = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    stack.call(
        "POST",
        "eldercare",
        "/institutions",
        "admin",
        {
            "id": str(site),
            "filing_no": f"TRACE-{site.hex[:8]}",
            "name": "链路追踪测试养老院",
            "kind": "ELDERCARE_PUBLIC",
            "county_code": "430902",
            "township_code": "430902001",
            "beds": 40,
            "head_person_id": str(head),
        },
    )
    email = f"r{responsible.hex[:12]}@trace.yiyang.example"
    stack.call(
        "PUT",
        "notify",
        f"/contacts/{responsible}",
        "admin",
        {"email": email, "phone": _phone(), "chat_id": f"wx-{responsible.hex[:8]}"},
    )
    wait(
        "site in inspection's replica",
        lambda: any(
            s["id"] == str(site) for s in stack.call("GET", "inspection", "/sites", "inspector")
        ),
        120,
        lambda: "GET /sites never listed the institution",
    )
    today = local_date(datetime.now(UTC))
    campaign = stack.call(
        "POST",
        "inspection",
        "/campaigns",
        "safety_lead",
        {
            "code": f"TRACE{site.hex[:6].upper()}",
            "name": f"链路追踪测试行动{site.hex[:6]}",
            "kind": "FIRE_HAZARD_REMOVAL",
            "start_on": (today - timedelta(days=1)).isoformat(),
            "lead_unit": "益阳市民政局",
        },
    )
    inspection = stack.call(
        "POST",
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
    hazard = stack.call(
        "POST",
        "inspection",
        f"/inspections/{inspection['id']}/hazards",
        "inspector",
        {"category": "FIRE", "level": "GENERAL", "description": "疏散通道堆放杂物"},
    )
    stack.call(
        "POST",
        "inspection",
        f"/hazards/{hazard['id']}/assign",
        "inspector",
        {
            "responsible_person_id": str(responsible),
            "measures": "清理通道杂物，更换灭火器",
            "deadline_on": (today + timedelta(days=7)).isoformat(),
        },
    )
    return hazard["id"], email


def _assign_span(receiver: Receiver, hazard_id: str) -> Span | None:
    for span in receiver.spans():
        route = span.attributes.get("http.route")
        target = " ".join(str(v) for v in span.attributes.values())
        if span.kind == "SERVER" and route == ASSIGN_ROUTE and hazard_id in target:
            return span
    return None


class Trace:
    """The spans of one trace received so far, with lookups by hop."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = spans
        self.by_id = {s.span_id: s for s in spans}

    def find(self, service: str, kind: str, name: str, **attributes: object) -> list[Span]:
        """Spans of a service, kind and name whose attributes include ``attributes``."""
        return [
            s
            for s in self.spans
            if (s.service, s.kind, s.name) == (service, kind, name)
            and all(s.attributes.get(k) == v for k, v in attributes.items())
        ]

    def children(self, parent: Span, service: str, kind: str, name: str) -> list[Span]:
        """Direct children of ``parent`` of a service, kind and name."""
        return [s for s in self.find(service, kind, name) if s.parent_id == parent.span_id]

    def within(self, span: Span, root: Span) -> bool:
        """Whether ``root`` is ``span``'s ancestor."""
        return root in ancestors(span, self.by_id)


def _complete(trace: Trace) -> bool:
    """Every hop arrived: publish, both consumers, both deliveries, their publish and views."""
    published = trace.find("inspection", "PRODUCER", "inspection.hazards publish")
    assigned = [p for p in published if p.attributes.get("cloudevents.event_type") == ASSIGNED]
    if not assigned:
        return False
    relay = assigned[0]
    notify = trace.children(relay, "notify", "CONSUMER", "inspection.hazards process")
    views = trace.children(relay, "views", "CONSUMER", "inspection.hazards process")
    if not (notify and views):
        return False
    for channel in ("email", "robot"):
        delivered = trace.children(notify[0], "notify", "CLIENT", f"notify deliver {channel}")
        if not delivered:
            return False
        sent = [
            p
            for p in trace.children(
                delivered[0], "notify", "PRODUCER", "notify.notifications publish"
            )
            if p.attributes.get("cloudevents.event_type") == SENT
        ]
        if not sent or not trace.children(
            sent[0], "views", "CONSUMER", "notify.notifications process"
        ):
            return False
    return True


def test_one_assign_command_is_one_trace_through_every_hop(stack: Stack) -> None:
    hazard_id, email = _assign_flow(stack)
    receiver = stack.receiver

    server = wait(
        "server span of POST /hazards/{id}/assign",
        lambda: _assign_span(receiver, hazard_id),
        120,
        lambda: f"received {len(receiver.spans())} spans; rejected: {receiver.rejected}",
    )
    trace_id = server.trace_id

    def collected() -> Trace | None:
        trace = Trace([s for s in receiver.spans() if s.trace_id == trace_id])
        return trace if _complete(trace) else None

    def unrelated_roots() -> str:
        # A hop that does not continue the trace shows up as a root span of its own.
        roots = [s for s in receiver.spans() if not s.parent_id and s.scope != QUERIES]
        return "\n".join(map(str, roots[-30:]))

    trace: Trace = wait(
        "complete trace",
        collected,
        120,
        lambda: (
            f"trace {trace_id} so far:\n"
            f"{tree([s for s in receiver.spans() if s.trace_id == trace_id])}\n"
            f"recent root spans (not database):\n{unrelated_roots()}\n"
            f"rejected exports: {receiver.rejected}"
        ),
    )
    spans = trace.spans
    assert {s.trace_id for s in spans} == {trace_id}

    # The request: the HTTP server span is the trace's root, its database calls hang under it.
    assert server.service == "inspection"
    assert not server.parent_id
    assert server.attributes.get("http.status_code", 200) == 200
    queries = [s for s in spans if s.service == "inspection" and s.kind == "CLIENT"]
    assert {s.attributes.get("db.system") for s in queries} == {"postgresql"}
    assert all(trace.within(q, server) for q in queries)
    statements = " ".join(s.name for s in queries)
    for step in ("BEGIN", "UPDATE", "COMMIT"):
        assert step in statements, statements
    # The outbox rows go in with the relay's NOTIFY in one statement (WITH … INSERT … SELECT).
    texts = [str(q.attributes.get("db.statement", "")) for q in queries]
    assert any("INSERT INTO outbox" in text for text in texts), texts

    # The outbox row carried the request's context: the relay publishes under it.
    [relay] = [
        s
        for s in trace.find("inspection", "PRODUCER", "inspection.hazards publish")
        if s.attributes.get("cloudevents.event_type") == ASSIGNED
    ]
    assert trace.within(relay, server)
    assert relay.attributes["messaging.system"] == "kafka"

    # Each consumer continues from the relay's producer span, its database work inside it.
    consumers = {
        service: trace.children(relay, service, "CONSUMER", "inspection.hazards process")
        for service in ("notify", "views")
    }
    for service, found in consumers.items():
        assert len(found) == 1, f"{service}: {found}"
        [consumer] = found
        assert consumer.attributes["messaging.consumer.group.name"] == service
        work = [s for s in spans if s.service == service and s.kind == "CLIENT"]
        assert any(trace.within(s, consumer) and "INSERT" in s.name for s in work), service

    # notify's deliveries are children of its consumer span; what they publish continues on.
    [notify] = consumers["notify"]
    for channel in ("email", "robot"):
        [delivery] = trace.children(notify, "notify", "CLIENT", f"notify deliver {channel}")
        assert delivery.attributes["notify.outcome"] == "delivered"
        assert delivery.attributes["notify.attempt"] == 1
        [sent] = [
            p
            for p in trace.children(delivery, "notify", "PRODUCER", "notify.notifications publish")
            if p.attributes.get("cloudevents.event_type") == SENT
        ]
        assert trace.children(sent, "views", "CONSUMER", "notify.notifications process")

    # Really delivered to the responsible person, at the dev sinks.
    sinks = f"http://127.0.0.1:{stack.env['NOTIFY_SINK_HTTP_PORT']}/messages"
    mails = stack.http.get(sinks, params={"kind": "email", "to": email}).json()
    assert len(mails) == 1, mails

    # Background polls (relay, dispatcher, sweepers) export no one-query traces of their own.
    orphans = [s for s in receiver.spans() if not s.parent_id and s.scope == QUERIES]
    assert orphans == []

    # No span of the whole run carries personal data (the contact had a mobile number).
    leaks = [(str(s), hits) for s in receiver.spans() if (hits := find_pii(s.attributes))]
    assert leaks == []

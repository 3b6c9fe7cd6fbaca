"""Each delivery attempt continues the trace that created the notification (DECISIONS §8)."""

import dataclasses
import uuid

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from shared.testing.harness import wait_until
from tests.integration.conftest import START
from tests.integration.helpers import contact, later, wait_messages, wait_rows


@pytest.fixture(scope="session")
def exported(svc):
    """Every span this process ends from now on (the service runs in-process)."""
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    # Spans are exported now: the relay makes its publish spans, as with an OTLP endpoint set.
    relay = svc.app.state.runtime.relay
    relay.config = dataclasses.replace(relay.config, spans=True)
    return exporter


def _hex(number: int, width: int) -> str:
    return format(number, f"0{width}x")


async def _spans_of(exported, trace_id: str, want) -> list[ReadableSpan]:
    def of_trace() -> list[ReadableSpan]:
        return [
            s
            for s in exported.get_finished_spans()
            if s.context is not None and _hex(s.context.trace_id, 32) == trace_id
        ]

    async def arrived() -> bool:
        return bool(want(of_trace()))

    await wait_until(arrived, timeout=20)
    return of_trace()


async def test_each_attempt_and_what_it_publishes_continue_the_senders_trace(
    svc, sink, clock, exported
):
    clock.set(START)
    person = uuid.uuid4()
    address = await contact(svc, person)
    await sink.post("/_control/script", json={"kind": "sms", "statuses": [500]})
    trace_id, caller = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    made = await svc.client.post(
        "/notifications",
        json={
            "recipient_person_id": str(person),
            "channel": "sms",
            "priority": "HIGH",
            "params": {"title": "测试", "message": "请于今日下午三点参加安全例会。"},
        },
        headers={**svc.auth("notify_operator"), "traceparent": f"00-{trace_id}-{caller}-01"},
    )
    assert made.status_code == 201, made.text
    nid = made.json()["id"]
    await wait_messages(sink, "sms", address["phone"])
    await wait_rows(
        svc, "SELECT 1 FROM notifications WHERE id = $1 AND status = 'FAILED'", uuid.UUID(nid)
    )
    clock.set(later(START, seconds=61))  # the retry is due
    await wait_messages(sink, "sms", address["phone"], count=2)

    def complete(spans: list[ReadableSpan]) -> bool:
        names = [s.name for s in spans]
        return names.count("notify deliver sms") == 2 and (
            names.count("notify.notifications publish") == 2
        )

    spans = await _spans_of(exported, trace_id, complete)
    [server] = [s for s in spans if s.kind is SpanKind.SERVER]
    assert server.parent is not None
    assert _hex(server.parent.span_id, 16) == caller
    attempts = sorted(
        (s for s in spans if s.name == "notify deliver sms"),
        key=lambda s: int(str(s.attributes["notify.attempt"])) if s.attributes else 0,
    )
    for span in attempts:
        # Retries too: every attempt hangs under the request that created the notification.
        assert span.kind is SpanKind.CLIENT
        assert span.parent is not None
        assert span.parent.span_id == server.context.span_id
        assert span.attributes is not None
        assert span.attributes["notify.notification_id"] == nid
    assert [s.attributes["notify.outcome"] for s in attempts if s.attributes] == [
        "retryable",
        "delivered",
    ]
    assert [s.status.status_code for s in attempts] == [StatusCode.ERROR, StatusCode.UNSET]
    # DeliveryFailed and Sent are published under the attempt that decided them.
    published = {
        s.parent.span_id
        for s in spans
        if s.name == "notify.notifications publish" and s.parent is not None
    }
    assert published == {s.context.span_id for s in attempts}

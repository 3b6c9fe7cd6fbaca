"""What the exporting span processor forwards: everything but database calls of no trace."""

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from shared.telemetry import WithoutOrphanQueries


def test_a_query_outside_any_trace_is_dropped_and_every_other_span_exported():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(WithoutOrphanQueries(SimpleSpanProcessor(exporter)))
    queries = provider.get_tracer("opentelemetry.instrumentation.asyncpg")
    service = provider.get_tracer("shared.consumer")

    with queries.start_as_current_span("SELECT", kind=SpanKind.CLIENT):
        pass  # a relay or dispatcher poll
    with (
        service.start_as_current_span("inspection.hazards process", kind=SpanKind.CONSUMER),
        queries.start_as_current_span("INSERT", kind=SpanKind.CLIENT),
    ):
        pass  # the consumer's own work
    with service.start_as_current_span("inspection.hazards publish", kind=SpanKind.PRODUCER):
        pass  # a relay span of an event written outside any trace is still a trace

    assert [s.name for s in exporter.get_finished_spans()] == [
        "INSERT",
        "inspection.hazards process",
        "inspection.hazards publish",
    ]
    provider.shutdown()

"""OpenTelemetry tracing and JSON logs carrying trace ids; configured once per process."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from opentelemetry import context, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from pythonjsonlogger.json import JsonFormatter

_configured: dict[str, TracerProvider] = {}
_QUERIES = "opentelemetry.instrumentation.asyncpg"


class WithoutOrphanQueries(SpanProcessor):
    """Forward every span except database calls that belong to no trace.

    The relay's, the dispatcher's and the sweepers' polling queries run outside any request or
    consumer: each would be a one-span trace of its own, dozens a second on an idle stack,
    burying the traces that matter. A query inside a request, consumer or delivery is kept.
    """

    def __init__(self, delegate: SpanProcessor) -> None:
        self.delegate = delegate

    def on_start(self, span: Span, parent_context: context.Context | None = None) -> None:
        """Pass on."""
        self.delegate.on_start(span, parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        """Pass on unless it is a query without a parent."""
        scope = span.instrumentation_scope
        if span.parent is None and scope is not None and scope.name == _QUERIES:
            return
        self.delegate.on_end(span)

    def shutdown(self) -> None:
        """Pass on."""
        self.delegate.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Pass on."""
        return self.delegate.force_flush(timeout_millis)


class TraceIdFilter(logging.Filter):
    """Add the current trace and span ids to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        ctx = trace.get_current_span().get_span_context()
        record.trace_id = format(ctx.trace_id, "032x") if ctx.is_valid else None
        record.span_id = format(ctx.span_id, "016x") if ctx.is_valid else None
        return True


def setup_logging(service: str, *, level: str = "INFO", log_dir: Path | None = None) -> None:
    """JSON lines on stderr (and in ``log_dir/<service>.json.log`` when given)."""
    formatter = JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s",
        rename_fields={"levelname": "level", "asctime": "time"},
        static_fields={"service": service},
    )
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_dir / f"{service}.json.log", encoding="utf-8"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(TraceIdFilter())
        root.addHandler(handler)
    root.setLevel(level.upper())
    # aiokafka logs every reconnect attempt at ERROR while a broker is down; WARNING is enough.
    logging.getLogger("aiokafka").setLevel(logging.WARNING)


def setup_tracing(service: str, *, otlp_endpoint: str | None) -> TracerProvider:
    """The process's tracer provider; spans are exported over OTLP/HTTP only when configured."""
    if service in _configured:
        return _configured[service]
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
            OTLPSpanExporter,
        )

        endpoint = otlp_endpoint.rstrip("/")
        if not endpoint.endswith("/v1/traces"):
            endpoint += "/v1/traces"
        exporter = OTLPSpanExporter(endpoint=endpoint)
        provider.add_span_processor(WithoutOrphanQueries(BatchSpanProcessor(exporter)))
    if not _configured:
        trace.set_tracer_provider(provider)
    _configured[service] = provider
    return provider


def shutdown_tracing() -> None:
    """Flush spans still buffered (on process exit)."""
    for provider in _configured.values():
        provider.shutdown()
    _configured.clear()

"""The runtime every service shares: pool, migrations, broker, relay, consumer, HTTP basics.

A service describes itself with a :class:`ServiceDefinition`; its composition root passes that
and the settings to :func:`create_app`. Nothing here connects at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from faststream.kafka import KafkaBroker

from shared import db, migrations
from shared.asyncapi import document_publishers, specification
from shared.clock import Clock, SimulatedClock, SystemClock
from shared.consumer import ConsumerConfig, ConsumerRunner, Handler
from shared.events.base import IntegrationEvent
from shared.events.registry import REGISTRY
from shared.http import problems
from shared.http.auth import TokenStore, require
from shared.http.middleware import BodyLimitMiddleware, MetricsMiddleware
from shared.kafka import bootstrap_list, make_producer
from shared.metrics import Metrics
from shared.outbox import outbox_pending
from shared.pipeline import PipelineProbe
from shared.relay import Relay, RelayConfig
from shared.settings import ServiceSettings
from shared.telemetry import setup_logging, setup_tracing

log = logging.getLogger(__name__)

BackgroundTask = Callable[["Runtime"], Coroutine[Any, Any, None]]
# What else a service still has to do, given its pool and the clock's now (notify: due sends).
PendingWork = Callable[[asyncpg.Pool, Any], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class ServiceDefinition:
    """What makes a service itself: name, docs, migrations, events, routes, handlers, tasks."""

    name: str
    title: str
    description: str
    version: str = "1.0.0"
    migrations_dir: Path | None = None
    publishes: Sequence[type[IntegrationEvent]] = ()
    handlers: Mapping[str, Handler] = field(default_factory=dict)
    routers: Sequence[APIRouter] = ()
    background: Sequence[BackgroundTask] = ()
    # What else the service still has to do, for ``GET /_admin/pipeline`` (notify: due sends).
    pending: PendingWork | None = None
    # False when no code takes a session-level lock, LISTENs or SETs on a pooled connection:
    # released connections are then only rolled back, without asyncpg's reset round trip.
    pool_session_reset: bool = True


class Runtime:
    """What is alive in one service process; routes reach it through ``request.app.state``."""

    def __init__(self, definition: ServiceDefinition, settings: ServiceSettings, clock: Clock):
        self.definition = definition
        self.settings = settings
        self.clock = clock
        self.metrics = Metrics()
        self.tokens = TokenStore.from_settings(settings)
        # Every Kafka client below logs in as the service's own principal (when SASL is set).
        security = settings.kafka_security
        self.broker = KafkaBroker(
            bootstrap_list(settings.kafka_bootstrap_servers),
            allow_auto_create_topics=False,
            graceful_timeout=15.0,
            client_id=settings.service_name,
            logger=_broker_logger(settings),
            security=security.faststream(),
        )
        document_publishers(self.broker, list(definition.publishes))
        self._pool: asyncpg.Pool | None = None
        # aiokafka clients need a running loop: the DLQ producer is made in start().
        self.dlq_producer: Any = None
        self.consumer: ConsumerRunner | None = None
        if definition.handlers:
            self.consumer = ConsumerRunner(
                ConsumerConfig(
                    name=settings.consumer_group,
                    topics=consumed_topics(definition.handlers),
                    max_attempts=settings.consumer_max_attempts,
                    backoff_base_s=settings.consumer_backoff_base_s,
                    backoff_max_s=settings.consumer_backoff_max_s,
                    topic_prefix=settings.kafka_topic_prefix,
                ),
                pool=lambda: self.pool,
                handlers=definition.handlers,
                dlq_producer=lambda: self.dlq_producer,
                metrics=self.metrics,
            )
            self.consumer.subscribe(self.broker)
        self.relay = Relay(
            RelayConfig(
                dsn=settings.database_url.get_secret_value(),
                schema=settings.schema_name,
                bootstrap=settings.kafka_bootstrap_servers,
                batch_size=settings.relay_batch_size,
                poll_interval_s=settings.relay_poll_interval_s,
                topic_prefix=settings.kafka_topic_prefix,
                security=security,
                spans=settings.otel_exporter_otlp_endpoint is not None,
            ),
            metrics=self.metrics,
        )
        self.kafka_started = False
        self.tasks: list[asyncio.Task[None]] = []
        self.probe = PipelineProbe(
            settings.kafka_bootstrap_servers, settings.service_name, security
        )

    @property
    def pool(self) -> asyncpg.Pool:
        """The service's connection pool (exists once the app has started)."""
        if self._pool is None:
            raise RuntimeError("the pool exists only while the service runs")
        return self._pool

    async def start(self) -> None:
        """Connect, migrate, and start the relay, the consumer and the background tasks."""
        s = self.settings
        self._pool = await _pool_with_retry(s, session_reset=self.definition.pool_session_reset)
        if s.migrate_on_start:
            await migrate_service(self.definition, s)
        self.tasks.append(asyncio.create_task(self._start_kafka(), name="kafka-start"))
        if s.relay_enabled:
            self.tasks.append(asyncio.create_task(self.relay.run(), name="relay"))
        for task in self.definition.background:
            self.tasks.append(asyncio.create_task(task(self), name=getattr(task, "__name__", "bg")))

    async def _start_kafka(self) -> None:
        # Kafka may be down when the service starts: commands still commit to the outbox.
        delay = 0.5
        while True:
            try:
                if self.consumer is not None and self.dlq_producer is None:
                    producer = make_producer(
                        self.settings.kafka_bootstrap_servers,
                        client_id=f"{self.settings.service_name}-dlq",
                        security=self.settings.kafka_security,
                    )
                    await producer.start()
                    self.dlq_producer = producer
                await self.broker.start()
                self.kafka_started = True
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("Kafka not reachable yet", extra={"error": repr(exc)})
                with contextlib.suppress(Exception):
                    await self.broker.stop()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    async def stop(self) -> None:
        """Stop tasks, Kafka clients and the pool."""
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(BaseException):
                await task
        self.tasks.clear()
        if self.consumer is not None:
            await self.consumer.close()
        with contextlib.suppress(Exception):
            await self.broker.stop()
        await self.probe.close()
        if self.dlq_producer is not None:
            with contextlib.suppress(Exception):
                await self.dlq_producer.stop()
            self.dlq_producer = None
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def pipeline(self) -> dict[str, Any]:
        """Unpublished outbox rows, unconsumed records per topic, and the service's own backlog."""
        status: dict[str, Any] = {
            "service": self.definition.name,
            "outbox_pending": await outbox_pending(self.pool, self.settings.schema_name),
            "consumer": None,
            "pending": {},
        }
        if self.consumer is not None:
            lag = await self.probe.lag(self.consumer.config.name, self.consumer.config.kafka_topics)
            status["consumer"] = {
                "group": self.consumer.config.name,
                "lag": lag,
                "total": sum(lag.values()),
            }
        if self.definition.pending is not None:
            status["pending"] = await self.definition.pending(self.pool, self.clock.now())
        return status

    async def readiness(self) -> dict[str, bool]:
        """Whether the database and Kafka answer now."""
        checks = {"database": False, "kafka": False}
        with contextlib.suppress(Exception):
            async with asyncio.timeout(2):
                checks["database"] = await self.pool.fetchval("SELECT 1") == 1
        if self.kafka_started:
            with contextlib.suppress(Exception):
                checks["kafka"] = bool(await self.broker.ping(timeout=2.0))
        return checks


def _broker_logger(settings: ServiceSettings) -> logging.Logger:
    # faststream logs every message received and processed at INFO: at tens of thousands of
    # events that is most of a service's log and CPU. Keep it for LOG_LEVEL=DEBUG only.
    logger = logging.getLogger(f"{settings.service_name}.faststream")
    logger.setLevel(
        logging.DEBUG if str(settings.log_level).upper() == "DEBUG" else logging.WARNING
    )
    return logger


def consumed_topics(handlers: Mapping[str, Handler]) -> list[str]:
    """The topics carrying the handled event types."""
    topics = set()
    for event_type in handlers:
        contract = REGISTRY.contract(event_type)
        if contract is None:
            raise KeyError(f"handler registered for unknown event type {event_type}")
        topics.add(contract.TOPIC)
    return sorted(topics)


async def migrate_service(definition: ServiceDefinition, settings: ServiceSettings) -> list[str]:
    """Apply the platform's and the service's migrations to its schema."""
    todo = migrations.platform_migrations()
    if definition.migrations_dir is not None:
        todo += migrations.folder_migrations(definition.migrations_dir, source=definition.name)
    conn = await asyncpg.connect(settings.database_url.get_secret_value())
    try:
        return await migrations.migrate(conn, settings.schema_name, todo)
    finally:
        await conn.close()


async def _pool_with_retry(
    settings: ServiceSettings, *, session_reset: bool, attempts: int = 60
) -> asyncpg.Pool:
    for attempt in range(1, attempts + 1):
        try:
            return await db.create_pool(
                settings.database_url.get_secret_value(),
                schema=settings.schema_name,
                min_size=settings.db_pool_min,
                max_size=settings.db_pool_max,
                session_reset=session_reset,
            )
        except Exception as exc:
            if not db.is_unavailable(exc) or attempt == attempts:
                raise
            log.warning("database not reachable yet", extra={"attempt": attempt})
            await asyncio.sleep(1.0)
    raise RuntimeError("unreachable")


def runtime_of(request: Request) -> Runtime:
    """The runtime of the app serving this request."""
    runtime: Runtime = request.app.state.runtime
    return runtime


def create_app(
    definition: ServiceDefinition, settings: ServiceSettings, *, clock: Clock | None = None
) -> FastAPI:
    """The service's ASGI app: its routers plus health, readiness, metrics and AsyncAPI."""
    setup_logging(definition.name, level=settings.log_level, log_dir=settings.log_dir)
    provider = setup_tracing(definition.name, otlp_endpoint=settings.otel_exporter_otlp_endpoint)
    if clock is None:
        clock = SimulatedClock(SystemClock().now()) if settings.demo_mode else SystemClock()
    runtime = Runtime(definition, settings, clock)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version=definition.version,
        lifespan=lifespan,
        # Every route can refuse an unparsable body (400) or bad input (422, problem+json rather
        # than FastAPI's own HTTPValidationError), besides the token, size and outage refusals.
        responses=problems.problem_responses(400, 401, 403, 413, 422, 503),
    )
    app.state.runtime = runtime
    app.state.tokens = runtime.tokens
    problems.install(app)
    app.include_router(_ops_router(definition, runtime))
    if settings.demo_mode:
        app.include_router(_clock_router())
    for router in definition.routers:
        app.include_router(router)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes)
    app.add_middleware(MetricsMiddleware, metrics=runtime.metrics)
    _instrument(app, provider, database=settings.otel_exporter_otlp_endpoint is not None)
    return app


def _instrument(app: FastAPI, provider: Any, *, database: bool) -> None:
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
    from opentelemetry.util.http import parse_excluded_urls

    # The server span of each request, without a span per body chunk received or sent. It is
    # named by its method first and renamed with its route template once the router has found
    # it (``MetricsMiddleware``): FastAPIInstrumentor finds it by matching every route up front,
    # a sixth of a small command's CPU.
    app.add_middleware(
        OpenTelemetryMiddleware,
        excluded_urls=parse_excluded_urls("health,ready,metrics"),
        default_span_details=_span_before_routing,
        tracer_provider=provider,
        exclude_spans=["receive", "send"],
    )
    # A span per query is worth its cost (a fifth of a command's CPU) only when spans are
    # exported; the HTTP, relay and consumer spans still carry the trace through Kafka.
    instrumentor = AsyncPGInstrumentor()  # type: ignore[no-untyped-call]
    if database and not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(tracer_provider=provider)


def _span_before_routing(scope: Any) -> tuple[str, dict[str, str]]:
    """A server span's name until its route is known: the method."""
    return str(scope.get("method") or "HTTP"), {}


def _ops_router(definition: ServiceDefinition, runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["运维 operations"])
    spec = specification(
        runtime.broker,
        title=f"{definition.name} events",
        version=definition.version,
        description=definition.description,
    )

    @router.get("/health", summary="进程存活")
    async def health() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok", "service": definition.name}

    @router.get("/ready", summary="数据库与 Kafka 可用", responses={503: {"description": "未就绪"}})
    async def ready() -> JSONResponse:
        """200 when the database and Kafka both answer, else 503 with what failed."""
        checks = await runtime.readiness()
        ok = all(checks.values())
        body = {"status": "ready" if ok else "not_ready", "checks": checks}
        return JSONResponse(body, status_code=200 if ok else 503)

    @router.get("/metrics", summary="Prometheus 指标", response_class=PlainTextResponse)
    async def metrics() -> Response:
        """Prometheus exposition."""
        return Response(runtime.metrics.render(), media_type="text/plain; version=0.0.4")

    @router.get(
        "/_admin/pipeline",
        summary="积压情况：未发布的发件箱记录、未消费的消息",
        dependencies=[Depends(require("admin"))],
        responses=problems.problem_responses(401, 403),
    )
    async def pipeline() -> dict[str, Any]:
        """How far behind the service is (the demo loader waits for zero between days)."""
        return await runtime.pipeline()

    @router.get("/asyncapi", summary="AsyncAPI 3 事件文档（JSON）")
    async def asyncapi() -> Response:
        """The AsyncAPI document of every event this service publishes and consumes."""
        return Response(spec.to_specification().to_json(), media_type="application/json")

    @router.get(
        "/asyncapi.yaml",
        summary="AsyncAPI 3 事件文档（YAML）",
        responses={200: {"content": {"application/yaml": {"schema": {"type": "object"}}}}},
    )
    async def asyncapi_yaml() -> Response:
        """The same document as YAML."""
        return Response(spec.to_specification().to_yaml(), media_type="application/yaml")

    return router


def _clock_router() -> APIRouter:
    from shared.http.clock_routes import router

    return router

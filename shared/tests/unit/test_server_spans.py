"""A request's server span is named by its route template and carries ``http.route``."""

import httpx
from fastapi import APIRouter
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from pydantic import SecretStr

from shared.service import ServiceDefinition, create_app
from shared.settings import ServiceSettings
from shared.telemetry import setup_tracing

router = APIRouter(prefix="/hazards")


@router.post("/{hazard_id}/assign")
async def assign(hazard_id: int) -> dict[str, int]:
    return {"hazard_id": hazard_id}


class Settings(ServiceSettings):
    service_name: str = "spans"


async def test_the_server_span_is_named_by_the_route_template_once_routed():
    exported = InMemorySpanExporter()
    # create_app uses the provider of the service's name: see what it ends.
    setup_tracing("spans", otlp_endpoint=None).add_span_processor(SimpleSpanProcessor(exported))
    settings = Settings(
        database_url=SecretStr("postgresql://nobody@127.0.0.1:1/none"),
        kafka_bootstrap_servers="127.0.0.1:1",
    )
    app = create_app(
        ServiceDefinition(name="spans", title="t", description="d", routers=[router]), settings
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        assert (await c.post("/hazards/7/assign")).status_code == 200
        assert (await c.post("/nowhere")).status_code == 404
    servers = [s for s in exported.get_finished_spans() if s.kind is SpanKind.SERVER]
    assert [s.name for s in servers] == ["POST /hazards/{hazard_id}/assign", "POST"]
    assert servers[0].attributes is not None
    assert servers[0].attributes["http.route"] == "/hazards/{hazard_id}/assign"
    # No span per body chunk received or sent.
    assert [s.kind for s in exported.get_finished_spans()] == [SpanKind.SERVER, SpanKind.SERVER]

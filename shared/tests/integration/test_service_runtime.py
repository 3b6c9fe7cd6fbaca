"""A whole service on the shared runtime: HTTP command → outbox → relay → Kafka → consumer."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from shared import outbox
from shared.events import envelope_for
from shared.events.inspection import CampaignLaunched
from shared.http.auth import Principal, require
from shared.service import ServiceDefinition, runtime_of
from shared.settings import ServiceSettings
from shared.testing import start_service
from shared.testing.harness import wait_until

router = APIRouter()


class LaunchRequest(BaseModel):
    code: str


@router.post("/campaigns", status_code=201)
async def launch(
    body: LaunchRequest,
    request: Request,
    who: Annotated[Principal, Depends(require("safety_lead"))],
) -> dict[str, str]:
    runtime = runtime_of(request)
    event = CampaignLaunched(
        campaign_id=uuid.uuid4(),
        code=body.code,
        name="消防安全专项整治",
        kind="FIRE_HAZARD_REMOVAL",
        start_on=date(2024, 3, 1),
        lead_unit="市民政局",
    )
    env = envelope_for(
        event, source="inspection", version=1, time=runtime.clock.now(), actor=str(who.person_id)
    )
    async with runtime.pool.acquire() as conn, conn.transaction():
        await outbox.add(conn, [env], schema=runtime.settings.schema_name)
    return {"id": str(event.campaign_id)}


async def remember(conn, event, env):
    await conn.execute("INSERT INTO seen VALUES ($1)", event.campaign_id)


class Settings(ServiceSettings):
    service_name: str = "demo"


def definition(settings: ServiceSettings) -> ServiceDefinition:
    return ServiceDefinition(
        name=settings.service_name,
        title="测试服务",
        description="A service built only from the shared runtime.",
        publishes=[CampaignLaunched],
        handlers={CampaignLaunched.TYPE: remember},
        routers=[router],
    )


async def test_command_event_flows_through_outbox_relay_kafka_and_back_into_a_consumer(
    pg_admin_dsn, kafka_bootstrap
):
    async with start_service(
        definition, Settings, pg_admin_dsn=pg_admin_dsn, kafka_bootstrap=kafka_bootstrap
    ) as svc:
        await svc.pool.execute("CREATE TABLE seen (id uuid PRIMARY KEY)")
        denied = await svc.client.post(
            "/campaigns", json={"code": "X"}, headers=svc.auth("auditor")
        )
        assert denied.status_code == 403
        made = await svc.client.post(
            "/campaigns", json={"code": "ZX-1"}, headers=svc.auth("safety_lead")
        )
        assert made.status_code == 201
        campaign_id = made.json()["id"]
        [event] = await svc.events("inspection.campaigns", subject=campaign_id)
        assert event["data"]["code"] == "ZX-1"
        assert event["actor"]
        await wait_until(lambda: svc.pool.fetchval("SELECT count(*) = 1 FROM seen"))
        ready = await svc.client.get("/ready")
        assert ready.json()["checks"] == {"database": True, "kafka": True}
        metrics = (await svc.client.get("/metrics")).text
        assert f'consumer_messages_total{{consumer="{svc.settings.consumer_group}"' in metrics
        asyncapi = (await svc.client.get("/asyncapi")).json()
        channel = asyncapi["channels"]["inspection.campaigns:inspection.campaign.launched.v1"]
        assert channel["address"] == "inspection.campaigns"
        assert "CampaignLaunchedEvent" in asyncapi["components"]["schemas"]

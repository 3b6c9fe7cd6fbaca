"""Routes of campaigns (专项行动)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from inspection.adapters import queries
from inspection.domain import commands as cmds
from inspection.domain.campaigns import Campaign
from inspection.entrypoints.http.commanding import execute
from inspection.entrypoints.http.roles import Reader, role
from inspection.entrypoints.http.routes.reading import one
from inspection.entrypoints.http.schemas.campaigns import (
    CampaignResponse,
    CloseCampaignRequest,
    LaunchCampaignRequest,
)
from inspection.entrypoints.http.schemas.common import FilterCode, Limit, Offset, render
from inspection.service_layer.handlers import campaigns as handlers
from shared.http.auth import Principal
from shared.http.problems import problem_responses
from shared.service import runtime_of

router = APIRouter(prefix="/campaigns", tags=["专项行动 campaigns"])
TABLE = "campaigns"


def _render(campaign: Campaign) -> CampaignResponse:
    return render(CampaignResponse, campaign)


@router.post(
    "",
    status_code=201,
    response_model=CampaignResponse,
    summary="启动专项行动",
    responses=problem_responses(401, 403, 409, 422),
)
async def launch_campaign(
    body: LaunchCampaignRequest,
    request: Request,
    who: Annotated[Principal, role("launch_campaign")],
) -> JSONResponse:
    """Launch a campaign: emits CampaignLaunched (409 duplicate_campaign, 422 invalid_period)."""
    cmd = cmds.LaunchCampaign(
        id=body.id or uuid.uuid4(),
        code=body.code,
        name=body.name,
        kind=body.kind,
        start_on=body.start_on,
        end_on=body.end_on,
        lead_unit=body.lead_unit,
    )
    return await execute(
        request,
        who,
        scope="launch_campaign",
        payload=body,
        run=lambda uow, ctx: handlers.launch_campaign(cmd, uow, ctx),
        render=_render,
        status_code=201,
    )


@router.post(
    "/{campaign_id}/close",
    response_model=CampaignResponse,
    summary="结束专项行动",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def close_campaign(
    campaign_id: uuid.UUID,
    body: CloseCampaignRequest,
    request: Request,
    who: Annotated[Principal, role("close_campaign")],
) -> JSONResponse:
    """Close a campaign: emits CampaignClosed (409 invalid_state when already closed)."""
    cmd = cmds.CloseCampaign(id=campaign_id, end_on=body.end_on)
    return await execute(
        request,
        who,
        scope="close_campaign",
        payload=body,
        run=lambda uow, ctx: handlers.close_campaign(cmd, uow, ctx),
        render=_render,
    )


@router.get(
    "",
    response_model=list[CampaignResponse],
    summary="专项行动列表",
    responses=problem_responses(401, 403, 422),
)
async def list_campaigns(
    request: Request,
    _: Reader,
    status: FilterCode = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[CampaignResponse]:
    """Campaigns, optionally by status (ACTIVE / CLOSED)."""
    items = await queries.fetch_many(
        runtime_of(request).pool,
        TABLE,
        Campaign,
        filters=[("status = {}", status)],
        order_by="start_on, id",
        limit=limit,
        offset=offset,
    )
    return [_render(item) for item in items]


@router.get(
    "/{campaign_id}",
    response_model=CampaignResponse,
    summary="专项行动详情",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_campaign(campaign_id: uuid.UUID, request: Request, _: Reader) -> CampaignResponse:
    """One campaign."""
    return _render(await one(request, TABLE, Campaign, campaign_id, "专项行动"))

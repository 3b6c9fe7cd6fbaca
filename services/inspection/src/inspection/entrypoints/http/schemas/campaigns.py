"""Request and response models of campaigns, leaders and the site replica."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from inspection.entrypoints.http.schemas.common import HumanCode, Label, Request, Response

CampaignKind = Literal[
    "WINTER_SPRING_100D",
    "FIRE_HAZARD_REMOVAL",
    "ROOT_CAUSE",
    "GAS_SAFETY",
    "DISASTER_RISK",
    "FIRE_LIFE_CHANNEL",
    "URBAN_OPERATION",
]
LeaderRole = Literal["MAIN_LEADER", "TEAM_MEMBER", "SAFETY_LEAD"]


class LaunchCampaignRequest(Request):
    """Launch a campaign (专项行动)."""

    id: uuid.UUID | None = Field(default=None, description="Client-supplied id (optional)")
    code: HumanCode = Field(description="Human code, e.g. C1")
    name: Label
    kind: CampaignKind
    start_on: date
    end_on: date | None = None
    lead_unit: Label


class CloseCampaignRequest(Request):
    """Close a campaign; ``end_on`` defaults to its planned end, else today."""

    end_on: date | None = None


class CampaignResponse(Response):
    """A campaign."""

    id: uuid.UUID
    code: str
    name: str
    kind: str
    start_on: date
    end_on: date | None
    lead_unit: str
    status: str
    closed_at: datetime | None


class AssignLeaderRequest(Request):
    """The member's roles in the leadership group, from a date."""

    roles: list[LeaderRole] = Field(max_length=3)
    effective_from: date = Field(ge=date(2000, 1, 1), le=date(2099, 12, 31))


class LeaderResponse(Response):
    """A member of the safety leadership group."""

    id: uuid.UUID = Field(description="The staff person id")
    roles: list[str]
    cadences: list[str] = Field(description="WEEKLY (safety lead) and/or MONTHLY")
    effective_from: date
    status: str
    removed_at: datetime | None


class CadenceBreachResponse(BaseModel):
    """A closed period in which a member completed no qualifying inspection."""

    person_id: uuid.UUID
    period_kind: str
    period_key: str
    period_start_on: date
    period_end_on: date
    evaluated_at: datetime


class SiteResponse(BaseModel):
    """A site as replicated from eldercare.institutions."""

    id: uuid.UUID
    kind: str | None
    status: str
    county_code: str | None
    version: int

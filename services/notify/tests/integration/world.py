"""Builders of the other services' events, as their producers would publish them."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from shared.events import eldercare as ec, inspection as ins
from tests.integration.helpers import inject


@dataclass
class Hazard:
    """One hazard's life, versioned as inspection would version it."""

    site_id: uuid.UUID
    responsible: uuid.UUID
    deadline: date = date(2024, 3, 20)
    hazard_id: uuid.UUID = field(default_factory=uuid.uuid4)
    version: int = 0
    hazard_no: str = field(default_factory=lambda: f"YH-2024-{uuid.uuid4().hex[:4].upper()}")
    sent: list[Any] = field(default_factory=list)

    async def emit(self, svc, event, at: datetime):
        self.version += 1
        env = await inject(svc, event, self.version, at)
        self.sent.append((event, env))
        return env

    async def reported(self, svc, at: datetime):
        return await self.emit(
            svc,
            ins.HazardReported(
                hazard_id=self.hazard_id,
                hazard_no=self.hazard_no,
                site_id=self.site_id,
                category="消防",
                level="GENERAL",
                found_at=at,
                found_by=uuid.uuid4(),
                photo_count=1,
            ),
            at,
        )

    async def assigned(self, svc, at: datetime):
        return await self.emit(
            svc,
            ins.HazardRectificationAssigned(
                hazard_id=self.hazard_id,
                site_id=self.site_id,
                level="GENERAL",
                responsible_person_id=self.responsible,
                deadline_on=self.deadline,
                funds_minor=0,
                has_contingency_plan=False,
                has_interim_measures=False,
            ),
            at,
        )

    async def approaching(self, svc, at: datetime):
        return await self.emit(
            svc,
            ins.HazardDeadlineApproaching(
                hazard_id=self.hazard_id,
                site_id=self.site_id,
                responsible_person_id=self.responsible,
                deadline_on=self.deadline,
                days_left=3,
            ),
            at,
        )

    async def overdue(self, svc, at: datetime):
        return await self.emit(
            svc,
            ins.HazardOverdue(
                hazard_id=self.hazard_id,
                site_id=self.site_id,
                level="GENERAL",
                responsible_person_id=self.responsible,
                deadline_on=self.deadline,
            ),
            at,
        )

    async def escalated(self, svc, at: datetime, days: int = 8):
        return await self.emit(
            svc,
            ins.HazardEscalated(
                hazard_id=self.hazard_id,
                site_id=self.site_id,
                level="GENERAL",
                deadline_on=self.deadline,
                days_overdue=days,
            ),
            at,
        )

    async def submitted(self, svc, at: datetime, verifier: uuid.UUID):
        return await self.emit(
            svc,
            ins.HazardRectificationSubmitted(
                hazard_id=self.hazard_id,
                site_id=self.site_id,
                submitted_at=at,
                evidence_count=2,
                verifier_id=verifier,
            ),
            at,
        )


async def site(
    svc, head: uuid.UUID, at: datetime, name: str = "益阳市第一社会福利院", county="430902"
):
    site_id = uuid.uuid4()
    await inject(
        svc,
        ec.InstitutionRegistered(
            institution_id=site_id,
            filing_no=f"BA-{site_id.hex[:6]}",
            name=name,
            kind="SOCIAL_WELFARE_HOME",
            county_code=county,
            township_code=county + "001",
            beds=100,
            head_person_id=head,
            status="ACTIVE",
            registered_at=at,
        ),
        1,
        at,
    )
    return site_id


async def leader(svc, person: uuid.UUID, roles: tuple[Any, ...], at: datetime):
    await inject(
        svc,
        ins.LeaderAssigned(
            person_id=person,
            roles=roles,
            cadences=("MONTHLY",),
            effective_from=date(2024, 1, 1),
        ),
        1,
        at,
    )


async def branch(svc, leader_id: uuid.UUID, county: str, at: datetime):
    corps = uuid.uuid4()
    await inject(
        svc,
        ec.VolunteerBranchFounded(
            corps_id=corps,
            branch_id=uuid.uuid4(),
            name="银龄志愿分队",
            county_code=county,
            leader_person_id=leader_id,
            founded_at=at,
        ),
        2,
        at,
    )

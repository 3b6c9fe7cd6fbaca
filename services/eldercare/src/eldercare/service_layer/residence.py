"""Ending a residence: shared by discharge, death and erasure."""

from __future__ import annotations

from datetime import datetime

from eldercare.domain.elders import Elder
from eldercare.service_layer.ports import UnitOfWork
from shared.events.eldercare import ElderDischarged


async def discharge(uow: UnitOfWork, elder: Elder, *, at: datetime | None = None) -> None:
    """End a residence and announce it (409 ``not_resident`` when there is none)."""
    left = elder.discharge()
    await uow.elders.save(elder)
    uow.publish(
        ElderDischarged(elder_id=elder.id, institution_id=left, discharged_at=at or uow.now),
        version=elder.version,
    )

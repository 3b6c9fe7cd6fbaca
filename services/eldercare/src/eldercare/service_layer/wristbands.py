"""Use cases of yellow wristbands (黄手环) and missing-person cases (DOMAIN §5.5)."""

from __future__ import annotations

import json
from uuid import UUID

from pydantic import AwareDatetime, Field

from eldercare.domain.elders import Elder
from eldercare.domain.errors import ConflictError
from eldercare.domain.wristbands import ACTIVE, MissingCase, Wristband
from eldercare.service_layer.common import (
    Code,
    Command,
    HumanCode,
    PersonalText,
    check_free_text,
    get_or_404,
    get_or_422,
    new_id,
)
from eldercare.service_layer.ports import UnitOfWork
from shared.events.eldercare import (
    MissingCaseFound,
    MissingCaseReported,
    WristbandDeactivated,
    WristbandIssued,
)


class IssueWristband(Command):
    """Issue a yellow wristband to an elder."""

    id: UUID | None = None
    code: HumanCode = Field(description="The printed code (unique; never published)")
    elder_id: UUID
    brand_project_id: UUID = Field(description='The charity project "黄手环"')


class DeactivateWristband(Command):
    """Deactivate a band."""

    reason_code: Code = "LOST"


class ReportMissing(Command):
    """Report an elder missing (走失)."""

    id: UUID | None = None
    elder_id: UUID
    last_seen_place: PersonalText | None = Field(
        default=None, description="Kept encrypted in the vault (行踪轨迹); never published"
    )
    note: PersonalText | None = Field(default=None, description="No ID or phone numbers")


class FoundMissing(Command):
    """Close a missing case."""

    found_at: AwareDatetime | None = Field(default=None, description="Default: now")
    outcome: Code = Field(default="FOUND_SAFE", description="FOUND_SAFE, FOUND_INJURED, …")
    finder_details: PersonalText | None = Field(
        default=None, description="Kept encrypted in the vault; never published"
    )


async def deactivate_wristbands_of(
    uow: UnitOfWork, elder_id: UUID, *, reason_code: str, caused_by: str
) -> None:
    """Deactivate an elder's active bands (on death or erasure), announcing each."""
    for band_id in await uow.lookups.active_wristbands(elder_id):
        band = await get_or_404(uow.wristbands, band_id, "黄手环")
        band.deactivate(reason_code, at=uow.now)
        await uow.wristbands.save(band)
        uow.publish(
            WristbandDeactivated(
                wristband_id=band.id,
                elder_id=band.elder_id,
                reason_code=reason_code,
                deactivated_at=uow.now,
            ),
            version=band.version,
            caused_by=caused_by,
        )


async def issue_wristband(uow: UnitOfWork, cmd: IssueWristband) -> Wristband:
    """Issue a band (409 ``already_has_wristband``, ``duplicate_code``, ``elder_not_active``)."""
    elder: Elder = await get_or_422(uow.elders, cmd.elder_id, "老人", lock=True)
    elder.ensure_active()
    if await uow.lookups.active_wristbands(elder.id):
        raise ConflictError("already_has_wristband", "该老人已有在用的黄手环")
    if await uow.lookups.wristband_code_taken(cmd.code):
        raise ConflictError("duplicate_code", "黄手环编码已被使用")
    band = Wristband(
        id=new_id(cmd.id),
        code=cmd.code,
        elder_id=elder.id,
        brand_project_id=cmd.brand_project_id,
        issued_at=uow.now,
        status=ACTIVE,
        deactivated_at=None,
        reason_code=None,
        version=1,
    )
    if not await uow.wristbands.add(band):
        raise ConflictError("already_exists", "黄手环已登记")
    uow.publish(
        WristbandIssued(
            wristband_id=band.id,
            elder_id=band.elder_id,
            brand_project_id=band.brand_project_id,
            issued_at=band.issued_at,
        ),
        version=band.version,
    )
    return band


async def deactivate_wristband(
    uow: UnitOfWork, wristband_id: UUID, cmd: DeactivateWristband
) -> Wristband:
    """Deactivate a band (409 ``invalid_state`` when it already is)."""
    band = await get_or_404(uow.wristbands, wristband_id, "黄手环")
    band.deactivate(cmd.reason_code, at=uow.now)
    await uow.wristbands.save(band)
    uow.publish(
        WristbandDeactivated(
            wristband_id=band.id,
            elder_id=band.elder_id,
            reason_code=cmd.reason_code,
            deactivated_at=uow.now,
        ),
        version=band.version,
    )
    return band


async def report_missing(uow: UnitOfWork, cmd: ReportMissing) -> MissingCase:
    """Open a case (URGENT for notify); 409 ``case_already_open`` / ``elder_not_active``."""
    check_free_text(cmd.note)
    elder: Elder = await get_or_422(uow.elders, cmd.elder_id, "老人", lock=True)
    elder.ensure_active()
    if await uow.lookups.open_missing_case(elder.id) is not None:
        raise ConflictError("case_already_open", "该老人已有未结案的走失报告")
    case = MissingCase(
        id=new_id(cmd.id),
        elder_id=elder.id,
        county_code=elder.county_code,
        reported_at=uow.now,
        found_at=None,
        outcome=None,
        version=1,
    )
    if not await uow.missing_cases.add(case):
        raise ConflictError("already_exists", "该走失报告已存在")
    restricted = {"last_seen_place": cmd.last_seen_place, "note": cmd.note}
    await _keep_restricted(uow, case, restricted)
    uow.publish(
        MissingCaseReported(
            case_id=case.id,
            elder_id=case.elder_id,
            county_code=case.county_code,
            reported_at=case.reported_at,
        ),
        version=case.version,
    )
    return case


async def found_missing(uow: UnitOfWork, case_id: UUID, cmd: FoundMissing) -> MissingCase:
    """Close a case; 422 ``found_before_reported``, 409 ``invalid_state``."""
    case = await get_or_404(uow.missing_cases, case_id, "走失报告")
    case.found(cmd.outcome, at=cmd.found_at or uow.now, now=uow.now)
    await uow.missing_cases.save(case)
    await _keep_restricted(uow, case, {"finder_details": cmd.finder_details})
    uow.publish(
        MissingCaseFound(
            case_id=case.id,
            elder_id=case.elder_id,
            found_at=case.found_at or uow.now,
            outcome=cmd.outcome,
        ),
        version=case.version,
    )
    return case


async def _keep_restricted(
    uow: UnitOfWork, case: MissingCase, values: dict[str, str | None]
) -> None:
    """Whereabouts (行踪轨迹) go to the elder's vault, so erasing the elder erases them too."""
    kept = {
        f"missing_case:{case.id}:{k}": json.dumps(v, ensure_ascii=False)
        for k, v in values.items()
        if v
    }
    if kept:
        await uow.vault.store("elder", case.elder_id, kept)

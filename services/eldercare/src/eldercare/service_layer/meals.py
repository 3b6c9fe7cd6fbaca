"""Use cases of meal points (益老食堂) and meals (DOMAIN §5.4)."""

from __future__ import annotations

from datetime import time
from uuid import UUID

from pydantic import AwareDatetime, Field

from eldercare.domain.errors import ConflictError, InvalidInputError, in_future
from eldercare.domain.meals import OPEN, Meal, MealPoint, Slot, check_amounts, ensure_open
from eldercare.service_layer.common import (
    Code,
    Command,
    Count,
    HumanCode,
    Label,
    Minor,
    get_or_404,
    get_or_422,
    new_id,
)
from eldercare.service_layer.ports import UnitOfWork
from shared.clock import local_date
from shared.events import IntegrationEvent
from shared.events.eldercare import (
    MealPointClosed,
    MealPointEstablished,
    MealPointResumed,
    MealPointSuspended,
    MealPointType,
    MealServed,
    MealSlot,
    VerificationMethod,
)


class SlotIn(Command):
    """A serving window, local time."""

    name: MealSlot
    start: time = Field(description="HH:MM, local")
    end: time = Field(description="HH:MM, local (exclusive)")


class EstablishMealPoint(Command):
    """Put a meal point into service (it starts OPEN; counts as 建设)."""

    id: UUID | None = None
    name: Label
    type: MealPointType
    brand_project_id: UUID | None = Field(default=None, description='e.g. charity "益老食堂"')
    operator_institution_id: UUID | None = None
    operator_org: Label | None = None
    county_code: Code
    township_code: Code
    established_at: AwareDatetime | None = Field(default=None, description="Default: now")
    capacity_per_slot: Count = Field(description=">= 1")
    slots: list[SlotIn] | None = Field(default=None, description="Default: the settings' slots")
    food_license_no: HumanCode | None = Field(default=None, description="Required for CANTEEN")


class ChangeMealPointStatus(Command):
    """Suspend, resume or close a point."""

    reason_code: Code = "UNSPECIFIED"


class ServeMeal(Command):
    """Record a meal; the device sends only the method and whether verification passed."""

    id: UUID | None = None
    elder_id: UUID
    served_at: AwareDatetime
    slot: MealSlot | None = Field(default=None, description="Default: the slot holding served_at")
    verification_method: VerificationMethod
    verification_passed: bool = True
    price_minor: Minor
    subsidy_minor: Minor
    paid_minor: Minor


def _slots(uow: UnitOfWork, given: list[SlotIn] | None) -> tuple[Slot, ...]:
    if given is not None:
        return tuple(Slot(s.name, s.start, s.end) for s in given)
    return tuple(
        Slot(name, time.fromisoformat(start), time.fromisoformat(end))
        for name, (start, end) in uow.rules.default_meal_slots.items()
    )


async def establish_meal_point(uow: UnitOfWork, cmd: EstablishMealPoint) -> MealPoint:
    """``MealPointEstablished``; 422 ``license_required``, ``invalid_capacity``, ``in_future``."""
    point = MealPoint(
        id=new_id(cmd.id),
        name=cmd.name,
        type=cmd.type,
        brand_project_id=cmd.brand_project_id,
        operator_institution_id=cmd.operator_institution_id,
        operator_org=cmd.operator_org,
        county_code=cmd.county_code,
        township_code=cmd.township_code,
        established_at=cmd.established_at or uow.now,
        capacity_per_slot=cmd.capacity_per_slot,
        slots=_slots(uow, cmd.slots),
        food_license_no=cmd.food_license_no,
        status=OPEN,
        version=1,
    )
    point.ensure_established_by(uow.now)
    if cmd.operator_institution_id is not None:
        await get_or_422(uow.institutions, cmd.operator_institution_id, "运营机构", lock=False)
    if not await uow.meal_points.add(point):
        raise ConflictError("already_exists", "助餐点已登记")
    await uow.lookups.record_meal_point_status(point.id, OPEN, point.established_at)
    uow.publish(
        MealPointEstablished(
            meal_point_id=point.id,
            name=point.name,
            type=cmd.type,
            brand_project_id=point.brand_project_id,
            operator_institution_id=point.operator_institution_id,
            county_code=point.county_code,
            township_code=point.township_code,
            capacity_per_slot=point.capacity_per_slot,
            established_at=point.established_at,
        ),
        version=point.version,
    )
    return point


async def change_meal_point_status(
    uow: UnitOfWork, meal_point_id: UUID, verb: str, cmd: ChangeMealPointStatus
) -> MealPoint:
    """Suspend, resume or close (409 ``invalid_state``)."""
    point = await get_or_404(uow.meal_points, meal_point_id, "助餐点")
    if verb == "suspend":
        point.suspend()
        event: IntegrationEvent = MealPointSuspended(
            meal_point_id=point.id, suspended_at=uow.now, reason_code=cmd.reason_code
        )
    elif verb == "resume":
        point.resume()
        event = MealPointResumed(meal_point_id=point.id, resumed_at=uow.now)
    else:
        point.close()
        event = MealPointClosed(meal_point_id=point.id, closed_at=uow.now)
    await uow.meal_points.save(point)
    await uow.lookups.record_meal_point_status(point.id, point.status, uow.now)
    uow.publish(event, version=point.version)
    return point


def _check_request(uow: UnitOfWork, cmd: ServeMeal) -> None:
    """What a meal request must satisfy by itself (422)."""
    if cmd.served_at > uow.now:
        raise in_future("用餐时间")
    if not cmd.verification_passed:
        raise InvalidInputError("verification_failed", "身份核验未通过，不能记录助餐")
    check_amounts(
        price_minor=cmd.price_minor,
        subsidy_minor=cmd.subsidy_minor,
        paid_minor=cmd.paid_minor,
        cap_minor=uow.rules.meal_subsidy_cap_minor,
    )


async def serve_meal(uow: UnitOfWork, meal_point_id: UUID, cmd: ServeMeal) -> Meal:
    """``MealServed``; 422 hours/amounts/future, 409 closed point, inactive elder, duplicate."""
    _check_request(uow, cmd)
    # The point's row lock orders the meals of one point: capacity counts stay exact.
    point = await get_or_404(uow.meal_points, meal_point_id, "助餐点")
    slot = point.slot_at(cmd.served_at, requested=cmd.slot)
    ensure_open(await uow.lookups.meal_point_open_at(point.id, cmd.served_at))
    elder = await get_or_422(uow.elders, cmd.elder_id, "老人")
    elder.ensure_active()
    served_on = local_date(cmd.served_at)
    if await uow.lookups.meal_taken(elder.id, served_on, slot.name):
        raise _duplicate()
    if await uow.lookups.meals_in_slot(point.id, served_on, slot.name) >= point.capacity_per_slot:
        raise ConflictError("capacity_exceeded", "该时段供餐人数已满")
    meal = Meal(
        id=new_id(cmd.id),
        meal_point_id=point.id,
        elder_id=elder.id,
        served_at=cmd.served_at,
        served_on=served_on,
        slot=slot.name,
        verification_method=cmd.verification_method,
        price_minor=cmd.price_minor,
        subsidy_minor=cmd.subsidy_minor,
        paid_minor=cmd.paid_minor,
        version=1,
    )
    if not await uow.meals.add(meal):
        # The unique (elder, date, slot) index is the last word under concurrency.
        if await uow.lookups.meal_taken(elder.id, served_on, slot.name):
            raise _duplicate()
        raise ConflictError("already_exists", "该助餐记录已存在")
    uow.publish(_served(meal), version=meal.version)
    return meal


def _served(meal: Meal) -> MealServed:
    return MealServed(
        meal_id=meal.id,
        meal_point_id=meal.meal_point_id,
        elder_id=meal.elder_id,
        served_at=meal.served_at,
        slot=meal.slot,  # type: ignore[arg-type]
        verification_method=meal.verification_method,  # type: ignore[arg-type]
        price_minor=meal.price_minor,
        subsidy_minor=meal.subsidy_minor,
        paid_minor=meal.paid_minor,
    )


def _duplicate() -> ConflictError:
    return ConflictError("duplicate_meal", "该老人在同一天同一时段已有助餐记录")

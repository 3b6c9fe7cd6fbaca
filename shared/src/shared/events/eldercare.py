"""Events published by the eldercare service (DOMAIN §8.3)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal, Self
from uuid import UUID

from pydantic import AwareDatetime, Field, StringConstraints, model_validator

from shared.events import topics
from shared.events.base import IntegrationEvent

# Bounded strings: a contract never carries free text of unbounded size (DOMAIN §9.1).
Label = Annotated[str, StringConstraints(min_length=1, max_length=200)]
HumanCode = Annotated[str, StringConstraints(min_length=1, max_length=64)]
# Machine codes (reason codes, region codes): one ASCII token, so no sentence can hide in them.
Code = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]
Count = Annotated[int, Field(ge=0)]
PositiveCount = Annotated[int, Field(ge=1)]
# Money in fen: a JSON number, never a string or a float (DOMAIN §3.5), hence strict.
Minor = Annotated[int, Field(ge=0, strict=True)]

InstitutionKind = Literal[
    "ELDERCARE_SAFETY_NET",
    "ELDERCARE_PUBLIC",
    "ELDERCARE_PRIVATE",
    "SOCIAL_WELFARE_HOME",
    "CHILD_WELFARE",
    "RELIEF_STATION",
    "FUNERAL_HOME",
]
InstitutionStatus = Literal["ACTIVE", "SUSPENDED", "CLOSED"]
ElderAgeBand = Literal["60-69", "70-79", "80-89", "90+"]
CarePillar = Literal["SAFETY_NET", "INSTITUTIONAL", "HOME"]
MealPointType = Literal["CANTEEN", "MEAL_POINT", "MEAL_TABLE"]
MealSlot = Literal["LUNCH", "DINNER"]
VerificationMethod = Literal["FACE", "CARD", "QR", "STAFF_PROXY"]
ServiceType = Literal[
    "VISIT", "MEAL_HELP", "CLEANING", "COMPANIONSHIP", "CULTURAL", "ANTI_WANDERING"
]


class InstitutionRegistered(IntegrationEvent):
    """A civil-affairs service site (民政服务机构) was registered in the master registry."""

    TYPE: ClassVar[str] = "eldercare.institution.registered.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_INSTITUTIONS
    AGGREGATE: ClassVar[str] = "institution"
    KEY_FIELD: ClassVar[str] = "institution_id"

    institution_id: UUID
    filing_no: HumanCode
    name: Label
    kind: InstitutionKind
    county_code: Code
    township_code: Code
    beds: Count
    head_person_id: UUID
    status: InstitutionStatus
    registered_at: AwareDatetime


class InstitutionStatusChanged(IntegrationEvent):
    """An institution was suspended, reactivated or closed."""

    TYPE: ClassVar[str] = "eldercare.institution.status_changed.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_INSTITUTIONS
    AGGREGATE: ClassVar[str] = "institution"
    KEY_FIELD: ClassVar[str] = "institution_id"

    institution_id: UUID
    status: InstitutionStatus
    changed_at: AwareDatetime
    reason_code: Code


class InstitutionCapacityChanged(IntegrationEvent):
    """An institution's number of beds changed."""

    TYPE: ClassVar[str] = "eldercare.institution.capacity_changed.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_INSTITUTIONS
    AGGREGATE: ClassVar[str] = "institution"
    KEY_FIELD: ClassVar[str] = "institution_id"

    institution_id: UUID
    beds: Count


class ElderRegistered(IntegrationEvent):
    """An elder's record (老年人档案) was opened; personal data stays in the eldercare vault."""

    TYPE: ClassVar[str] = "eldercare.elder.registered.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_ELDERS
    AGGREGATE: ClassVar[str] = "elder"
    KEY_FIELD: ClassVar[str] = "elder_id"

    elder_id: UUID
    age_band: ElderAgeBand
    sex: Annotated[str, StringConstraints(min_length=1, max_length=16)]
    county_code: Code
    township_code: Code
    care_pillars: tuple[CarePillar, ...]
    registered_at: AwareDatetime


class ElderAbilityAssessed(IntegrationEvent):
    """An elder's ability was assessed; the level itself is health data and never published."""

    TYPE: ClassVar[str] = "eldercare.elder.ability_assessed.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_ELDERS
    AGGREGATE: ClassVar[str] = "elder"
    KEY_FIELD: ClassVar[str] = "elder_id"

    elder_id: UUID
    assessment_id: UUID
    assessed_at: AwareDatetime


class ElderAdmitted(IntegrationEvent):
    """An elder was admitted to an institution as a resident."""

    TYPE: ClassVar[str] = "eldercare.elder.admitted.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_ELDERS
    AGGREGATE: ClassVar[str] = "elder"
    KEY_FIELD: ClassVar[str] = "elder_id"

    elder_id: UUID
    institution_id: UUID
    admitted_at: AwareDatetime


class ElderDischarged(IntegrationEvent):
    """An elder left the institution they lived in."""

    TYPE: ClassVar[str] = "eldercare.elder.discharged.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_ELDERS
    AGGREGATE: ClassVar[str] = "elder"
    KEY_FIELD: ClassVar[str] = "elder_id"

    elder_id: UUID
    institution_id: UUID
    discharged_at: AwareDatetime


class ElderDeceased(IntegrationEvent):
    """An elder's death was recorded."""

    TYPE: ClassVar[str] = "eldercare.elder.deceased.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_ELDERS
    AGGREGATE: ClassVar[str] = "elder"
    KEY_FIELD: ClassVar[str] = "elder_id"

    elder_id: UUID
    died_on: date


class ElderMovedOut(IntegrationEvent):
    """An elder moved out of the city's care."""

    TYPE: ClassVar[str] = "eldercare.elder.moved_out.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_ELDERS
    AGGREGATE: ClassVar[str] = "elder"
    KEY_FIELD: ClassVar[str] = "elder_id"

    elder_id: UUID
    moved_out_on: date


class ElderErased(IntegrationEvent):
    """An elder's personal data was erased (vault key shredded); only the id remains."""

    TYPE: ClassVar[str] = "eldercare.elder.erased.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_ELDERS
    AGGREGATE: ClassVar[str] = "elder"
    KEY_FIELD: ClassVar[str] = "elder_id"

    elder_id: UUID


class HomeModificationApplied(IntegrationEvent):
    """A household applied for a home age-friendly modification (居家适老化改造)."""

    TYPE: ClassVar[str] = "eldercare.home_modification.applied.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_HOME_MODIFICATIONS
    AGGREGATE: ClassVar[str] = "home_modification"
    KEY_FIELD: ClassVar[str] = "modification_id"

    modification_id: UUID
    household_id: UUID
    elder_id: UUID
    county_code: Code
    applied_at: AwareDatetime


class HomeModificationAssessed(IntegrationEvent):
    """A home modification was assessed and its plan (一户一策) and subsidy were set."""

    TYPE: ClassVar[str] = "eldercare.home_modification.assessed.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_HOME_MODIFICATIONS
    AGGREGATE: ClassVar[str] = "home_modification"
    KEY_FIELD: ClassVar[str] = "modification_id"

    modification_id: UUID
    elder_id: UUID
    basic_item_count: PositiveCount
    optional_item_count: Count
    subsidy_minor: Minor
    self_paid_minor: Minor
    assessed_at: AwareDatetime


class HomeModificationRejected(IntegrationEvent):
    """A home modification application was rejected at assessment."""

    TYPE: ClassVar[str] = "eldercare.home_modification.rejected.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_HOME_MODIFICATIONS
    AGGREGATE: ClassVar[str] = "home_modification"
    KEY_FIELD: ClassVar[str] = "modification_id"

    modification_id: UUID
    elder_id: UUID
    reason_code: Code
    rejected_at: AwareDatetime


class HomeModificationApproved(IntegrationEvent):
    """An assessed home modification was approved."""

    TYPE: ClassVar[str] = "eldercare.home_modification.approved.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_HOME_MODIFICATIONS
    AGGREGATE: ClassVar[str] = "home_modification"
    KEY_FIELD: ClassVar[str] = "modification_id"

    modification_id: UUID
    approved_at: AwareDatetime


class HomeModificationCompleted(IntegrationEvent):
    """The contractor finished the works of a home modification."""

    TYPE: ClassVar[str] = "eldercare.home_modification.completed.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_HOME_MODIFICATIONS
    AGGREGATE: ClassVar[str] = "home_modification"
    KEY_FIELD: ClassVar[str] = "modification_id"

    modification_id: UUID
    contractor_org_id: UUID
    completed_at: AwareDatetime


class HomeModificationAccepted(IntegrationEvent):
    """A completed home modification passed acceptance (it counts as 完成)."""

    TYPE: ClassVar[str] = "eldercare.home_modification.accepted.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_HOME_MODIFICATIONS
    AGGREGATE: ClassVar[str] = "home_modification"
    KEY_FIELD: ClassVar[str] = "modification_id"

    modification_id: UUID
    household_id: UUID
    elder_id: UUID
    subsidy_minor: Minor
    inspector_id: UUID
    accepted_at: AwareDatetime


class MealPointEstablished(IntegrationEvent):
    """A meal point for elders (老年助餐服务点) was put into service."""

    TYPE: ClassVar[str] = "eldercare.meal_point.established.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_MEAL_POINTS
    AGGREGATE: ClassVar[str] = "meal_point"
    KEY_FIELD: ClassVar[str] = "meal_point_id"

    meal_point_id: UUID
    name: Label
    type: MealPointType
    brand_project_id: UUID | None = None
    operator_institution_id: UUID | None = None
    county_code: Code
    township_code: Code
    capacity_per_slot: PositiveCount
    established_at: AwareDatetime


class MealPointSuspended(IntegrationEvent):
    """A meal point was suspended."""

    TYPE: ClassVar[str] = "eldercare.meal_point.suspended.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_MEAL_POINTS
    AGGREGATE: ClassVar[str] = "meal_point"
    KEY_FIELD: ClassVar[str] = "meal_point_id"

    meal_point_id: UUID
    suspended_at: AwareDatetime
    reason_code: Code


class MealPointResumed(IntegrationEvent):
    """A suspended meal point reopened."""

    TYPE: ClassVar[str] = "eldercare.meal_point.resumed.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_MEAL_POINTS
    AGGREGATE: ClassVar[str] = "meal_point"
    KEY_FIELD: ClassVar[str] = "meal_point_id"

    meal_point_id: UUID
    resumed_at: AwareDatetime


class MealPointClosed(IntegrationEvent):
    """A meal point closed for good."""

    TYPE: ClassVar[str] = "eldercare.meal_point.closed.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_MEAL_POINTS
    AGGREGATE: ClassVar[str] = "meal_point"
    KEY_FIELD: ClassVar[str] = "meal_point_id"

    meal_point_id: UUID
    closed_at: AwareDatetime


class MealServed(IntegrationEvent):
    """A meal was served to an elder at a meal point (助餐记录)."""

    TYPE: ClassVar[str] = "eldercare.meal.served.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_MEALS
    AGGREGATE: ClassVar[str] = "meal"
    KEY_FIELD: ClassVar[str] = "meal_id"

    meal_id: UUID
    meal_point_id: UUID
    elder_id: UUID
    served_at: AwareDatetime
    slot: MealSlot
    verification_method: VerificationMethod
    price_minor: Minor
    subsidy_minor: Minor
    paid_minor: Minor


class WristbandIssued(IntegrationEvent):
    """A yellow wristband (黄手环) was issued to an elder; its printed code is never published."""

    TYPE: ClassVar[str] = "eldercare.wristband.issued.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_WRISTBANDS
    AGGREGATE: ClassVar[str] = "wristband"
    KEY_FIELD: ClassVar[str] = "wristband_id"

    wristband_id: UUID
    elder_id: UUID
    brand_project_id: UUID
    issued_at: AwareDatetime


class WristbandDeactivated(IntegrationEvent):
    """A yellow wristband was deactivated."""

    TYPE: ClassVar[str] = "eldercare.wristband.deactivated.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_WRISTBANDS
    AGGREGATE: ClassVar[str] = "wristband"
    KEY_FIELD: ClassVar[str] = "wristband_id"

    wristband_id: UUID
    elder_id: UUID
    reason_code: Code
    deactivated_at: AwareDatetime


class MissingCaseReported(IntegrationEvent):
    """An elder was reported missing (走失); the last-seen location is never published."""

    TYPE: ClassVar[str] = "eldercare.missing_case.reported.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_MISSING_CASES
    AGGREGATE: ClassVar[str] = "missing_case"
    KEY_FIELD: ClassVar[str] = "case_id"

    case_id: UUID
    elder_id: UUID
    county_code: Code
    reported_at: AwareDatetime


class MissingCaseFound(IntegrationEvent):
    """A missing elder was found; the finder's details are never published."""

    TYPE: ClassVar[str] = "eldercare.missing_case.found.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_MISSING_CASES
    AGGREGATE: ClassVar[str] = "missing_case"
    KEY_FIELD: ClassVar[str] = "case_id"

    case_id: UUID
    elder_id: UUID
    found_at: AwareDatetime
    outcome: Code


class VolunteerCorpsFounded(IntegrationEvent):
    """The silver-age volunteer corps (银龄行动志愿服务总队) was founded."""

    TYPE: ClassVar[str] = "eldercare.volunteer_corps.founded.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_VOLUNTEER_CORPS
    AGGREGATE: ClassVar[str] = "volunteer_corps"
    KEY_FIELD: ClassVar[str] = "corps_id"

    corps_id: UUID
    name: Label
    founded_at: AwareDatetime


class VolunteerBranchFounded(IntegrationEvent):
    """A county branch (分队) of the volunteer corps was founded."""

    TYPE: ClassVar[str] = "eldercare.volunteer_corps.branch_founded.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_VOLUNTEER_CORPS
    AGGREGATE: ClassVar[str] = "volunteer_corps"
    KEY_FIELD: ClassVar[str] = "corps_id"

    corps_id: UUID
    branch_id: UUID
    name: Label
    county_code: Code
    leader_person_id: UUID | None = None
    founded_at: AwareDatetime


class VolunteerBranchDissolved(IntegrationEvent):
    """A branch of the volunteer corps was dissolved."""

    TYPE: ClassVar[str] = "eldercare.volunteer_corps.branch_dissolved.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_VOLUNTEER_CORPS
    AGGREGATE: ClassVar[str] = "volunteer_corps"
    KEY_FIELD: ClassVar[str] = "corps_id"

    corps_id: UUID
    branch_id: UUID
    dissolved_at: AwareDatetime


class VolunteerEnrolled(IntegrationEvent):
    """A volunteer joined a branch of the corps; personal data stays in the eldercare vault."""

    TYPE: ClassVar[str] = "eldercare.volunteer.enrolled.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_VOLUNTEERS
    AGGREGATE: ClassVar[str] = "volunteer"
    KEY_FIELD: ClassVar[str] = "volunteer_id"

    volunteer_id: UUID
    branch_id: UUID
    # DOMAIN pins age bands for elders only; volunteers' bands are left to eldercare.
    age_band: Annotated[str, StringConstraints(min_length=1, max_length=16)]
    enrolled_at: AwareDatetime


class VolunteerLeft(IntegrationEvent):
    """A volunteer left the corps."""

    TYPE: ClassVar[str] = "eldercare.volunteer.left.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_VOLUNTEERS
    AGGREGATE: ClassVar[str] = "volunteer"
    KEY_FIELD: ClassVar[str] = "volunteer_id"

    volunteer_id: UUID
    left_at: AwareDatetime


class VolunteerServiceRecorded(IntegrationEvent):
    """A volunteer's service to an elder or an institution was recorded."""

    TYPE: ClassVar[str] = "eldercare.volunteer_service.recorded.v1"
    TOPIC: ClassVar[str] = topics.ELDERCARE_VOLUNTEER_SERVICES
    AGGREGATE: ClassVar[str] = "volunteer_service"
    KEY_FIELD: ClassVar[str] = "record_id"

    record_id: UUID
    volunteer_id: UUID
    branch_id: UUID
    service_type: ServiceType
    started_at: AwareDatetime
    minutes: Annotated[int, Field(ge=1, le=720)]
    elder_id: UUID | None = None
    institution_id: UUID | None = None

    @model_validator(mode="after")
    def _exactly_one_target(self) -> Self:
        if (self.elder_id is None) == (self.institution_id is None):
            raise ValueError("exactly one of elder_id and institution_id is required")
        return self


EVENTS: tuple[type[IntegrationEvent], ...] = (
    InstitutionRegistered,
    InstitutionStatusChanged,
    InstitutionCapacityChanged,
    ElderRegistered,
    ElderAbilityAssessed,
    ElderAdmitted,
    ElderDischarged,
    ElderDeceased,
    ElderMovedOut,
    ElderErased,
    HomeModificationApplied,
    HomeModificationAssessed,
    HomeModificationRejected,
    HomeModificationApproved,
    HomeModificationCompleted,
    HomeModificationAccepted,
    MealPointEstablished,
    MealPointSuspended,
    MealPointResumed,
    MealPointClosed,
    MealServed,
    WristbandIssued,
    WristbandDeactivated,
    MissingCaseReported,
    MissingCaseFound,
    VolunteerCorpsFounded,
    VolunteerBranchFounded,
    VolunteerBranchDissolved,
    VolunteerEnrolled,
    VolunteerLeft,
    VolunteerServiceRecorded,
)

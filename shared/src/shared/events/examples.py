"""One valid, deterministic, PII-free example instance per event contract.

Used by the contract tests and to generate the event catalogue. Ids are uuid5 of readable codes
in :data:`EXAMPLE_NS` (the demo loader uses its own namespace, so examples never collide with demo
data); instants are 2024 Asia/Shanghai wall-clock times converted to UTC, as events carry them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from typing import TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

from shared.events import charity, eldercare, inspection, notify
from shared.events.base import IntegrationEvent, event_id_for

E = TypeVar("E", bound=IntegrationEvent)

EXAMPLE_NS = uuid5(NAMESPACE_URL, "urn:minzheng:event-examples")
_SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def _id(kind: str, code: str) -> UUID:
    return uuid5(EXAMPLE_NS, f"{kind}:{code}")


def _at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A 2024 local (Asia/Shanghai) wall-clock time, as the UTC instant an event carries."""
    return datetime(2024, month, day, hour, minute, tzinfo=_SHANGHAI).astimezone(UTC)


def _on(month: int, day: int) -> date:
    return date(2024, month, day)


# The cast shared by the examples: two sites, the leaders, a campaign, an inspection, hazards...
SITE = _id("institution", "INST-001")
SITE_2 = _id("institution", "INST-002")
SITE_3 = _id("institution", "INST-003")
SITE_HEAD = _id("person", "INST-001-HEAD")
SITE_SAFETY_OFFICER = _id("person", "INST-001-SAFETY")
MAIN_LEADER = _id("person", "L1")
TEAM_MEMBER = _id("person", "L4")
SAFETY_LEAD = _id("person", "S1")
STAFF = _id("person", "STAFF-01")
CAMPAIGN = _id("campaign", "C1")
INSPECTION = _id("inspection", "JC-2024-001")
HAZARD = _id("hazard", "YH-2024-001")
OVERDUE_HAZARD = _id("hazard", "YH-2024-090")
SURVEY = _id("survey", "DY-2024-01")
PROBLEM = _id("problem", "WT-2024-001")
ELDER = _id("elder", "ELD-000001")
HOME_ELDER = _id("elder", "ELD-001001")
HOME_MOD = _id("home_modification", "SLH-2024-0001")
MEAL_POINT = _id("meal_point", "ZC-2024-01")
CORPS = _id("volunteer_corps", "VC-1")
BRANCH = _id("volunteer_branch", "VC-1-430902")
VOLUNTEER = _id("volunteer", "VOL-001")
LOTTERY_FUND = _id("fund", "LOT-2024")
DONATION_FUND = _id("fund", "DON")
RELIEF_PROJECT = _id("project", "PRJ-P5")
SCHOLARSHIP_PROJECT = _id("project", "PRJ-P6")
SUBSIDY_PROJECT = _id("project", "PRJ-P9")
WEEKEND_MOTHERS_PROJECT = _id("project", "PRJ-P7")
CANTEEN_PROJECT = _id("project", "PRJ-P1")
WRISTBAND_PROJECT = _id("project", "PRJ-P2")
ALLOCATION = _id("allocation", "ALC-A5")
STUDENT = _id("beneficiary", "STU-2024-001")
DISBURSEMENT = _id("disbursement", "FF-2024-0001")
NOTIFICATION = _id("notification", "TZ-2024-0001")
COUNTY = "430902"  # 资阳区
TOWNSHIP = "430902100"


def _inspection() -> tuple[IntegrationEvent, ...]:
    return (
        inspection.CampaignLaunched(
            campaign_id=CAMPAIGN,
            code="C1",
            name="冬春安全生产百日攻坚行动",
            kind="WINTER_SPRING_100D",
            start_on=date(2023, 12, 1),
            end_on=_on(3, 9),
            lead_unit="市民政局安全生产工作领导小组办公室",
        ),
        inspection.CampaignClosed(campaign_id=CAMPAIGN, end_on=_on(3, 9)),
        inspection.LeaderAssigned(
            person_id=SAFETY_LEAD,
            roles=("TEAM_MEMBER", "SAFETY_LEAD"),
            cadences=("MONTHLY", "WEEKLY"),
            effective_from=_on(1, 1),
        ),
        inspection.LeaderRemoved(person_id=TEAM_MEMBER, removed_at=_at(9, 2, 10)),
        inspection.LeaderCadenceBreached(
            person_id=SAFETY_LEAD,
            period_kind="WEEKLY",
            period_key="2024-W32",
            period_start_on=_on(8, 5),
            period_end_on=_on(8, 11),
        ),
        inspection.InspectionScheduled(
            inspection_id=INSPECTION,
            inspection_no="JC-2024-001",
            site_id=SITE,
            type="ROUTINE_WEEKLY",
            campaign_id=CAMPAIGN,
            lead_person_id=SAFETY_LEAD,
            planned_on=_on(1, 3),
            announced=True,
        ),
        inspection.InspectionCompleted(
            inspection_id=INSPECTION,
            site_id=SITE,
            type="ROUTINE_WEEKLY",
            campaign_id=CAMPAIGN,
            lead_person_id=SAFETY_LEAD,
            participant_ids=(STAFF,),
            completed_at=_at(1, 3, 11, 30),
            hazards_found=2,
        ),
        inspection.InspectionCancelled(
            inspection_id=_id("inspection", "JC-2024-061"), site_id=SITE_2, reason_code="FLOOD_DUTY"
        ),
        inspection.HazardReported(
            hazard_id=HAZARD,
            hazard_no="YH-2024-001",
            site_id=SITE,
            inspection_id=INSPECTION,
            campaign_id=CAMPAIGN,
            category="FIRE",
            level="GENERAL",
            found_at=_at(1, 3, 10, 15),
            found_by=SAFETY_LEAD,
            photo_count=2,
        ),
        inspection.HazardRectificationAssigned(
            hazard_id=HAZARD,
            site_id=SITE,
            level="GENERAL",
            responsible_person_id=SITE_SAFETY_OFFICER,
            deadline_on=_on(1, 17),
            funds_minor=150_000,
            funds_source="SITE_BUDGET",
            has_contingency_plan=True,
            has_interim_measures=False,
        ),
        inspection.HazardDeadlineExtended(
            hazard_id=HAZARD,
            site_id=SITE,
            old_deadline_on=_on(1, 17),
            new_deadline_on=_on(1, 24),
            extension_count=1,
            approved_by=SAFETY_LEAD,
        ),
        inspection.HazardRectificationSubmitted(
            hazard_id=HAZARD,
            site_id=SITE,
            submitted_at=_at(1, 10, 16),
            evidence_count=3,
            verifier_id=SAFETY_LEAD,
        ),
        inspection.HazardRectificationRejected(
            hazard_id=HAZARD,
            site_id=SITE,
            verifier_id=SAFETY_LEAD,
            rejected_at=_at(1, 11, 15),
            rework_count=1,
        ),
        inspection.HazardRectificationVerified(
            hazard_id=HAZARD, site_id=SITE, verifier_id=SAFETY_LEAD, verified_at=_at(1, 15, 15)
        ),
        inspection.HazardDeadlineApproaching(
            hazard_id=OVERDUE_HAZARD,
            site_id=SITE_3,
            responsible_person_id=SITE_SAFETY_OFFICER,
            deadline_on=_on(11, 15),
            days_left=3,
        ),
        inspection.HazardOverdue(
            hazard_id=OVERDUE_HAZARD,
            site_id=SITE_3,
            level="GENERAL",
            responsible_person_id=SITE_SAFETY_OFFICER,
            deadline_on=_on(11, 15),
        ),
        inspection.HazardEscalated(
            hazard_id=OVERDUE_HAZARD,
            site_id=SITE_3,
            level="GENERAL",
            deadline_on=_on(11, 15),
            days_overdue=8,
        ),
        inspection.DrillPlanned(
            drill_id=_id("drill", "YL-2024-001"),
            site_id=SITE,
            drill_type="FIRE_EVACUATION",
            planned_on=_on(3, 15),
        ),
        inspection.DrillHeld(
            drill_id=_id("drill", "YL-2024-001"),
            site_id=SITE,
            drill_type="FIRE_EVACUATION",
            held_at=_at(3, 15, 10),
            participants=45,
            residents_participating=30,
        ),
        inspection.DrillCancelled(
            drill_id=_id("drill", "YL-2024-173"), site_id=SITE_2, reason_code="FLOOD_DUTY"
        ),
        inspection.SafetyTalkHeld(
            talk_id=_id("safety_talk", "XJ-2024-001"),
            format="MINZHENG_LECTURE",
            # 07:30 on New Year's Day in Yiyang is still 2023 in UTC: it counts in 2024 (§3.2).
            held_at=_at(1, 1, 7, 30),
            audience_count=40,
        ),
        inspection.WorkNoticeIssued(
            notice_id=_id("work_notice", "GZTS-2024-005"),
            notice_no="GZTS-2024-005",
            title="关于做好冬季防火工作的提示",
            issued_at=_at(11, 15, 10),
            issuer_person_id=MAIN_LEADER,
            target_site_ids=(SITE, SITE_2, SITE_3),
            require_ack=True,
            ack_due_on=_on(11, 22),
        ),
        inspection.WorkNoticeAcknowledged(
            notice_id=_id("work_notice", "GZTS-2024-005"),
            site_id=SITE,
            acked_at=_at(11, 16, 9, 20),
            acked_by=SITE_HEAD,
        ),
        inspection.SafetyMeetingHeld(
            meeting_id=_id("safety_meeting", "HY-2024-01"),
            kind="PARTY_GROUP",
            held_at=_at(1, 16, 9),
        ),
        inspection.SurveyLaunched(
            survey_id=SURVEY,
            scale="LARGE",
            theme="养老服务质量提升",
            lead_person_id=MAIN_LEADER,
            launched_at=_at(1, 8, 9),
        ),
        inspection.SurveyCompleted(
            survey_id=SURVEY, scale="LARGE", completed_at=_at(2, 29, 17), problems_registered=7
        ),
        inspection.ProblemRegistered(
            problem_id=PROBLEM,
            source="SURVEY",
            survey_id=SURVEY,
            county_code=COUNTY,
            category="ELDERCARE_SERVICE",
            owner_unit="养老服务科",
            registered_at=_at(2, 1, 15),
        ),
        inspection.ProblemResolved(problem_id=PROBLEM, resolved_at=_at(3, 15, 16)),
        inspection.ProblemReopened(
            problem_id=PROBLEM, reopened_at=_at(4, 2, 10), reason_code="RESIDENT_NOT_SATISFIED"
        ),
        inspection.ProblemConfirmed(problem_id=PROBLEM, confirmed_at=_at(4, 30, 16)),
    )


def _eldercare() -> tuple[IntegrationEvent, ...]:
    return (
        eldercare.InstitutionRegistered(
            institution_id=SITE,
            filing_no="43090220240001",
            name="资阳区中心敬老院",
            kind="ELDERCARE_SAFETY_NET",
            county_code=COUNTY,
            township_code=TOWNSHIP,
            beds=60,
            head_person_id=SITE_HEAD,
            status="ACTIVE",
            registered_at=_at(1, 2, 9),
        ),
        eldercare.InstitutionStatusChanged(
            institution_id=SITE,
            status="SUSPENDED",
            changed_at=_at(6, 3, 9),
            reason_code="FIRE_SAFETY_RECTIFICATION",
        ),
        eldercare.InstitutionCapacityChanged(institution_id=SITE, beds=80),
        eldercare.ElderRegistered(
            elder_id=ELDER,
            age_band="80-89",
            sex="F",
            county_code=COUNTY,
            township_code=TOWNSHIP,
            care_pillars=("SAFETY_NET", "INSTITUTIONAL"),
            registered_at=_at(1, 5, 10),
        ),
        eldercare.ElderAbilityAssessed(
            elder_id=ELDER,
            assessment_id=_id("assessment", "PG-2024-000001"),
            assessed_at=_at(1, 6, 10),
        ),
        eldercare.ElderAdmitted(elder_id=ELDER, institution_id=SITE, admitted_at=_at(1, 8, 9)),
        eldercare.ElderDischarged(
            elder_id=ELDER, institution_id=SITE, discharged_at=_at(6, 30, 10)
        ),
        eldercare.ElderDeceased(elder_id=ELDER, died_on=_on(9, 18)),
        eldercare.ElderMovedOut(elder_id=ELDER, moved_out_on=_on(7, 6)),
        eldercare.ElderErased(elder_id=ELDER),
        eldercare.HomeModificationApplied(
            modification_id=HOME_MOD,
            household_id=_id("household", "HH-2024-0001"),
            elder_id=HOME_ELDER,
            county_code="430903",
            applied_at=_at(1, 2, 10),
        ),
        eldercare.HomeModificationAssessed(
            modification_id=HOME_MOD,
            elder_id=HOME_ELDER,
            basic_item_count=4,
            optional_item_count=2,
            subsidy_minor=280_000,
            self_paid_minor=36_000,
            assessed_at=_at(1, 12, 15),
        ),
        eldercare.HomeModificationRejected(
            modification_id=_id("home_modification", "SLH-2024-0002"),
            elder_id=_id("elder", "ELD-001002"),
            reason_code="INELIGIBLE",
            rejected_at=_at(1, 12, 16),
        ),
        eldercare.HomeModificationApproved(modification_id=HOME_MOD, approved_at=_at(1, 19, 10)),
        eldercare.HomeModificationCompleted(
            modification_id=HOME_MOD,
            contractor_org_id=_id("organisation", "ORG-CONTRACTOR-01"),
            completed_at=_at(2, 27, 17),
        ),
        eldercare.HomeModificationAccepted(
            modification_id=HOME_MOD,
            household_id=_id("household", "HH-2024-0001"),
            elder_id=HOME_ELDER,
            subsidy_minor=280_000,
            inspector_id=_id("person", "STAFF-03"),
            accepted_at=_at(3, 4, 10),
        ),
        eldercare.MealPointEstablished(
            meal_point_id=MEAL_POINT,
            name="赫山区益老食堂（示例）",
            type="CANTEEN",
            brand_project_id=CANTEEN_PROJECT,
            operator_institution_id=SITE_2,
            county_code="430903",
            township_code="430903100",
            capacity_per_slot=60,
            established_at=_at(1, 15, 10),
        ),
        eldercare.MealPointSuspended(
            meal_point_id=MEAL_POINT, suspended_at=_at(11, 20, 14), reason_code="LICENCE_RENEWAL"
        ),
        eldercare.MealPointResumed(meal_point_id=MEAL_POINT, resumed_at=_at(12, 2, 10)),
        eldercare.MealPointClosed(
            meal_point_id=_id("meal_point", "ZC-2023-07"), closed_at=_at(6, 30, 18)
        ),
        eldercare.MealServed(
            meal_id=_id("meal", "ZC-2024-01-000001"),
            meal_point_id=MEAL_POINT,
            elder_id=HOME_ELDER,
            served_at=_at(1, 16, 11, 45),
            slot="LUNCH",
            verification_method="FACE",
            price_minor=1_200,
            subsidy_minor=500,
            paid_minor=700,
        ),
        eldercare.WristbandIssued(
            wristband_id=_id("wristband", "HSH-2024-001"),
            elder_id=HOME_ELDER,
            brand_project_id=WRISTBAND_PROJECT,
            issued_at=_at(3, 1, 10),
        ),
        eldercare.WristbandDeactivated(
            wristband_id=_id("wristband", "HSH-2024-001"),
            elder_id=HOME_ELDER,
            reason_code="ELDER_DECEASED",
            deactivated_at=_at(9, 18, 16),
        ),
        eldercare.MissingCaseReported(
            case_id=_id("missing_case", "ZS-2024-01"),
            elder_id=HOME_ELDER,
            county_code="430921",
            reported_at=_at(10, 19, 8, 20),
        ),
        eldercare.MissingCaseFound(
            case_id=_id("missing_case", "ZS-2024-01"),
            elder_id=HOME_ELDER,
            found_at=_at(10, 19, 11, 5),
            outcome="FOUND_SAFE",
        ),
        eldercare.VolunteerCorpsFounded(
            corps_id=CORPS, name="益阳市银龄行动志愿服务总队", founded_at=_at(10, 8, 9)
        ),
        eldercare.VolunteerBranchFounded(
            corps_id=CORPS,
            branch_id=BRANCH,
            name="资阳区分队",
            county_code=COUNTY,
            leader_person_id=_id("person", "VC-1-430902-LEADER"),
            founded_at=_at(10, 8, 10),
        ),
        eldercare.VolunteerBranchDissolved(
            corps_id=CORPS, branch_id=BRANCH, dissolved_at=_at(12, 20, 10)
        ),
        eldercare.VolunteerEnrolled(
            volunteer_id=VOLUNTEER, branch_id=BRANCH, age_band="60-69", enrolled_at=_at(10, 8, 11)
        ),
        eldercare.VolunteerLeft(volunteer_id=VOLUNTEER, left_at=_at(11, 30, 17)),
        eldercare.VolunteerServiceRecorded(
            record_id=_id("volunteer_service", "FW-2024-0001"),
            volunteer_id=VOLUNTEER,
            branch_id=BRANCH,
            service_type="VISIT",
            started_at=_at(10, 9, 9),
            minutes=120,
            elder_id=HOME_ELDER,
        ),
    )


def _charity() -> tuple[IntegrationEvent, ...]:
    return (
        charity.FundOpened(
            fund_id=LOTTERY_FUND, code="LOT-2024", source_type="LOTTERY_WELFARE", fiscal_year=2024
        ),
        charity.FundCredited(
            fund_id=LOTTERY_FUND,
            amount_minor=340_000_000,
            currency="CNY",
            credited_at=_at(3, 29, 10),
            reference="FIN-2024-017",
        ),
        charity.DonationReceived(
            donation_id=_id("donation", "JZ-2024-0101"),
            fund_id=DONATION_FUND,
            donor_type="ORGANISATION",
            anonymous=False,
            donor_display_name="益阳示例爱心企业有限公司",
            kind="CASH",
            amount_minor=2_250_000,
            currency="CNY",
            designated_project_id=RELIEF_PROJECT,
            received_at=_at(5, 20, 15),
        ),
        charity.ProjectRegistered(
            project_id=RELIEF_PROJECT,
            code="PRJ-P5",
            name="慰问物资",
            brand="益行益善·益老益小",
            kind="RELIEF_GOODS",
            purpose="RELIEVE_POVERTY",
            in_project_library=True,
        ),
        charity.BeneficiaryRegistered(
            beneficiary_id=_id("beneficiary", "BEN-ELD-000001"),
            kind="ELDER",
            elder_id=ELDER,
            county_code=COUNTY,
            registered_at=_at(1, 10, 10),
        ),
        charity.BeneficiaryEnrolled(
            beneficiary_id=_id("beneficiary", "BEN-ELD-000001"),
            project_id=RELIEF_PROJECT,
            enrolled_at=_at(1, 15, 10),
        ),
        charity.BeneficiaryDeactivated(
            beneficiary_id=_id("beneficiary", "BEN-ELD-000001"),
            reason_code="ELDER_DECEASED",
            deactivated_at=_at(9, 18, 16, 5),
        ),
        charity.AllocationSubmitted(
            allocation_id=ALLOCATION,
            code="ALC-A5",
            fund_id=LOTTERY_FUND,
            project_id=SCHOLARSHIP_PROJECT,
            amount_minor=95_000_000,
            currency="CNY",
            valid_until=_on(12, 31),
            requester_id=_id("person", "CHARITY-STAFF-01"),
            submitted_at=_at(6, 3, 10),
        ),
        charity.AllocationStageApproved(
            allocation_id=ALLOCATION,
            stage="SECTION_REVIEW",
            approver_id=_id("person", "CHARITY-SECTION-HEAD"),
            approved_at=_at(6, 5, 15),
        ),
        charity.AllocationApproved(
            allocation_id=ALLOCATION,
            fund_id=LOTTERY_FUND,
            project_id=SCHOLARSHIP_PROJECT,
            amount_minor=95_000_000,
            approved_at=_at(6, 28, 16),
        ),
        charity.AllocationRejected(
            allocation_id=_id("allocation", "ALC-X1"),
            stage="LEADER_APPROVAL",
            approver_id=TEAM_MEMBER,
            reason_code="NOT_IN_PROJECT_LIBRARY",
        ),
        charity.AllocationClosed(
            allocation_id=_id("allocation", "ALC-A7"),
            fund_id=LOTTERY_FUND,
            released_minor=0,
            closed_at=_at(12, 20, 10),
        ),
        charity.DisbursementRequested(
            disbursement_id=DISBURSEMENT,
            allocation_id=ALLOCATION,
            fund_id=LOTTERY_FUND,
            project_id=SCHOLARSHIP_PROJECT,
            beneficiary_id=STUDENT,
            kind="CASH",
            amount_minor=200_000,
            currency="CNY",
            round_code="2024-2025",
            requested_at=_at(9, 2, 10),
        ),
        charity.DisbursementPaid(
            disbursement_id=DISBURSEMENT,
            allocation_id=ALLOCATION,
            amount_minor=200_000,
            paid_at=_at(9, 25, 14),
        ),
        charity.DisbursementDelivered(
            disbursement_id=_id("disbursement", "FF-2024-1001"),
            allocation_id=_id("allocation", "ALC-A6"),
            amount_minor=100_000,
            delivered_at=_at(10, 10, 10),
        ),
        charity.DisbursementFailed(
            disbursement_id=DISBURSEMENT,
            reason_code="PAYEE_ACCOUNT_CLOSED",
            failed_at=_at(9, 10, 11),
            attempt=1,
        ),
        charity.DisbursementRetried(
            disbursement_id=DISBURSEMENT, retried_at=_at(9, 20, 10), attempt=2
        ),
        charity.DisbursementCancelled(
            disbursement_id=_id("disbursement", "FF-2024-0002"),
            reason_code="DUPLICATE_REQUEST",
            cancelled_at=_at(9, 6, 10),
        ),
        charity.ReconciliationCompleted(
            reconciliation_id=_id("reconciliation", "DZ-2024-A7"),
            allocation_id=_id("allocation", "ALC-A7"),
            period_end_on=_on(11, 30),
            expected_minor=100_000_000,
            confirmed_minor=100_000_000,
            discrepancy_count=0,
        ),
        charity.ChildCareSessionDelivered(
            session_id=_id("child_care_session", "ZMMM-2024-001"),
            project_id=WEEKEND_MOTHERS_PROJECT,
            held_on=_on(3, 2),
            child_count=5,
            minutes=180,
        ),
    )


def _notify() -> tuple[IntegrationEvent, ...]:
    overdue_event_id = event_id_for("hazard", str(OVERDUE_HAZARD), 4)
    return (
        notify.NotificationSent(
            notification_id=NOTIFICATION,
            source_event_id=overdue_event_id,
            source_event_type="inspection.hazard.overdue.v1",
            recipient_person_id=SAFETY_LEAD,
            channel="SMS",
            template_code="HAZARD_OVERDUE",
            template_version=1,
            priority="HIGH",
            sent_at=_at(11, 16, 8),
        ),
        notify.NotificationDeliveryFailed(
            notification_id=NOTIFICATION,
            attempt=1,
            error_class="retryable",
            failed_at=_at(11, 16, 8, 1),
        ),
        notify.NotificationUndeliverable(
            notification_id=_id("notification", "TZ-2024-0002"),
            source_event_id=overdue_event_id,
            recipient_person_id=SITE_HEAD,
        ),
        notify.NotificationAcknowledged(
            notification_id=NOTIFICATION,
            source_event_id=overdue_event_id,
            recipient_person_id=SAFETY_LEAD,
            acked_at=_at(11, 16, 8, 30),
        ),
    )


@cache
def all_examples() -> tuple[IntegrationEvent, ...]:
    """One example per contract, in registry order (inspection, eldercare, charity, notify)."""
    return (*_inspection(), *_eldercare(), *_charity(), *_notify())


def example(contract: type[E]) -> E:
    """The example instance of a contract.

    Args:
        contract: an event contract class.

    Returns:
        Its example instance (the same, frozen object on every call).

    Raises:
        KeyError: the contract has no example.
    """
    for event in all_examples():
        if type(event) is contract and isinstance(event, contract):
            return event
    raise KeyError(f"no example for {contract.__name__}")

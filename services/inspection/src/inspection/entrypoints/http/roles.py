"""The role matrix: which bearer-token roles may run which command (README "Roles")."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends

from shared.http.auth import Principal, require

INSPECTOR = "inspector"
SAFETY_LEAD = "safety_lead"
MAIN_LEADER = "main_leader"
INSTITUTION_STAFF = "institution_staff"
AUDITOR = "auditor"
ADMIN = "admin"

BUREAU = (INSPECTOR, SAFETY_LEAD, MAIN_LEADER)
LEADERSHIP = (SAFETY_LEAD, MAIN_LEADER)

MATRIX: dict[str, tuple[str, ...]] = {
    "read": (INSPECTOR, SAFETY_LEAD, MAIN_LEADER, INSTITUTION_STAFF, AUDITOR, ADMIN),
    "launch_campaign": LEADERSHIP,
    "close_campaign": LEADERSHIP,
    "assign_leader": (MAIN_LEADER, ADMIN),
    "remove_leader": (MAIN_LEADER, ADMIN),
    "schedule_inspection": BUREAU,
    "complete_inspection": BUREAU,
    "cancel_inspection": BUREAU,
    "report_hazard": BUREAU,
    "self_report_hazard": (INSTITUTION_STAFF, *BUREAU),
    "assign_rectification": BUREAU,
    "extend_deadline": BUREAU,
    "submit_rectification": (INSTITUTION_STAFF, INSPECTOR),
    "verify_rectification": BUREAU,
    "plan_drill": (INSTITUTION_STAFF, INSPECTOR, SAFETY_LEAD),
    "record_drill": (INSTITUTION_STAFF, INSPECTOR, SAFETY_LEAD),
    "cancel_drill": (INSTITUTION_STAFF, INSPECTOR, SAFETY_LEAD),
    "record_safety_talk": BUREAU,
    "draft_work_notice": LEADERSHIP,
    "issue_work_notice": LEADERSHIP,
    "acknowledge_work_notice": (INSTITUTION_STAFF,),
    "record_safety_meeting": LEADERSHIP,
    "launch_survey": BUREAU,
    "complete_survey": BUREAU,
    "register_problem": BUREAU,
    "resolve_problem": BUREAU,
    "reopen_problem": BUREAU,
    "confirm_problem": BUREAU,
    "run_sweep": (ADMIN,),
}


def role(command: str) -> Any:
    """A dependency admitting the roles the matrix gives a command (401/403 otherwise)."""
    return Depends(require(*MATRIX[command]))


Reader = Annotated[Principal, role("read")]

"""Database constraint violations, translated into the domain's refusals.

The database is the last guard of uniqueness and four eyes: when two requests race past the
checks in Python, the constraint refuses one, and it gets the same answer as if it had lost
the check.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Final

import asyncpg

from charity.domain.errors import ConflictError, DomainError, ForbiddenError

_EXISTS = ("already_exists", "该编号（id）已存在")
FOUR_EYES = ForbiddenError(
    "four_eyes", "同一人不能审批同一资金安排的两个环节，申请人也不能审批（四眼原则）"
)

CONSTRAINTS: Final[dict[str, DomainError]] = {
    "funds_pkey": ConflictError(*_EXISTS),
    "funds_code_key": ConflictError("duplicate_code", "资金池代码已存在"),
    "funds_one_lottery_per_year": ConflictError("duplicate_fund", "该年度的福彩公益金资金池已存在"),
    "fund_credits_reference_key": ConflictError("duplicate_reference", "该到账凭证号已入账"),
    "projects_pkey": ConflictError(*_EXISTS),
    "projects_code_key": ConflictError("duplicate_code", "项目代码已存在"),
    "donations_pkey": ConflictError(*_EXISTS),
    "donations_receipt_no_key": ConflictError("duplicate_receipt", "该捐赠票据号已登记"),
    "beneficiaries_pkey": ConflictError(*_EXISTS),
    "beneficiaries_id_card_hmac_key": ConflictError(
        "duplicate_beneficiary", "该身份证号已登记为受助对象"
    ),
    "beneficiaries_elder_id_key": ConflictError(
        "duplicate_beneficiary", "该老年人已登记为受助对象"
    ),
    "beneficiaries_institution_id_key": ConflictError(
        "duplicate_beneficiary", "该机构已登记为受助对象"
    ),
    "enrollments_pkey": ConflictError("already_enrolled", "该受助对象已加入过此项目"),
    "allocations_pkey": ConflictError(*_EXISTS),
    "allocations_code_key": ConflictError("duplicate_code", "资金安排编号已存在"),
    "allocation_decisions_pkey": ConflictError("stage_out_of_order", "该审批环节已有决定"),
    "allocation_decisions_one_stage_per_person": FOUR_EYES,
    "allocation_decisions_not_requester": FOUR_EYES,
    "disbursements_pkey": ConflictError(*_EXISTS),
    "disbursements_one_benefit_per_round": ConflictError(
        "duplicate_benefit", "同一项目同一轮次已向该受助对象发放（或正在发放）"
    ),
    "reconciliations_pkey": ConflictError(*_EXISTS),
    "child_care_sessions_pkey": ConflictError(*_EXISTS),
}


@contextlib.contextmanager
def translated() -> Iterator[None]:
    """Turn a known constraint violation into its domain refusal; re-raise anything else."""
    try:
        yield
    except (asyncpg.UniqueViolationError, asyncpg.CheckViolationError) as exc:
        known = CONSTRAINTS.get(exc.constraint_name or "")
        if known is None:
            raise
        raise type(known)(known.code, known.detail) from None

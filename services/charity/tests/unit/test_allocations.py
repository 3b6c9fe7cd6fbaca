"""Allocation rules: stages in order, four eyes, lottery restrictions."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from charity.domain.allocations import (
    Allocation,
    AllocationStatus,
    ExpenseClass,
    Stage,
    check_fund_covers,
    check_lottery_use,
    check_lottery_year,
)
from charity.domain.errors import ConflictError, DomainError, ForbiddenError, InvalidInputError
from charity.domain.funds import Fund, Project, ProjectKind, Purpose, SourceType

AT = datetime(2024, 3, 1, tzinfo=UTC)
REQUESTER, A, B, C = (uuid.uuid4() for _ in range(4))


def allocation(*, lottery: bool = True) -> Allocation:
    a = Allocation(
        uuid.uuid4(),
        "ALC-1",
        uuid.uuid4(),
        uuid.uuid4(),
        1_000,
        date(2024, 12, 31),
        REQUESTER,
        ExpenseClass.PROJECT,
        lottery=lottery,
    )
    a.submit()
    return a


@contextlib.contextmanager
def refused(error: type[DomainError], code: str) -> Iterator[None]:
    with pytest.raises(error) as caught:
        yield
    assert caught.value.code == code


def test_three_people_pass_the_three_lottery_stages_in_order() -> None:
    a = allocation()
    assert a.version == 1
    assert not a.approve(Stage.SECTION_REVIEW, A, "approver", AT)
    assert not a.approve(Stage.LEADER_APPROVAL, B, "approver", AT)
    assert a.approve(Stage.FINANCE_COSIGN, C, "finance_bureau", AT)
    assert a.status is AllocationStatus.APPROVED
    assert a.version == 5  # submitted, three stages, approved


def test_a_donation_allocation_is_approved_after_two_stages() -> None:
    a = allocation(lottery=False)
    a.approve(Stage.SECTION_REVIEW, A, "approver", AT)
    assert a.approve(Stage.LEADER_APPROVAL, B, "approver", AT)
    with refused(InvalidInputError, "stage_not_applicable"):
        allocation(lottery=False).check_decision(Stage.FINANCE_COSIGN, C, "finance_bureau")


def test_four_eyes() -> None:
    a = allocation()
    with refused(ForbiddenError, "four_eyes"):
        a.approve(Stage.SECTION_REVIEW, REQUESTER, "approver", AT)
    a.approve(Stage.SECTION_REVIEW, A, "approver", AT)
    with refused(ForbiddenError, "four_eyes"):
        a.approve(Stage.LEADER_APPROVAL, A, "approver", AT)
    with refused(ForbiddenError, "four_eyes"):
        a.approve(Stage.LEADER_APPROVAL, B, "finance_bureau", AT)
    assert a.version == 2


def test_stages_go_in_order() -> None:
    a = allocation()
    with refused(ConflictError, "stage_out_of_order"):
        a.approve(Stage.LEADER_APPROVAL, A, "approver", AT)


def test_a_rejection_ends_it() -> None:
    a = allocation()
    a.reject(Stage.SECTION_REVIEW, A, "approver")
    assert a.status is AllocationStatus.REJECTED
    with refused(ConflictError, "invalid_state"):
        a.approve(Stage.SECTION_REVIEW, B, "approver", AT)


def test_closing_needs_no_open_disbursements_and_a_clean_reconciliation() -> None:
    a = allocation(lottery=False)
    a.approve(Stage.SECTION_REVIEW, A, "approver", AT)
    a.approve(Stage.LEADER_APPROVAL, B, "approver", AT)
    with refused(ConflictError, "open_disbursements"):
        a.close(open_disbursements=2, reconciled=True)
    with refused(ConflictError, "reconciliation_required"):
        a.close(open_disbursements=0, reconciled=False)
    a.close(open_disbursements=0, reconciled=True)
    assert a.status is AllocationStatus.CLOSED


def test_an_allocation_is_open_only_when_approved_and_unexpired() -> None:
    a = allocation(lottery=False)
    with refused(ConflictError, "allocation_not_open"):
        a.check_open_on(date(2024, 6, 1))
    a.approve(Stage.SECTION_REVIEW, A, "approver", AT)
    a.approve(Stage.LEADER_APPROVAL, B, "approver", AT)
    a.check_open_on(date(2024, 12, 31))
    with refused(ConflictError, "allocation_not_open"):
        a.check_open_on(date(2025, 1, 1))


def test_lottery_restrictions() -> None:
    lottery = Fund(uuid.uuid4(), "LOT-2024", SourceType.LOTTERY_WELFARE, 2024, 1)
    donation = Fund(uuid.uuid4(), "DON", SourceType.DONATION, None, 1)
    outside = Project(
        uuid.uuid4(), "P", "项目", None, ProjectKind.SCHOLARSHIP, Purpose.RELIEVE_POVERTY, False, 1
    )
    inside = Project(
        uuid.uuid4(), "Q", "项目", None, ProjectKind.SCHOLARSHIP, Purpose.RELIEVE_POVERTY, True, 1
    )
    with refused(InvalidInputError, "not_in_project_library"):
        check_lottery_use(lottery, outside, ExpenseClass.PROJECT)
    with refused(InvalidInputError, "prohibited_use"):
        check_lottery_use(lottery, inside, ExpenseClass.OFFICIAL_RECEPTION)
    check_lottery_use(lottery, inside, ExpenseClass.PROJECT)
    check_lottery_use(donation, outside, ExpenseClass.BASIC_EXPENDITURE)
    check_lottery_year(lottery, date(2024, 6, 1), next_year_use=False)
    with pytest.raises(ConflictError):
        check_lottery_year(lottery, date(2024, 6, 1), next_year_use=True)
    check_lottery_year(lottery, date(2025, 1, 2), next_year_use=True)


def test_fund_cover() -> None:
    check_fund_covers(145, 145)
    with pytest.raises(ConflictError) as caught:
        check_fund_covers(150, 145)
    assert caught.value.extra == {"available_minor": 145}

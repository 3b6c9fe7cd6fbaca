"""The disbursement state machine and its money rules."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from charity.domain.beneficiaries import BeneficiaryKind
from charity.domain.disbursements import (
    Disbursement,
    DisbursementStatus,
    check_kind_fit,
    check_remaining,
)
from charity.domain.errors import ConflictError, InvalidInputError
from charity.domain.funds import BenefitKind, Item, ProjectKind, check_amount, check_items_value

AT = datetime(2024, 9, 1, tzinfo=UTC)
LATER = AT + timedelta(hours=1)


def cash() -> Disbursement:
    a, f, p, b = (uuid.uuid4() for _ in range(4))
    return Disbursement(uuid.uuid4(), a, f, p, b, BenefitKind.CASH, 100_000, "2024-2025", AT)


def test_paid_once_then_no_op() -> None:
    d = cash()
    assert d.confirm(BenefitKind.CASH, "B-1", LATER, LATER)
    assert d.status is DisbursementStatus.PAID
    assert not d.confirm(BenefitKind.CASH, "B-2", LATER, LATER)
    assert (d.version, d.settlement_ref) == (2, "B-1")


def test_settlement_kind_must_match() -> None:
    with pytest.raises(InvalidInputError) as caught:
        cash().confirm(BenefitKind.IN_KIND, "R", LATER, LATER)
    assert caught.value.code == "wrong_settlement_kind"


def test_fail_retry_pay() -> None:
    d = cash()
    d.fail("ACCOUNT_CLOSED")
    with pytest.raises(ConflictError) as caught:
        d.confirm(BenefitKind.CASH, "B", LATER, LATER)
    assert caught.value.code == "retry_required"
    d.retry()
    assert (d.status, d.attempt) == (DisbursementStatus.REQUESTED, 2)
    assert d.confirm(BenefitKind.CASH, "B", LATER, LATER)
    assert d.version == 4


def test_cancel_then_no_confirmation() -> None:
    d = cash()
    d.cancel("WRONG_ROUND")
    with pytest.raises(ConflictError) as caught:
        d.confirm(BenefitKind.CASH, "B", LATER, LATER)
    assert caught.value.code == "disbursement_cancelled"
    with pytest.raises(ConflictError):
        d.cancel("AGAIN")


def test_settlement_time_is_between_request_and_now() -> None:
    with pytest.raises(InvalidInputError):
        cash().confirm(BenefitKind.CASH, "B", LATER, AT)
    with pytest.raises(InvalidInputError):
        cash().confirm(BenefitKind.CASH, "B", AT - timedelta(seconds=1), LATER)


def test_kind_fit_and_balance() -> None:
    check_kind_fit(ProjectKind.SCHOLARSHIP, BeneficiaryKind.STUDENT)
    check_kind_fit(ProjectKind.RELIEF_GOODS, BeneficiaryKind.HOUSEHOLD)
    with pytest.raises(InvalidInputError):
        check_kind_fit(ProjectKind.INSTITUTION_SUBSIDY, BeneficiaryKind.ELDER)
    check_remaining(10, 10)
    with pytest.raises(ConflictError) as caught:
        check_remaining(7_500_000, 7_400_000)
    assert caught.value.code == "insufficient_allocation_balance"


@pytest.mark.parametrize("amount", [0, -1, 1.5, "100", True, None])
def test_amounts_are_positive_integers(amount: object) -> None:
    with pytest.raises(InvalidInputError) as caught:
        check_amount(amount)
    assert caught.value.code == "invalid_amount"


def test_goods_are_valued_to_the_fen() -> None:
    rice = Item("大米", 2, 15_000)
    check_items_value(BenefitKind.IN_KIND, 30_000, [rice])
    check_items_value(BenefitKind.IN_KIND, 12_345, [Item("棉被", 3)])  # unvalued lines: no sum
    with pytest.raises(InvalidInputError):
        check_items_value(BenefitKind.IN_KIND, 30_001, [rice])
    with pytest.raises(InvalidInputError):
        check_items_value(BenefitKind.IN_KIND, 1, [])
    with pytest.raises(InvalidInputError):
        check_items_value(BenefitKind.CASH, 1, [rice])

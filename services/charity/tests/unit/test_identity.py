"""ID-card validation (GB 11643-1999), phone checks and masks."""

from __future__ import annotations

from datetime import date

import pytest

from charity.domain.errors import InvalidInputError
from charity.domain.identity import (
    birth_date,
    check_phone,
    mask_account,
    mask_id_card,
    mask_name,
    mask_phone,
    normalise_id_card,
)
from tests.support import id_card


def test_a_valid_number_is_normalised_with_an_upper_case_x() -> None:
    number = "11010519491231002X"
    assert normalise_id_card(number.lower()) == number
    assert birth_date(number) == date(1949, 12, 31)


def test_generated_numbers_pass() -> None:
    for _ in range(50):
        assert normalise_id_card(id_card())


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # wrong check character
        "11010519491331002X",  # month 13
        "99010519491231002X",  # no such province
        "1101051949123100",  # too short
        "A1010519491231002X",
    ],
)
def test_invalid_numbers_are_refused_without_quoting_them(number: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        normalise_id_card(number)
    assert refused.value.code == "invalid_id_card"
    assert number not in refused.value.detail


def test_phone_must_be_a_mainland_mobile() -> None:
    assert check_phone(" 13912345678 ") == "13912345678"
    with pytest.raises(InvalidInputError) as refused:
        check_phone("1234567")
    assert refused.value.code == "invalid_phone"


def test_masks_hide_the_middle() -> None:
    assert mask_name("张小三") == "张*三"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_id_card("43090220120517123X") == "430***********123X"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_account("6222020200112233445") == "**** 3445"

"""ID-card numbers (GB 11643), ages and masking."""

from datetime import date

import pytest

from eldercare.domain.errors import InvalidInputError
from eldercare.domain.identity import (
    age_on,
    check_character,
    check_phone,
    elder_age_band,
    mask_id_card,
    mask_name,
    mask_phone,
    parse_id_card,
)

# The standard's own worked example.
KNOWN = "11010519491231002X"


def test_check_character_of_the_standard_example():
    assert check_character(KNOWN[:17]) == "X"


def test_a_valid_number_gives_birth_date_and_sex():
    card = parse_id_card(KNOWN.lower())
    assert card.number == KNOWN
    assert card.birth_date == date(1949, 12, 31)
    assert card.sex == "F"


@pytest.mark.parametrize(
    "bad",
    [
        "110105194912310021",  # wrong check character
        "11010519491231002",  # 17 characters
        "1101051949123100211",  # 19 characters
        "010105194912310026",  # leading zero
        "990105194912310021",  # no such province
        "110105194902300025",  # 30 February
        "11010519491231002Y",
        " ",
    ],
)
def test_invalid_numbers_are_refused_without_echo(bad):
    with pytest.raises(InvalidInputError) as refused:
        parse_id_card(bad)
    assert refused.value.code == "invalid_id_card"
    assert bad.strip() == "" or bad not in refused.value.detail


def test_age_counts_full_years_and_bands():
    assert age_on(date(1964, 6, 4), date(2024, 6, 3)) == 59
    assert age_on(date(1964, 6, 3), date(2024, 6, 3)) == 60
    assert [elder_age_band(a) for a in (60, 69, 70, 89, 90, 104)] == [
        "60-69",
        "60-69",
        "70-79",
        "80-89",
        "90+",
        "90+",
    ]


def test_phone_must_be_a_mainland_mobile():
    assert check_phone("13812345678") == "13812345678"
    for bad in ("1234567", "12812345678", "138123456789", "+8613812345678"):
        with pytest.raises(InvalidInputError):
            check_phone(bad)


def test_masks():
    assert mask_id_card("430902194403091234") == "430***********1234"
    assert mask_name("张三丰") == "张*丰"
    assert mask_name("李四") == "李*"
    assert mask_name("欧阳鹤龄") == "欧**龄"
    assert mask_phone("13812345678") == "138****5678"

"""The runtime personal-data scanner (DOMAIN §9.3): catches ID and mobile numbers, never echoes."""

from __future__ import annotations

import pytest

from shared.events.pii import PersonalDataError, assert_no_pii, find_pii, looks_personal

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"


def id_card(first17: str) -> str:
    """A synthetic ID number with a valid GB 11643 check character."""
    return first17 + CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


# Synthetic numbers (§9.2 rule 6): valid structure and checksum, nobody's real data.
ID_X = id_card("43090219500101002")
ID_DIGIT = id_card("43092119441203000")
MOBILE = "13812345678"


def test_synthetic_numbers_are_valid():
    assert ID_X.endswith("X")
    assert ID_DIGIT[-1].isdigit()
    assert len(ID_X) == len(ID_DIGIT) == 18


@pytest.mark.parametrize(
    "text",
    [
        ID_X,
        ID_X.lower(),
        ID_DIGIT,
        f"老人身份证{ID_X}，请核实",
        f"id: {ID_DIGIT}.",
    ],
)
def test_id_card_numbers_inside_strings_are_caught(text):
    assert find_pii(text) == ["$: id_card"]


@pytest.mark.parametrize(
    "text", [MOBILE, f"联系电话{MOBILE}", f"+86 {MOBILE}", f"tel:{MOBILE};", "19912345678"]
)
def test_mobile_numbers_inside_strings_are_caught(text):
    assert find_pii(text) == ["$: mobile"]


def test_nested_structures_are_walked_with_paths():
    data = {
        "hazard_id": "0f3e0000-0000-4000-8000-000000000000",
        "plan": {"items": [{"note": "ok"}, {"note": f"call {MOBILE}"}]},
        "params": ("fine", f"户主{ID_X}"),
        "tags": [["deep", ["deeper", MOBILE]]],
    }

    assert find_pii(data) == [
        "$.plan.items[1].note: mobile",
        "$.params[1]: id_card",
        "$.tags[0][1][1]: mobile",
    ]


def test_both_patterns_in_one_string_are_both_reported():
    assert find_pii({"note": f"{ID_DIGIT} / {MOBILE}"}) == ["$.note: id_card", "$.note: mobile"]


def test_a_key_that_looks_like_personal_data_is_caught_but_not_echoed_in_paths():
    findings = find_pii({"contacts": {MOBILE: {"relation": f"son {MOBILE}"}}})

    assert findings == ["$.contacts{key}: mobile", "$.contacts[<key>].relation: mobile"]
    assert not any(MOBILE in finding for finding in findings)


@pytest.mark.parametrize(
    "value",
    [
        {"amount_minor": 13812345678},
        {"amount_minor": 430902195001010003},
        {"expected_minor": 12_345_678_901, "confirmed_minor": 98_765_432_101},
        [13812345678, 1.3812345678e10, True, None],
    ],
)
def test_integers_and_other_non_strings_are_not_scanned(value):
    assert find_pii(value) == []


@pytest.mark.parametrize(
    "text",
    [
        "138123456789",  # 12 digits: not a mobile number
        "12812345678",  # no mobile prefix 12x
        "430902195013010003",  # month 13: not an ID number
        "2024-03-06T01:40:00Z",
        "5b0c7e1a-4c3e-5b7a-9d1e-013812345678",
        "JC-2024-001",
        "2024-敬老慰问",
    ],
)
def test_lookalikes_are_not_flagged(text):
    assert find_pii(text) == []


def test_assert_no_pii_names_path_and_pattern_but_never_the_number():
    data = {"params": {"note": f"身份证 {ID_X} 电话 {MOBILE}"}, "count": 3}

    with pytest.raises(PersonalDataError) as raised:
        assert_no_pii(data, where="notify.template_params")

    message = str(raised.value)
    assert message == (
        "personal data in notify.template_params: $.params.note: id_card; $.params.note: mobile"
    )
    for secret in (ID_X, ID_X[:6], ID_X[-4:], MOBILE, MOBILE[-4:]):
        assert secret not in message
    assert isinstance(raised.value, ValueError)


def test_assert_no_pii_passes_clean_data():
    assert_no_pii({"amount_minor": 13812345678, "note": "已整改完毕"}, where="test")


def test_mobile_with_country_prefix_is_caught():
    from shared.events.pii import find_pii

    for text in ("+8613812345678", "008613812345678", "86 13812345678", "电话+86-13812345678"):
        assert find_pii({"note": text}) == ["$.note: mobile"], text


def test_uuids_are_never_mistaken_for_mobile_numbers():
    from shared.events.pii import find_pii

    # The last group holds "13912345678" followed by a hex letter: the bare pattern matches it.
    ident = "5b0c2d1e-0486-4c3e-9d1e-13912345678a"
    assert find_pii({"campaign_id": ident, "ids": [ident]}) == []
    assert find_pii({"note": f"{ident} 13912345678"}) == ["$.note: mobile"]


@pytest.mark.parametrize(
    "text",
    [
        f'{{"note":"联系 {MOBILE}"}}',
        f'{{"note":"+86 {MOBILE}"}}',
        f'{{"note":"0086-{MOBILE}"}}',
        f'{{"id":"{ID_X}"}}',
        f'{{"id":"{ID_DIGIT.lower()}"}}',
        f'{{"id":"00000000-0000-4000-8000-123456789012","note":"{MOBILE}"}}',
    ],
)
def test_the_quick_screen_flags_every_number_the_patterns_catch(text):
    assert looks_personal(text)
    assert find_pii(text)


@pytest.mark.parametrize(
    "text",
    [
        '{"code":"ZX-2024-00001","amount_minor":5000000}',
        # A UUID whose last group is all digits holds an eleven-digit run, and is still clean.
        '{"id":"00000000-0000-4000-8000-123456789012"}',
        '{"phone_like":"1381234567"}',
    ],
)
def test_the_quick_screen_passes_clean_documents(text):
    assert not looks_personal(text)

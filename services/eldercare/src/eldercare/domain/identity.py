"""Resident ID-card numbers (GB 11643-1999), ages, age bands, phones, and masked display."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from eldercare.domain.errors import InvalidInputError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^[1-9]\d{16}[\dX]$")
# Province-level codes of GB/T 2260 (first two digits of the region code).
_PROVINCES = frozenset(
    {
        *("11", "12", "13", "14", "15", "21", "22", "23"),
        *("31", "32", "33", "34", "35", "36", "37"),
        *("41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54"),
        *("61", "62", "63", "64", "65", "71", "81", "82"),
    }
)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
ELDERLY_AGE = 60


@dataclass(frozen=True)
class IdCard:
    """A checked ID-card number and what it states (all personal data)."""

    number: str
    birth_date: date
    sex: str  # "M" | "F"


def _refuse() -> InvalidInputError:
    return InvalidInputError(
        "invalid_id_card", "身份证号码无效：须为 18 位、地区码与出生日期有效、校验位正确"
    )


def check_character(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def parse_id_card(raw: str) -> IdCard:
    """Validate a number (lowercase x normalised) or raise 422 ``invalid_id_card``."""
    number = raw.strip().upper()
    if not _SHAPE.match(number) or number[:2] not in _PROVINCES:
        raise _refuse()
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise _refuse() from None
    if born.year < 1880 or check_character(number[:17]) != number[17]:
        raise _refuse()
    return IdCard(number=number, birth_date=born, sex="M" if int(number[16]) % 2 else "F")


def age_on(born: date, day: date) -> int:
    """Full years of age on a day."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def elder_age_band(age: int) -> str:
    """``60-69`` … ``90+`` for an elder (DOMAIN §5.2)."""
    if age >= 90:
        return "90+"
    return f"{age // 10 * 10}-{age // 10 * 10 + 9}"


def volunteer_age_band(age: int) -> str:
    """Decade bands for volunteers (``18-29``, ``30-39`` … ``80+``)."""
    if age >= 80:
        return "80+"
    if age < 30:
        return "18-29"
    return f"{age // 10 * 10}-{age // 10 * 10 + 9}"


def check_phone(raw: str) -> str:
    """A mainland mobile number or 422 ``invalid_phone`` (the number is never echoed)."""
    phone = raw.strip()
    if not _MOBILE.match(phone):
        raise InvalidInputError("invalid_phone", "手机号码无效：须为 11 位中国大陆手机号")
    return phone


def mask_id_card(number: str) -> str:
    """``430***********1234``: region prefix and last four only."""
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_name(name: str) -> str:
    """``张*三``: first and last character (``李*`` for two characters)."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    """``138****1234``."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "*" * len(phone)


def mask_address(address: str) -> str:
    """The first six characters (province, city, county at most) and stars."""
    return address[:6] + "****"

"""ID-card (GB 11643-1999) and phone checks, and the masks used on every non-audited read.

Errors never quote the number: an error message must not become the leak.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from charity.domain.errors import InvalidInputError

_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK: Final = "10X98765432"
_SHAPE: Final = re.compile(r"^[1-9][0-9]{16}[0-9X]$")
_MOBILE: Final = re.compile(r"^1[3-9][0-9]{9}$")
# Province-level codes of GB/T 2260 (the first two digits of the region code).
_PROVINCES: Final = frozenset(
    {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
        "65", "71", "81", "82",
    }
)  # fmt: skip


def _invalid_id_card() -> InvalidInputError:
    return InvalidInputError("invalid_id_card", "身份证号无效（须为 18 位且校验位正确）")


def normalise_id_card(raw: str) -> str:
    """The 18-character number with an upper-case X, or 422 ``invalid_id_card``."""
    number = raw.strip().upper()
    if not _SHAPE.match(number) or number[:2] not in _PROVINCES:
        raise _invalid_id_card()
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise _invalid_id_card() from None
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != number[17]:
        raise _invalid_id_card()
    return number


def birth_date(number: str) -> date:
    """The birth date inside a normalised number."""
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def check_phone(phone: str) -> str:
    """A mainland mobile number, or 422 ``invalid_phone``."""
    phone = phone.strip()
    if not _MOBILE.match(phone):
        raise InvalidInputError("invalid_phone", "手机号无效（须为 11 位大陆手机号）")
    return phone


def mask_name(name: str) -> str:
    """张*三 (the middle hidden); two characters → 张*."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_card(number: str) -> str:
    """430***********123X: region prefix and last four only."""
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(phone: str) -> str:
    """138****1234."""
    return phone[:3] + "****" + phone[-4:]


def mask_account(account: str) -> str:
    """**** 1234: the last four digits only."""
    return "**** " + account[-4:]

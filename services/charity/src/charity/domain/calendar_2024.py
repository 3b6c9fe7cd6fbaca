"""China's 2024 public-holiday calendar.

Source: 国务院办公厅关于2024年部分节假日安排的通知 (国办发明电〔2023〕7号).

``HOLIDAYS`` are the days off (法定节假日 and the days joined to them by 调休); ``WORKDAYS`` are
the weekend days that are working days (调休上班). A new year is a new module like this one.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final


def _span(first: date, last: date) -> frozenset[date]:
    return frozenset(first + timedelta(days=n) for n in range((last - first).days + 1))


YEAR: Final = 2024

HOLIDAYS: Final[frozenset[date]] = frozenset().union(
    _span(date(2024, 1, 1), date(2024, 1, 1)),  # 元旦
    _span(date(2024, 2, 10), date(2024, 2, 17)),  # 春节
    _span(date(2024, 4, 4), date(2024, 4, 6)),  # 清明节
    _span(date(2024, 5, 1), date(2024, 5, 5)),  # 劳动节
    _span(date(2024, 6, 10), date(2024, 6, 10)),  # 端午节 (joined to the weekend of 6-8/9)
    _span(date(2024, 9, 15), date(2024, 9, 17)),  # 中秋节
    _span(date(2024, 10, 1), date(2024, 10, 7)),  # 国庆节
)

WORKDAYS: Final[frozenset[date]] = frozenset(
    {
        date(2024, 2, 4),  # Sunday, 春节调休上班
        date(2024, 2, 18),  # Sunday, 春节调休上班
        date(2024, 4, 7),  # Sunday, 清明节调休上班
        date(2024, 4, 28),  # Sunday, 劳动节调休上班
        date(2024, 5, 11),  # Saturday, 劳动节调休上班
        date(2024, 9, 14),  # Saturday, 中秋节调休上班
        date(2024, 9, 29),  # Sunday, 国庆节调休上班
        date(2024, 10, 12),  # Saturday, 国庆节调休上班
    }
)

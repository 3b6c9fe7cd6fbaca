"""The welfare-lottery fund usage announcement (福彩公益金使用情况公告, DOMAIN §10.10)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from views.domain.display import yuan

PURPOSE_LABELS: Mapping[str, str] = {
    "SUPPORT_ELDERLY": "扶老",
    "SUPPORT_DISABLED": "助残",
    "RESCUE_ORPHANS": "救孤",
    "RELIEVE_POVERTY": "济困",
    "PUBLIC_GOOD": "社会公益",
}
_MONEY = ("credited_minor", "allocated_minor", "disbursed_minor")


def _line_text(line: Mapping[str, Any]) -> str:
    label = PURPOSE_LABELS.get(line["purpose"], line["purpose"])
    return (
        f"{label}类（{line['name']}）安排{yuan(line['allocated_minor'])}，"
        f"已拨付{yuan(line['disbursed_minor'])}，受益{line['beneficiaries_paid']}人次"
    )


def announcement(
    *,
    year: int,
    as_of: date,
    funds: Sequence[Mapping[str, Any]],
    lines: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """The announcement document: per-fund header, totals, lines by purpose, rendered text."""
    totals = {key: sum(int(f[key]) for f in funds) for key in _MONEY}
    title = f"益阳市民政局{year}年度福彩公益金使用情况公告"
    paragraphs = [
        f"截至{as_of.year}年{as_of.month}月{as_of.day}日，{year}年度市级福彩公益金"
        f"共到账{yuan(totals['credited_minor'])}，已安排使用{yuan(totals['allocated_minor'])}，"
        f"已拨付{yuan(totals['disbursed_minor'])}。"
    ]
    if lines:
        paragraphs.append("其中：" + "；".join(_line_text(line) for line in lines) + "。")
    else:
        paragraphs.append("本年度尚无已批准的资金安排。")
    return {
        "report": "lottery-fund",
        "year": year,
        "as_of": as_of.isoformat(),
        "title": title,
        "currency": "CNY",
        "funds": [dict(f) for f in funds],
        "totals": totals,
        "lines": [
            {**line, "purpose_label": PURPOSE_LABELS.get(line["purpose"], line["purpose"])}
            for line in lines
        ],
        "text": "\n".join([title, *paragraphs]),
    }

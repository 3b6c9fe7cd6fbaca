"""The year-to-date report (DOMAIN §10.2-10.4): metric definitions, display and rendered text.

Pure: the figures come in (already counted by the adapters), the report document goes out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from views.domain.display import approx, exact, money

Scope = Literal["ytd", "year", "cumulative", "snapshot"]
Precision = Literal["exact", "approx"]

BRAND = "益行益善·益老益小"
PILLAR_LABELS: Mapping[str, str] = {
    "SAFETY_NET": "兜底养老",
    "INSTITUTIONAL": "机构养老",
    "HOME": "居家养老",
}


@dataclass(frozen=True)
class Metric:
    """One figure of the report: its key, unit, time scope, display rule and section."""

    key: str
    section: str
    scope: Scope
    precision: Precision
    unit: str | None = None
    is_money: bool = False


METRICS: tuple[Metric, ...] = (
    Metric("safety_meetings", "foundation", "ytd", "exact", "次"),
    Metric("campaigns_active", "foundation", "year", "exact", "项"),
    Metric("inspections", "foundation", "ytd", "approx", "次"),
    Metric("safety_talks", "foundation", "ytd", "exact", "场"),
    Metric("drills", "foundation", "ytd", "exact", "场"),
    Metric("work_notices", "foundation", "ytd", "exact", "次"),
    Metric("charity_disbursed", "brand", "cumulative", "approx", is_money=True),
    Metric("child_person_times", "brand", "cumulative", "approx", "人次"),
    Metric("large_surveys", "brand", "ytd", "approx", "次"),
    Metric("problems_solved", "brand", "ytd", "approx", "个"),
    Metric("home_modifications", "brand", "ytd", "exact", "户"),
    Metric("meal_points_built", "brand", "ytd", "exact", "个"),
    Metric("volunteer_corps", "brand", "snapshot", "exact"),
    Metric("volunteer_branches", "brand", "snapshot", "exact", "支"),
)

SECTIONS: tuple[tuple[str, str], ...] = (
    ("foundation", "夯实发展根基"),
    ("vitality", "激发内生动力"),
    ("brand", "打造特色品牌"),
)


def display(metric: Metric, value: int) -> str:
    """The figure as the article writes it, unit included ("70余次", "900万余元", "总队")."""
    if metric.is_money:
        return money(value)
    if metric.key == "volunteer_corps":
        return "总队" if value > 0 else ""
    shown = approx(value) if metric.precision == "approx" else exact(value)
    return f"{shown}{metric.unit or ''}"


def metric_document(metric: Metric, value: int) -> dict[str, Any]:
    """The JSON of one metric: value (or value_minor), unit, scope, precision and display."""
    doc: dict[str, Any] = {"key": metric.key}
    if metric.is_money:
        doc.update(value_minor=value, currency="CNY")
    else:
        doc["value"] = value
        if metric.unit:
            doc["unit"] = metric.unit
    doc.update(scope=metric.scope, precision=metric.precision, display=display(metric, value))
    return doc


def sentences(values: Mapping[str, int], campaign_names: Sequence[str]) -> dict[str, list[str]]:
    """The rendered sentences of each section (§10.4), in the article's order."""
    d = {m.key: display(m, values[m.key]) for m in METRICS}
    foundation = [
        f"今年先后召开{d['safety_meetings']}局党组会议、局长办公会议进行研究。",
        f"有序推进{'、'.join(campaign_names)}等{d['campaigns_active']}行动。",
        f"今年以来，共开展检查{d['inspections']}、安全宣讲{d['safety_talks']}、"
        f"事故应急演练{d['drills']}，下发工作提示{d['work_notices']}。",
    ]
    brand = [
        f"累计发放慰问物资、助学金等{d['charity_disbursed']}。",
        f"服务孤残儿童{d['child_person_times']}。",
        f"组织大型调研{d['large_surveys']}，帮助解决群众身边实际问题{d['problems_solved']}。",
        f"今年完成{d['home_modifications']}特殊困难老年人家庭适老化改造，"
        f"建设{d['meal_points_built']}老年助餐服务点。",
    ]
    if values["volunteer_corps"] > 0:
        brand.append(f"组建益阳市“银龄行动”志愿服务总队和{d['volunteer_branches']}分队。")
    return {"foundation": foundation, "vitality": [], "brand": brand}


def pillar_line(elders_by_pillar: Mapping[str, int]) -> str:
    """The 益老云 line of the vitality section (not part of the article's figures)."""
    parts = [f"{label}{elders_by_pillar.get(code, 0)}人" for code, label in PILLAR_LABELS.items()]
    return "益老云：" + "、".join(parts) + "。"


def build_report(
    *,
    year: int,
    as_of: str,
    values: Mapping[str, int],
    campaign_names: Sequence[str],
    extras: Mapping[str, Any],
    watermark: Mapping[str, Mapping[str, int]],
) -> dict[str, Any]:
    """The whole report document (§10.4 JSON shape) with its rendered text."""
    rendered = sentences(values, campaign_names)
    sections = []
    for key, title in SECTIONS:
        metrics = [metric_document(m, values[m.key]) for m in METRICS if m.section == key]
        section: dict[str, Any] = {
            "key": key,
            "title": title,
            "metrics": metrics,
            "sentences": rendered[key],
        }
        if key == "vitality":
            section["notes"] = [pillar_line(extras.get("elders_by_pillar", {}))]
        sections.append(section)
    text = "\n".join(rendered["foundation"] + rendered["brand"])
    return {
        "report": "ytd",
        "year": year,
        "as_of": as_of,
        "timezone": "Asia/Shanghai",
        "watermark": {t: dict(p) for t, p in watermark.items()},
        "sections": sections,
        "extras": dict(extras),
        "text": text,
    }

"""Funds (资金池), projects (项目) and donations (捐赠): the reference side of the money."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final
from uuid import UUID

from charity.domain.errors import InvalidInputError

BRAND: Final = "益行益善·益老益小"


class SourceType(StrEnum):
    """Where a fund's money comes from."""

    LOTTERY_WELFARE = "LOTTERY_WELFARE"  # 市级福彩公益金, one fund per fiscal year
    DONATION = "DONATION"  # 慈善捐赠
    FISCAL = "FISCAL"


class ProjectKind(StrEnum):
    """What a project does."""

    RELIEF_GOODS = "RELIEF_GOODS"  # 慰问物资
    SCHOLARSHIP = "SCHOLARSHIP"  # 助学金
    ELDER_CANTEEN = "ELDER_CANTEEN"  # 益老食堂
    WRISTBAND = "WRISTBAND"  # 黄手环
    PUBLIC_CLASS = "PUBLIC_CLASS"  # 公益课堂
    CHILD_CARE = "CHILD_CARE"  # 童心童行
    WEEKEND_MOTHERS = "WEEKEND_MOTHERS"  # 周末妈妈
    HOME_TEACHING = "HOME_TEACHING"  # 送教上门
    INSTITUTION_SUBSIDY = "INSTITUTION_SUBSIDY"


CHILD_CARE_KINDS: Final = frozenset(
    {ProjectKind.CHILD_CARE, ProjectKind.WEEKEND_MOTHERS, ProjectKind.HOME_TEACHING}
)


class Purpose(StrEnum):
    """The lottery fund's five permitted purposes (扶老、助残、救孤、济困、社会公益)."""

    SUPPORT_ELDERLY = "SUPPORT_ELDERLY"
    SUPPORT_DISABLED = "SUPPORT_DISABLED"
    RESCUE_ORPHANS = "RESCUE_ORPHANS"
    RELIEVE_POVERTY = "RELIEVE_POVERTY"
    PUBLIC_GOOD = "PUBLIC_GOOD"


class DonorType(StrEnum):
    """Who gave."""

    INDIVIDUAL = "INDIVIDUAL"
    ORGANISATION = "ORGANISATION"


class BenefitKind(StrEnum):
    """Money or goods (goods are always valued in fen)."""

    CASH = "CASH"
    IN_KIND = "IN_KIND"


@dataclass
class Fund:
    """A pool of money; its balances live in the ledger."""

    id: UUID
    code: str
    source_type: SourceType
    fiscal_year: int | None
    version: int

    @property
    def is_lottery(self) -> bool:
        """Welfare-lottery money has stricter rules (purposes, expense classes, co-signature)."""
        return self.source_type is SourceType.LOTTERY_WELFARE


@dataclass
class Project:
    """A charity project, possibly of the bureau's brand."""

    id: UUID
    code: str
    name: str
    brand: str | None
    kind: ProjectKind
    purpose: Purpose
    in_project_library: bool
    version: int


@dataclass(frozen=True)
class Item:
    """A line of goods: what, how many, and (optionally) the value of one in fen."""

    name: str
    quantity: int
    unit_value_minor: int | None = None


def check_amount(amount_minor: object) -> int:
    """A positive integer of fen (never a float, a string or a boolean), else 422."""
    if type(amount_minor) is not int or amount_minor <= 0:
        raise InvalidInputError("invalid_amount", "金额须为大于 0 的整数（单位：分）")
    return amount_minor


def check_not_future(instant: datetime, now: datetime, what: str) -> None:
    """An instant a person reports as happened may not lie in the future."""
    if instant > now:
        raise InvalidInputError("in_future", f"{what}不能晚于当前时间")


def open_fund(fund_id: UUID, code: str, source_type: SourceType, fiscal_year: int | None) -> Fund:
    """A new fund; a lottery fund names the fiscal year its money was raised in."""
    if source_type is SourceType.LOTTERY_WELFARE and fiscal_year is None:
        raise InvalidInputError("fiscal_year_required", "福彩公益金资金池须注明所属年度")
    return Fund(fund_id, code, source_type, fiscal_year, version=1)


def register_project(  # noqa: PLR0913 - a project has this many independent attributes
    project_id: UUID,
    *,
    code: str,
    name: str,
    brand: str | None,
    kind: ProjectKind,
    purpose: Purpose,
    in_project_library: bool,
) -> Project:
    """A new project; the only brand is the bureau's "益行益善·益老益小"."""
    if brand is not None and brand != BRAND:
        raise InvalidInputError("unknown_brand", f"项目品牌只能是“{BRAND}”或留空")
    return Project(project_id, code, name, brand, kind, purpose, in_project_library, version=1)


def check_items_value(kind: BenefitKind, amount_minor: int, items: list[Item]) -> None:
    """In-kind needs its items; valued items must add up to the amount to the fen."""
    if kind is BenefitKind.CASH:
        if items:
            raise InvalidInputError("items_not_allowed", "现金不应列出物资明细")
        return
    if not items:
        raise InvalidInputError("in_kind_incomplete", "实物须列出物资明细并以分为单位估值")
    if all(item.unit_value_minor is not None for item in items):
        total = sum(item.quantity * (item.unit_value_minor or 0) for item in items)
        if total != amount_minor:
            raise InvalidInputError("valuation_mismatch", "物资明细合计金额与估值金额不一致")


def check_donor(donor_type: DonorType, display_name: str | None) -> None:
    """Only organisations carry a display name; individuals are known by an opaque id only."""
    if display_name is not None and donor_type is DonorType.INDIVIDUAL:
        raise InvalidInputError(
            "display_name_not_allowed", "个人捐赠人不设公开名称，姓名请通过捐赠人信息提交"
        )

"""Beneficiaries (受助对象): the charity registrant registry; personal data lives in the vault."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final
from uuid import UUID

from charity.domain.errors import ConflictError, InvalidInputError
from charity.domain.funds import CHILD_CARE_KINDS, ProjectKind


class BeneficiaryKind(StrEnum):
    """Who is helped."""

    ELDER = "ELDER"  # links an eldercare elder; no personal data copied
    CHILD = "CHILD"
    STUDENT = "STUDENT"
    HOUSEHOLD = "HOUSEHOLD"
    INSTITUTION = "INSTITUTION"  # links an eldercare institution


class BeneficiaryStatus(StrEnum):
    """ACTIVE | INACTIVE."""

    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


# Kinds identified by an ID card (the household's head for HOUSEHOLD): name and number required.
PERSON_KINDS: Final = frozenset(
    {BeneficiaryKind.CHILD, BeneficiaryKind.STUDENT, BeneficiaryKind.HOUSEHOLD}
)
CHILD_KINDS: Final = frozenset({BeneficiaryKind.CHILD, BeneficiaryKind.STUDENT})

# Vault fields; none of them ever leaves the service except through an audited read.
VAULT_FIELDS: Final = (
    "name",
    "id_card_no",
    "guardian_name",
    "guardian_phone",
    "bank_account_no",
    "school",
    "disability_category",
    "orphan_category",
)


@dataclass
class Beneficiary:
    """A registrant; ``enrolled`` holds the projects with an active enrolment."""

    id: UUID
    kind: BeneficiaryKind
    county_code: str
    elder_id: UUID | None = None
    institution_id: UUID | None = None
    status: BeneficiaryStatus = BeneficiaryStatus.ACTIVE
    enrolled: set[UUID] = field(default_factory=set)
    version: int = 1

    @property
    def active(self) -> bool:
        """Whether benefits may go to this beneficiary."""
        return self.status is BeneficiaryStatus.ACTIVE

    def check_active(self) -> None:
        """409 when inactive."""
        if not self.active:
            raise ConflictError("beneficiary_inactive", "该受助对象已停用")

    def enrol(self, project_id: UUID) -> None:
        """Join a project."""
        self.check_active()
        if project_id in self.enrolled:
            raise ConflictError("already_enrolled", "该受助对象已加入此项目")
        self.enrolled.add(project_id)
        self.version += 1

    def deactivate(self) -> bool:
        """Stop all benefits; False if it already was inactive (nothing to announce)."""
        if not self.active:
            return False
        self.status = BeneficiaryStatus.INACTIVE
        self.enrolled.clear()
        self.version += 1
        return True


def check_links(kind: BeneficiaryKind, elder_id: UUID | None, institution_id: UUID | None) -> None:
    """ELDER links an elder and INSTITUTION an institution; nothing else links either."""
    if (kind is BeneficiaryKind.ELDER) != (elder_id is not None):
        raise InvalidInputError("invalid_link", "仅“老年人”类受助对象须且只能关联 elder_id")
    if (kind is BeneficiaryKind.INSTITUTION) != (institution_id is not None):
        raise InvalidInputError("invalid_link", "仅“机构”类受助对象须且只能关联 institution_id")


def check_personal_fields(kind: BeneficiaryKind, given: set[str]) -> None:
    """Persons need a name and an ID card; linked kinds copy no personal data at all."""
    if kind in PERSON_KINDS:
        missing = sorted({"name", "id_card_no"} - given)
        if missing:
            raise InvalidInputError(
                "personal_data_required",
                "儿童、学生和家庭户主须提供姓名和身份证号",
                extra={"missing": missing},
            )
        return
    copied = sorted(given - {"bank_account_no"})
    if copied:
        raise InvalidInputError(
            "personal_data_not_allowed",
            "老年人和机构类受助对象只关联编号，不复制个人信息",
            extra={"fields": copied},
        )


def check_eligible(
    kind: BeneficiaryKind, project_kind: ProjectKind, disability_category: str | None
) -> None:
    """Child-care projects are for children; 送教上门 needs a disability category."""
    if project_kind in CHILD_CARE_KINDS and kind not in CHILD_KINDS:
        raise InvalidInputError("not_eligible", "儿童关爱类项目只能加入儿童或学生")
    if project_kind is ProjectKind.HOME_TEACHING and not disability_category:
        raise InvalidInputError("not_eligible", "送教上门仅面向有残疾类别登记的儿童")

"""Elders (老年人档案): public attributes and lifecycle; personal data lives in the vault."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from eldercare.domain.errors import ConflictError, InvalidInputError, in_future
from eldercare.domain.identity import ELDERLY_AGE, IdCard, age_on, elder_age_band
from shared.clock import local_date

ACTIVE, DECEASED, MOVED_OUT = "ACTIVE", "DECEASED", "MOVED_OUT"
CARE_PILLARS = ("SAFETY_NET", "INSTITUTIONAL", "HOME")
# 特困/低保/低边/脱贫/计生特殊/高龄/失能/残疾 (DOMAIN §5.2): sensitive, kept in the vault.
SPECIAL_BASES = (
    "TEKUN",
    "DIBAO",
    "DIBIAN",
    "TUOPIN",
    "JISHENG_TESHU",
    "GAOLING",
    "SHINENG",
    "CANJI",
)
# GB/T 42195-2022 老年人能力评估: 能力完好、轻度、中度、重度失能、完全失能 (health data).
ABILITY_LEVELS = ("INTACT", "MILD", "MODERATE", "SEVERE", "TOTAL")


@dataclass
class Elder:
    """An elder's record without personal data (which the vault holds under the same id)."""

    id: UUID
    id_card_hmac: bytes | None
    age_band: str
    sex: str
    county_code: str
    township_code: str
    care_pillars: tuple[str, ...]
    status: str
    institution_id: UUID | None
    registered_at: datetime
    died_on: date | None
    moved_out_on: date | None
    erased_at: datetime | None
    version: int

    @classmethod
    def register(  # noqa: PLR0913 - the record's public fields, all keyword-only
        cls,
        *,
        id: UUID,
        id_card: IdCard,
        id_card_hmac: bytes,
        county_code: str,
        township_code: str,
        care_pillars: tuple[str, ...],
        now: datetime,
        today: date,
    ) -> Elder:
        """A new ACTIVE record; the person must be 60 or older today."""
        age = age_on(id_card.birth_date, today)
        if age < ELDERLY_AGE:
            raise InvalidInputError("not_elderly", "登记对象须年满 60 周岁")
        if not care_pillars:
            raise InvalidInputError("care_pillar_required", "至少选择一种养老方式")
        return cls(
            id=id,
            id_card_hmac=id_card_hmac,
            age_band=elder_age_band(age),
            sex=id_card.sex,
            county_code=county_code,
            township_code=township_code,
            care_pillars=tuple(p for p in CARE_PILLARS if p in care_pillars),
            status=ACTIVE,
            institution_id=None,
            registered_at=now,
            died_on=None,
            moved_out_on=None,
            erased_at=None,
            version=1,
        )

    @property
    def is_active(self) -> bool:
        """ACTIVE and not erased: may receive services."""
        return self.status == ACTIVE and self.erased_at is None

    def ensure_active(self) -> None:
        """Refuse services to an elder who died, moved out or was erased (409)."""
        if not self.is_active:
            raise ConflictError("elder_not_active", "老人档案不在有效状态（已去世、迁出或已注销）")

    def assessed(self) -> None:
        """An ability assessment was recorded."""
        self.ensure_active()
        self.version += 1

    def admit(self, institution_id: UUID) -> None:
        """Become a resident of an institution."""
        self.ensure_active()
        if self.institution_id is not None:
            raise ConflictError("already_resident", "老人已入住其他机构")
        self.institution_id = institution_id
        self.version += 1

    def discharge(self) -> UUID:
        """Leave the institution; returns it."""
        if self.institution_id is None:
            raise ConflictError("not_resident", "老人未入住机构")
        left = self.institution_id
        self.institution_id = None
        self.version += 1
        return left

    def check_death(self, died_on: date, *, today: date) -> None:
        """A death date between the registration and today, of an elder still active."""
        if died_on > today:
            raise InvalidInputError("died_on_in_future", "死亡日期不能晚于今天")
        if died_on < local_date(self.registered_at):
            raise InvalidInputError("died_before_registration", "死亡日期不能早于建档日期")
        self.ensure_active()

    def record_death(self, died_on: date, *, today: date) -> None:
        """Record a death (a resident is discharged first by the caller)."""
        self.check_death(died_on, today=today)
        self.status = DECEASED
        self.died_on = died_on
        self.version += 1

    def move_out(self, on: date, *, today: date) -> None:
        """Leave the city's care; a resident must be discharged first."""
        if on > today:
            raise in_future("迁出日期")
        self.ensure_active()
        if self.institution_id is not None:
            raise ConflictError("still_resident", "老人仍在机构入住，请先办理出院")
        self.status = MOVED_OUT
        self.moved_out_on = on
        self.version += 1

    def erase(self, now: datetime) -> None:
        """Forget the person: the blind index goes, the vault key is shredded by the caller."""
        if self.erased_at is not None:
            raise ConflictError("already_erased", "该老人的个人信息已删除")
        self.erased_at = now
        self.id_card_hmac = None
        self.version += 1

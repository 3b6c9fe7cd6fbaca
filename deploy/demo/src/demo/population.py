"""Who and what exists in the demo (DOMAIN §11.2): sites, elders and their groups, counties."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from demo.identities import birth_date, id_card, name
from demo.ids import site, uid

COUNTIES = ("430902", "430903", "430921", "430922", "430923", "430981")
COUNTY_NAMES = {
    "430902": "资阳区",
    "430903": "赫山区",
    "430921": "南县",
    "430922": "桃江县",
    "430923": "安化县",
    "430981": "沅江市",
    "430900-DTH": "大通湖区",
}
# Kinds of INST-001..043 in code order; INST-044 is a private home closed on 2023-06-30.
SITE_KINDS = (
    ("ELDERCARE_SAFETY_NET", 12),
    ("ELDERCARE_PUBLIC", 8),
    ("ELDERCARE_PRIVATE", 19),
    ("SOCIAL_WELFARE_HOME", 1),
    ("CHILD_WELFARE", 1),
    ("RELIEF_STATION", 1),
    ("FUNERAL_HOME", 1),
)
CLOSED_SITE = 44
ACTIVE_SITES = tuple(range(1, 44))
ELDERCARE_SITES = tuple(range(1, 40))  # the 39 active eldercare sites
# The one full site (§11.6 #27): its beds equal its residents. Every other site has 30 beds.
FULL_SITE = 1


def site_kind(n: int) -> str:
    """The kind of institution ``n``."""
    if n == CLOSED_SITE:
        return "ELDERCARE_PRIVATE"
    left = n
    for kind, count in SITE_KINDS:
        if left <= count:
            return kind
        left -= count
    raise ValueError(n)


def site_county(n: int) -> str:
    """Sites take the counties round-robin."""
    return COUNTIES[(n - 1) % len(COUNTIES)]


def residents_of(n: int) -> int:
    """31 sites hold 12 residents and 8 hold 11 (460 in all)."""
    if n not in ELDERCARE_SITES:
        return 0
    return 12 if n <= 31 else 11


def beds_of(n: int) -> int:
    """Beds of site ``n``."""
    return residents_of(n) if n == FULL_SITE else 30


# Elders ELD-000001..004280, by group (§11.2).
B = range(1, 461)  # institution residents, registered 2021
C = range(461, 1101)  # home and meal users, registered 2021
A0 = range(1101, 1581)  # home modifications accepted in 2023
A = range(1581, 4281)  # 2024 applicants: 900 registered in 2023-10..12, 1,800 in 2024-01..06
A_2023 = A[:900]
A_2024 = A[900:]
# Six C elders who are not charity beneficiaries die in 2024 (ELDER beneficiaries are B + C[:540]).
DYING = tuple(C[600:606])
DEATHS = tuple(
    zip(
        DYING,
        (
            date(2024, 3, 15),
            date(2024, 4, 15),
            date(2024, 5, 15),
            date(2024, 6, 14),
            date(2024, 7, 15),
            date(2024, 9, 13),
        ),
        strict=True,
    )
)
MEAL_USERS = tuple(A[:1000]) + tuple(C)
ELDER_BENEFICIARIES = tuple(B) + tuple(C[:540])


@dataclass(frozen=True)
class Elder:
    """One demo elder: public attributes and the synthetic identity sent to eldercare."""

    n: int

    @property
    def code(self) -> str:
        return f"ELD-{self.n:06d}"

    @property
    def id(self) -> str:
        return uid("elder", self.code)

    @property
    def county(self) -> str:
        return COUNTIES[self.n % len(COUNTIES)]

    @property
    def name(self) -> str:
        return name(self.n)

    @property
    def born(self) -> date:
        return birth_date(self.n, date(1930, 1, 1), date(1958, 12, 31))

    @property
    def id_card(self) -> str:
        return id_card(self.county, self.born, self.n)

    @property
    def household(self) -> str:
        return uid("household", self.code)

    @property
    def residence(self) -> int | None:
        """The site a B elder lives in."""
        if self.n not in B:
            return None
        index = self.n - 1
        for s in ELDERCARE_SITES:
            if index < residents_of(s):
                return s
            index -= residents_of(s)
        raise ValueError(self.n)


def residence_site(n: int) -> str:
    """The id of the site elder ``n`` lives in."""
    home = Elder(n).residence
    if home is None:
        raise ValueError(n)
    return site(home)

"""Sites as this service knows them: the replica of eldercare's institutions, plus the bureau."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from inspection.domain.errors import ConflictError, unknown_reference

# The bureau itself (市民政局) as an inspection site; it is not an eldercare institution.
BUREAU_SITE_ID = uuid.UUID("00000000-0000-0000-0000-000000000001")
ACTIVE = "ACTIVE"


@dataclass(frozen=True)
class Site:
    """What the replica holds about a site."""

    id: uuid.UUID
    kind: str | None
    status: str


BUREAU = Site(id=BUREAU_SITE_ID, kind="BUREAU", status=ACTIVE)


def usable_site(site: Site | None) -> Site:
    """The site, if it exists and is active; else 422 unknown_reference or 409 site_inactive."""
    if site is None:
        raise unknown_reference("机构")
    if site.status != ACTIVE:
        raise ConflictError("site_inactive", f"机构状态为 {site.status}，不能办理此事项")
    return site

"""notify's contact directory: everyone the routing table may reach (DOMAIN §7)."""

from __future__ import annotations

from datetime import date

from demo import ids
from demo.calendar import at
from demo.identities import mobile
from demo.script import Script

BRANCHES = 7


def people() -> list[tuple[str, str]]:
    """(label, person id) of every recipient in the demo."""
    found = [("L1", ids.L1), ("S1", ids.S1), ("L2", ids.L2), ("L3", ids.L3), ("L4", ids.L4)]
    found += [(f"STAFF-{i + 1:02d}", p) for i, p in enumerate(ids.STAFF)]
    found += [("DUTY-ELDERCARE", ids.ELDERCARE_DUTY_OFFICER), ("DUTY-CHARITY", ids.CHARITY_OFFICER)]
    for n in range(1, 45):
        found.append((f"{ids.site_code(n)}-head", ids.site_head(n)))
        found.append((f"{ids.site_code(n)}-safety", ids.site_safety_officer(n)))
    found += [(f"BRANCH-{k}-leader", branch_leader(k)) for k in range(1, BRANCHES + 1)]
    return found


def branch_leader(k: int) -> str:
    """The leader of volunteer branch ``k`` (1..7)."""
    return ids.uid("person", f"BRANCH-{k}-leader")


def add(script: Script) -> None:
    """Register every recipient's e-mail, phone and chat id before anything happens."""
    when = at(date(2015, 1, 5), 9)
    for i, (label, person) in enumerate(people()):
        slug = label.lower()
        script.add(
            when,
            "notify",
            "PUT",
            f"/contacts/{person}",
            "notify_operator",
            f"contact:{label}",
            {
                "email": f"{slug}@demo.yiyang.example",
                "phone": mobile(900_000 + i),
                "chat_id": f"wx-{slug}",
            },
        )

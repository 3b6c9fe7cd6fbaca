"""The demo year, one module per department; ``build()`` gives the whole script."""

from __future__ import annotations

from demo.scenario import acks, charity, contacts, eldercare, fixtures, inspection
from demo.script import Script


def build() -> Script:
    """Every line of the demo, in any order (the script sorts them by time)."""
    script = Script()
    contacts.add(script)
    eldercare.add(script)
    charity.add(script)
    inspection.add(script)
    fixtures.add(script)
    acks.add(script)
    return script

"""Who may do what in notify (the README documents this table)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shared.http.auth import Principal, bearer, require

# Contacts hold personal data: only the notify operator and the administrator touch them.
CONTACT_ADMINS = ("notify_operator", "admin")
# Sending by hand, previewing templates, feeding delivery receipts.
OPERATORS = ("notify_operator", "admin")
# Reading notifications and the routing table: bureau staff who follow up.
STAFF_READERS = ("notify_operator", "admin", "auditor", "safety_lead", "main_leader")
# The audit ledger.
AUDITORS = ("auditor", "admin")
# Operations: the sweepers.
ADMINS = ("admin",)

ContactAdmin = Annotated[Principal, Depends(require(*CONTACT_ADMINS))]
Operator = Annotated[Principal, Depends(require(*OPERATORS))]
StaffReader = Annotated[Principal, Depends(require(*STAFF_READERS))]
Auditor = Annotated[Principal, Depends(require(*AUDITORS))]
Admin = Annotated[Principal, Depends(require(*ADMINS))]
# Any authenticated person: acknowledging is checked against the recipient's person id.
Anyone = Annotated[Principal, Depends(bearer)]

"""Who may read what (the role matrix of the README): one place, enforced with ``require``."""

from __future__ import annotations

from shared.http.auth import require

# Aggregate figures (report, institution 360, ledgers, dashboard): no personal data in them.
READER_ROLES = (
    "views_reader",
    "main_leader",
    "safety_lead",
    "inspector",
    "auditor",
    "admin",
    "finance_officer",
    "finance_bureau",
    "caseworker",
    "volunteer_coordinator",
)
# Elder 360 (scope elder360:read): one person's services, every read audited.
ELDER_360_ROLES = ("caseworker", "auditor")
# Wristband and missing-person facts imply health data (scope health:read).
HEALTH_ROLES = ("caseworker",)
# The audit trail of elder-360 reads.
AUDIT_ROLES = ("auditor",)
# Operations: projection status, rebuilds.
STATUS_ROLES = ("admin", "views_reader", "auditor")
ADMIN_ROLES = ("admin",)

reader = require(*READER_ROLES)
elder_reader = require(*ELDER_360_ROLES)
auditor = require(*AUDIT_ROLES)
status_reader = require(*STATUS_ROLES)
admin = require(*ADMIN_ROLES)

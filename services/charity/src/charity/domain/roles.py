"""The charity role matrix: which staff role may run which command (README has the table)."""

from __future__ import annotations

from typing import Final

FINANCE_OFFICER: Final = "finance_officer"
APPROVER: Final = "approver"
FINANCE_BUREAU: Final = "finance_bureau"
CASEWORKER: Final = "caseworker"
AUDITOR: Final = "auditor"
ADMIN: Final = "admin"

ALL_STAFF: Final = (FINANCE_OFFICER, APPROVER, FINANCE_BUREAU, CASEWORKER, AUDITOR, ADMIN)

# Commands. Admin is not implied anywhere: it runs only the operational routes.
OPEN_FUND: Final = (FINANCE_OFFICER,)
CREDIT_FUND: Final = (FINANCE_OFFICER,)
RECORD_DONATION: Final = (FINANCE_OFFICER,)
REGISTER_PROJECT: Final = (FINANCE_OFFICER, CASEWORKER)
MANAGE_BENEFICIARIES: Final = (CASEWORKER,)
# The requester of an allocation: the finance office or a section's staff (who hold `approver`
# for other people's allocations, hence the four-eyes rule).
REQUEST_ALLOCATION: Final = (FINANCE_OFFICER, APPROVER)
APPROVE_ALLOCATION: Final = (APPROVER, FINANCE_BUREAU)
CLOSE_ALLOCATION: Final = (FINANCE_OFFICER,)
REQUEST_DISBURSEMENT: Final = (FINANCE_OFFICER, CASEWORKER)
SETTLE_DISBURSEMENT: Final = (FINANCE_OFFICER,)
CONFIRM_DELIVERY: Final = (FINANCE_OFFICER, CASEWORKER)
RECONCILE: Final = (FINANCE_OFFICER,)
RECORD_CHILD_CARE: Final = (CASEWORKER,)
# Personal data: clear reads (pii:read / child:read) are the caseworker's, always audited.
READ_PERSONAL_DATA: Final = (CASEWORKER,)
READ_PII_AUDIT: Final = (AUDITOR, ADMIN)
ERASE_PERSONAL_DATA: Final = (ADMIN,)
CHECK_LEDGER: Final = (FINANCE_OFFICER, AUDITOR, ADMIN)
READ: Final = ALL_STAFF

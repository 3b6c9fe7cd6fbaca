"""FastAPI dependency aliases: the caller by role, the Idempotency-Key header."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from charity.domain import roles
from shared.http.auth import Principal, require

IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="Same key + same body → the stored response"),
]

Reader = Annotated[Principal, Depends(require(*roles.READ))]
FundOfficer = Annotated[Principal, Depends(require(*roles.OPEN_FUND))]
ProjectRegistrar = Annotated[Principal, Depends(require(*roles.REGISTER_PROJECT))]
Caseworker = Annotated[Principal, Depends(require(*roles.MANAGE_BENEFICIARIES))]
PersonalDataReader = Annotated[Principal, Depends(require(*roles.READ_PERSONAL_DATA))]
AuditReader = Annotated[Principal, Depends(require(*roles.READ_PII_AUDIT))]
Eraser = Annotated[Principal, Depends(require(*roles.ERASE_PERSONAL_DATA))]
Requester = Annotated[Principal, Depends(require(*roles.REQUEST_ALLOCATION))]
Approver = Annotated[Principal, Depends(require(*roles.APPROVE_ALLOCATION))]
Closer = Annotated[Principal, Depends(require(*roles.CLOSE_ALLOCATION))]
DisbursementRequester = Annotated[Principal, Depends(require(*roles.REQUEST_DISBURSEMENT))]
Settler = Annotated[Principal, Depends(require(*roles.SETTLE_DISBURSEMENT))]
DeliveryConfirmer = Annotated[Principal, Depends(require(*roles.CONFIRM_DELIVERY))]
Reconciler = Annotated[Principal, Depends(require(*roles.RECONCILE))]
ChildCareRecorder = Annotated[Principal, Depends(require(*roles.RECORD_CHILD_CARE))]
LedgerChecker = Annotated[Principal, Depends(require(*roles.CHECK_LEDGER))]

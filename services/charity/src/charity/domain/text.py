"""Input text guards: nothing that looks like an ID-card or mobile number gets stored in clear."""

from __future__ import annotations

from charity.domain.errors import InvalidInputError
from shared.events.pii import find_pii


def reject_personal_data(**texts: str | None) -> None:
    """422 ``pii_in_free_text`` naming the fields (never the values) that hold such numbers."""
    hits = sorted(name for name, text in texts.items() if text and find_pii(text))
    if hits:
        raise InvalidInputError(
            "pii_in_free_text",
            "请勿在描述中填写身份证号或手机号",
            extra={"fields": hits},
        )

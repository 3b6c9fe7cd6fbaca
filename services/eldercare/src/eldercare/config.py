"""Settings of the eldercare service."""

from __future__ import annotations

from pydantic import Field, SecretStr

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The eldercare service's settings (environment variables, no prefix)."""

    service_name: str = "eldercare"
    http_port: int = 8102

    vault_key: SecretStr | None = Field(
        default=None,
        description=(
            "VAULT_KEY: base64 of 32 random bytes, the key that wraps each subject's data key "
            "(AES-256-GCM). Without it the service refuses personal data (503), except in demo "
            "mode, where an ephemeral key is generated at start."
        ),
    )
    vault_key_id: str = Field(
        default="k1",
        pattern=r"^[A-Za-z0-9_.-]{1,32}$",
        description="VAULT_KEY_ID: the id stored with every data key wrapped by VAULT_KEY.",
    )
    vault_retired_keys: SecretStr | None = Field(
        default=None,
        description=(
            'VAULT_RETIRED_KEYS: JSON {"<key id>": "<base64 key>"} of earlier keys, still used '
            "to unwrap data keys until POST /_admin/vault/rotate has re-wrapped them."
        ),
    )
    pii_pepper: SecretStr | None = Field(
        default=None,
        description="PII_PEPPER: the secret (>= 16 characters) of the ID-card HMAC.",
    )
    home_mod_subsidy_cap_minor: int = Field(
        default=300_000, ge=0, description="Subsidy cap of one home modification, in fen."
    )
    home_mod_period_years: int = Field(
        default=5, ge=1, description="One accepted modification per household per period."
    )
    meal_subsidy_cap_minor: int = Field(
        default=1_000, ge=0, description="Highest subsidy of one meal (the single tier), in fen."
    )
    meal_lunch_hours: str = Field(
        default="10:30-13:30",
        pattern=r"^\d{2}:\d{2}-\d{2}:\d{2}$",
        description="Default LUNCH slot of a new meal point, local time.",
    )
    meal_dinner_hours: str = Field(
        default="16:30-19:00",
        pattern=r"^\d{2}:\d{2}-\d{2}:\d{2}$",
        description="Default DINNER slot of a new meal point, local time.",
    )

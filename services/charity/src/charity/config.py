"""Settings of the charity service."""

from __future__ import annotations

from pydantic import Field, SecretStr

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The charity service's settings (environment variables, no prefix)."""

    service_name: str = "charity"
    http_port: int = 8103
    vault_key: SecretStr | None = Field(
        default=None,
        description="VAULT_KEY: base64 of 32 random bytes; wraps each subject's data key.",
    )
    vault_key_id: str = Field(
        default="k1", description="VAULT_KEY_ID: stored with every wrapped key, for rotation."
    )
    vault_previous_keys: SecretStr | None = Field(
        default=None,
        description='VAULT_PREVIOUS_KEYS: JSON {"<key id>": "<base64 key>"} still able to unwrap.',
    )
    pii_pepper: SecretStr | None = Field(
        default=None, description="PII_PEPPER: the HMAC-SHA256 key of ID-card deduplication."
    )
    lottery_next_year_use: bool = Field(
        default=False,
        description="LOTTERY_NEXT_YEAR_USE: 当年筹集、次年使用 (a lottery fund of year Y is usable "
        "only from Y+1). Off in the demo (DOMAIN §12).",
    )

"""Service settings: one pydantic-settings object, built once by the composition root."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.kafka_security import KafkaSecurity


class ServiceSettings(BaseSettings):
    """What every service reads from its environment (each process has its own environment).

    Secrets (database password inside ``DATABASE_URL``, tokens) come only from the environment
    or files it names, never from the repository.
    """

    # hide_input_in_errors: a validation error must never echo a password or DSN it was given.
    model_config = SettingsConfigDict(
        env_file=None, extra="ignore", frozen=True, hide_input_in_errors=True
    )

    service_name: str = Field(description="One word: folder, package, schema, group, source.")
    database_url: SecretStr = Field(description="postgresql://user:password@host:port/db")
    db_schema: str = Field(default="", description="Schema the service owns; default = name.")
    db_pool_min: int = Field(default=1, ge=0)
    db_pool_max: int = Field(default=10, ge=1)
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_consumer_group: str = Field(
        default="", description="Consumer group id; default the service name."
    )
    kafka_topic_prefix: str = Field(
        default="", description="Prepended to every topic name (shared clusters, test isolation)."
    )
    kafka_security_protocol: Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT", description="SASL_* makes every Kafka client of the service log in."
    )
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"] = "SCRAM-SHA-512"
    kafka_sasl_username: str = Field(default="", description="The service's Kafka principal.")
    kafka_sasl_password: SecretStr | None = Field(
        default=None, description="Its password (from the environment or a secret, never logged)."
    )
    http_host: str = "127.0.0.1"
    http_port: int = 8100
    auth_tokens_file: Path | None = Field(
        default=None, description="JSON {role: token}; keys role_2… are further persons."
    )
    auth_tokens_json: SecretStr | None = Field(
        default=None, description="The same mapping inline (containers, tests)."
    )
    demo_mode: bool = Field(default=False, description="Enables the admin clock and sweeps.")
    migrate_on_start: bool = True
    log_level: str = "INFO"
    log_dir: Path | None = None
    otel_exporter_otlp_endpoint: str | None = Field(
        default=None, description="OTLP/HTTP endpoint; traces are exported only when set."
    )
    relay_enabled: bool = True
    relay_batch_size: int = Field(default=500, ge=1, le=10_000)
    relay_poll_interval_s: float = Field(default=1.0, gt=0)
    consumer_max_attempts: int = Field(default=5, ge=1)
    consumer_backoff_base_s: float = Field(default=0.2, ge=0)
    consumer_backoff_max_s: float = Field(default=5.0, ge=0)
    max_request_bytes: int = Field(default=1_000_000, ge=1024)

    @model_validator(mode="after")
    def _kafka_security_is_complete(self) -> ServiceSettings:
        self.kafka_security  # noqa: B018 - raises ValueError (a validation error) when incomplete
        return self

    @property
    def kafka_security(self) -> KafkaSecurity:
        """How this service's Kafka clients authenticate (PLAINTEXT unless SASL is configured)."""
        password = self.kafka_sasl_password or SecretStr("")
        return KafkaSecurity(
            protocol=self.kafka_security_protocol,
            mechanism=self.kafka_sasl_mechanism,
            username=self.kafka_sasl_username,
            password=password,
        )

    @property
    def schema_name(self) -> str:
        """The PostgreSQL schema of this service."""
        return self.db_schema or self.service_name

    @property
    def consumer_group(self) -> str:
        """The Kafka consumer group of this service (``KAFKA_CONSUMER_GROUP``, default its name)."""
        return self.kafka_consumer_group or self.service_name

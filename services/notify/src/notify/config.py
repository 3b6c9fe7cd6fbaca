"""Settings of the notify service."""

from __future__ import annotations

from datetime import time
from uuid import UUID

from pydantic import Field, SecretStr

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The notify service's settings (environment variables, no prefix)."""

    service_name: str = "notify"
    http_port: int = 8104

    # Personal data at rest: base64 of a 32-byte AES-GCM key (a dev default is derived if unset).
    vault_key: SecretStr | None = Field(default=None, description="AES-256-GCM key, base64.")

    # Sandbox: every channel goes to the dev sinks, whatever the provider settings say.
    sandbox_mode: bool = Field(default=True, description="Never reach real people.")
    sink_smtp_host: str = "127.0.0.1"
    sink_smtp_port: int = 8125
    sink_http_url: str = "http://127.0.0.1:8126"

    # Providers (used only when sandbox_mode is off).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "notify@minzheng.yiyang.example"
    sms_gateway_url: str = "http://127.0.0.1:8126/sms"
    sms_gateway_token: SecretStr | None = None
    sms_sign: str = "益阳民政"
    sms_max_segments: int = Field(default=3, ge=1, le=10)
    robot_webhook_url: str = "http://127.0.0.1:8126/robot/wecom"
    robot_kind: str = Field(default="wecom", pattern="^(wecom|dingtalk)$")
    robot_secret: SecretStr | None = Field(default=None, description="DingTalk signing secret.")
    provider_timeout_s: float = Field(default=5.0, gt=0)

    # Role directory entries that come from settings (DOMAIN §7).
    eldercare_duty_officer: UUID | None = None
    charity_officer: UUID | None = None

    # Quiet hours (Asia/Shanghai) and which priorities they defer.
    quiet_hours_start: time = time(22, 0)
    quiet_hours_end: time = time(7, 0)
    quiet_deferred_priorities: str = "NORMAL"

    # Retries: backoff steps in seconds (the last repeats), and a deadline per priority.
    retry_backoff_s: str = "60,300,900,1800"
    deadline_urgent_min: int = Field(default=60, ge=1)
    deadline_high_min: int = Field(default=240, ge=1)
    deadline_normal_min: int = Field(default=1440, ge=1)

    # Acknowledgement: how long a hazard-class notification waits before it escalates.
    ack_sla_urgent_min: int = Field(default=30, ge=1)
    ack_sla_high_min: int = Field(default=240, ge=1)
    ack_sla_normal_min: int = Field(default=1440, ge=1)
    escalation_enabled: bool = Field(
        default=True,
        description="Run the acknowledgement ladder (the demo stack turns it off: DOMAIN §7).",
    )

    # Throughput guards: per-channel messages per minute (real time), and a daily cap.
    rate_email_per_min: int = Field(default=600, ge=1)
    rate_sms_per_min: int = Field(default=300, ge=1)
    rate_robot_per_min: int = Field(default=20, ge=1)
    daily_cap: int = Field(default=5000, ge=1, description="Per channel and local day.")

    # Workers.
    dispatch_interval_s: float = Field(default=0.5, gt=0)
    dispatch_batch: int = Field(default=50, ge=1)
    sweep_interval_s: float = Field(default=30.0, gt=0)
    stuck_after_s: int = Field(default=300, ge=1, description="An in-flight send older is stuck.")
    retention_days: int = Field(default=30, ge=1, description="Rendered content and params.")
    workers_enabled: bool = True

    def deadline_minutes(self, priority: str) -> int:
        """How long a notification of this priority keeps being retried."""
        return {
            "URGENT": self.deadline_urgent_min,
            "HIGH": self.deadline_high_min,
        }.get(priority, self.deadline_normal_min)

    def ack_sla_minutes(self, priority: str) -> int:
        """How long a hazard-class notification waits for its acknowledgement."""
        return {
            "URGENT": self.ack_sla_urgent_min,
            "HIGH": self.ack_sla_high_min,
        }.get(priority, self.ack_sla_normal_min)

    def rate_per_min(self, channel: str) -> int:
        """The channel's sending rate limit."""
        return {"email": self.rate_email_per_min, "sms": self.rate_sms_per_min}.get(
            channel, self.rate_robot_per_min
        )

    @property
    def backoff_schedule(self) -> list[int]:
        """The retry backoff steps in seconds."""
        return [int(s) for s in self.retry_backoff_s.split(",") if s.strip()]

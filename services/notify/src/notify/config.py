"""Settings of the notify service."""

from __future__ import annotations

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The notify service's settings (environment variables, no prefix)."""

    service_name: str = "notify"
    http_port: int = 8104

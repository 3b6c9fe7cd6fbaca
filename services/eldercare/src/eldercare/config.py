"""Settings of the eldercare service."""

from __future__ import annotations

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The eldercare service's settings (environment variables, no prefix)."""

    service_name: str = "eldercare"
    http_port: int = 8102

"""Settings of the inspection service."""

from __future__ import annotations

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The inspection service's settings (environment variables, no prefix)."""

    service_name: str = "inspection"
    http_port: int = 8101

"""Settings of the charity service."""

from __future__ import annotations

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The charity service's settings (environment variables, no prefix)."""

    service_name: str = "charity"
    http_port: int = 8103

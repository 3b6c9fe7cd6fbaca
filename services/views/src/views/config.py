"""Settings of the views service."""

from __future__ import annotations

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The views service's settings (environment variables, no prefix)."""

    service_name: str = "views"
    http_port: int = 8105

"""Settings of the views service."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from shared.settings import ServiceSettings

_HERE = Path(__file__).resolve()


def _default_echarts() -> Path:
    """``services/views/node_modules/echarts/dist/echarts.min.js`` (installed by ``npm ci``)."""
    return _HERE.parents[2] / "node_modules" / "echarts" / "dist" / "echarts.min.js"


class Settings(ServiceSettings):
    """The views service's settings (environment variables, no prefix)."""

    service_name: str = "views"
    http_port: int = 8105
    rebuild_batch_size: int = Field(
        default=500, ge=1, le=10_000, description="Records per rebuild batch: one transaction each."
    )
    rebuild_pause_s: float = Field(
        default=0.0, ge=0, description="Pause between rebuild batches (throttles the load)."
    )
    status_interval_s: float = Field(
        default=5.0, gt=0, description="How often checkpoints and lag are refreshed for /metrics."
    )
    echarts_path: Path = Field(
        default_factory=_default_echarts, description="The ECharts dist file the dashboard serves."
    )

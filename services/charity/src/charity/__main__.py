"""``python -m charity serve|migrate|openapi``."""

from charity.config import Settings
from charity.entrypoints.app import app, definition
from shared.cli import run

if __name__ == "__main__":
    run(Settings, definition, app)

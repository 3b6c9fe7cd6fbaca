"""``python -m inspection serve|migrate|openapi``."""

from inspection.config import Settings
from inspection.entrypoints.app import app, definition
from shared.cli import run

if __name__ == "__main__":
    run(Settings, definition, app)

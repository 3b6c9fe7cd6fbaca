"""``python -m notify serve|migrate|openapi``."""

from notify.config import Settings
from notify.entrypoints.app import app, definition
from shared.cli import run

if __name__ == "__main__":
    run(Settings, definition, app)

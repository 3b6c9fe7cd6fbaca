"""``python -m inspection serve|migrate|openapi``."""

from inspection.bootstrap import app, definition
from inspection.config import Settings
from shared.cli import run

if __name__ == "__main__":
    run(Settings, definition, app)

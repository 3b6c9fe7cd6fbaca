"""``python -m notify serve|migrate|openapi``."""

from notify.bootstrap import app, definition
from notify.config import Settings
from shared.cli import run

if __name__ == "__main__":
    run(Settings, definition, app)

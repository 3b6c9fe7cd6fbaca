"""``python -m charity serve|migrate|openapi``."""

from charity.bootstrap import app, definition
from charity.config import Settings
from shared.cli import run

if __name__ == "__main__":
    run(Settings, definition, app)

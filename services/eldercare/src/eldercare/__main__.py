"""``python -m eldercare serve|migrate|openapi``."""

from eldercare.config import Settings
from eldercare.entrypoints.app import app, definition
from shared.cli import run

if __name__ == "__main__":
    run(Settings, definition, app)

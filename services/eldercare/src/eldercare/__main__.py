"""``python -m eldercare serve|migrate|openapi``."""

from eldercare.bootstrap import app, definition
from eldercare.config import Settings
from shared.cli import run

if __name__ == "__main__":
    run(Settings, definition, app)

"""``python -m views serve|migrate|openapi``."""

from shared.cli import run
from views.bootstrap import app, definition
from views.config import Settings

if __name__ == "__main__":
    run(Settings, definition, app)

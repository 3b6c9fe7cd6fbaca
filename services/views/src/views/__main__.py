"""``python -m views serve|migrate|openapi|rebuild [projection]``."""

import sys

from shared.cli import run
from views.config import Settings
from views.entrypoints.service import app, definition

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "rebuild":
        from views.entrypoints.cli import rebuild_main

        sys.exit(rebuild_main(Settings(), sys.argv[2:]))
    run(Settings, definition, app)

"""``python -m notify.sinks``: the SMTP and HTTP dev sinks, ports from the environment.

NOTIFY_SINK_SMTP_HOST / NOTIFY_SINK_SMTP_PORT (default 127.0.0.1:8125) and
NOTIFY_SINK_HTTP_HOST / NOTIFY_SINK_HTTP_PORT (default 127.0.0.1:8126).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys

from notify.sinks.servers import DevSinks


async def main() -> None:
    """Run both sinks until SIGINT or SIGTERM."""
    sinks = DevSinks(
        smtp_host=os.environ.get("NOTIFY_SINK_SMTP_HOST", "127.0.0.1"),
        smtp_port=int(os.environ.get("NOTIFY_SINK_SMTP_PORT", "8125")),
        http_host=os.environ.get("NOTIFY_SINK_HTTP_HOST", "127.0.0.1"),
        http_port=int(os.environ.get("NOTIFY_SINK_HTTP_PORT", "8126")),
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await sinks.start()
    sys.stdout.write(
        f"notify sinks: SMTP {sinks.smtp_host}:{sinks.smtp_port}, HTTP {sinks.http_url}\n"
    )
    sys.stdout.flush()
    await stop.wait()
    await sinks.stop()


if __name__ == "__main__":
    asyncio.run(main())

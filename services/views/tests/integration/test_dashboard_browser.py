"""The dashboard in headless Chromium: charts drawn, figures equal the API's, text escaped."""

import asyncio
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import uvicorn

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DOCS = Path(__file__).resolve().parents[2] / "docs"
# Set to refresh the README's screenshot (services/views/docs/dashboard.png) from this run.
UPDATE_SCREENSHOT = os.environ.get("VIEWS_UPDATE_SCREENSHOT") == "1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _chromium(tmp_path, url, *extra):
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    args = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=15000",
        "--window-size=1280,2200",
        *extra,
        url,
    ]
    return subprocess.run(args, capture_output=True, timeout=90, check=False)


@pytest.fixture
async def served(svc):
    """The running service on a real port (the app is already started: no second lifespan)."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(svc.app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


async def test_dashboard_renders_charts_and_the_api_figures(svc, served, tmp_path):
    if CHROMIUM is None:
        pytest.fail(
            "chromium not found on PATH: the dashboard test needs it (deploy/install.sh installs"
            " it; or apt-get install -y chromium)"
        )
    if not svc.settings.echarts_path.exists():
        pytest.fail(f"ECharts missing at {svc.settings.echarts_path}: run npm ci in services/views")
    url = f"{served}/?year=2024&as_of=2024-11-30#token={svc.tokens['main_leader']}"
    dump = await asyncio.to_thread(_chromium, tmp_path, url, "--dump-dom")
    dom = dump.stdout.decode()
    assert 'data-rendered="true"' in dom, dump.stderr.decode()[-2000:]
    assert dom.count("<svg") >= 5  # one per chart, drawn by the locally served ECharts
    api = (
        await svc.client.get(
            "/reports/ytd",
            params={"year": 2024, "as_of": "2024-11-30"},
            headers=svc.auth("main_leader"),
        )
    ).json()
    for section in api["sections"]:
        for m in section["metrics"]:
            raw = m.get("value_minor", m.get("value"))
            card = re.search(
                rf'data-metric="{m["key"]}".*?class="display">([^<]*)<.*?data-value="([^"]*)"',
                dom,
                re.S,
            )
            assert card is not None, m["key"]
            assert (card.group(1), card.group(2)) == (m["display"] or "—", str(raw))
    assert "今年以来，共开展检查70余次" in dom
    shot = tmp_path / "dashboard.png"
    done = await asyncio.to_thread(_chromium, tmp_path, url, f"--screenshot={shot}")
    assert shot.exists(), done.stderr.decode()[-2000:]
    assert shot.stat().st_size > 10_000
    if UPDATE_SCREENSHOT:
        shutil.copy(shot, DOCS / "dashboard.png")


async def test_dashboard_page_has_no_data_and_strict_headers(svc):
    page = await svc.client.get("/")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "今年" not in page.text  # figures come only through the authenticated data call
    script = await svc.client.get("/static/dashboard.js")
    assert "innerHTML" not in script.text
    assert (await svc.client.get("/static/../config.py")).status_code == 404
    assert (await svc.client.get("/dashboard/data")).status_code == 401

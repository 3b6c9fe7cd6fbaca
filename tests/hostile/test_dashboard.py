"""Hostile names reach the views dashboard through events and stay text, never markup.

An institution, a campaign and a charity project with HTML, script and SQL in their names are
published on their producers' topics; views stores them verbatim (its API returns them
unchanged), and the dashboard in headless Chromium shows them as text: no element of theirs
appears in the page, and none of their handlers runs.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from shared.events.charity import ProjectRegistered
from shared.events.eldercare import InstitutionRegistered
from shared.events.examples import example
from shared.events.inspection import CampaignLaunched, HazardReported
from shared.testing.harness import wait_until
from tests.hostile.conftest import Stack
from tests.hostile.stack import served
from tests.hostile.test_events import envelope

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCRIPT = Path(__file__).resolve().parents[2] / "services/views/src/views/entrypoints/http/static"
SITE_NAME = (
    "<img src=x onerror=\"document.body.dataset.pwned='site'\">赫山&敬老院"
    "<script>document.body.dataset.pwned='script'</script>"
)
CAMPAIGN_CODE = '<b id="hostile-code">C9</b>'
CAMPAIGN_NAME = "百日攻坚<svg onload=\"document.body.dataset.pwned='campaign'\"></svg>"
PROJECT_NAME = '\'; DROP TABLE p_projects; --<iframe src="javascript:parent.pwned=1"></iframe>'
# Markup that must never become an element of the page.
ELEMENTS = ("<img src=", "<script>document", "<svg onload", '<b id="hostile-code"', "<iframe")


def as_text(value: str) -> str:
    """How a text node holding ``value`` is serialised in the DOM."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_dashboard_script_inserts_text_only_and_escapes_every_chart_formatter():
    script = (SCRIPT / "dashboard.js").read_text("utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script, sink
    # ECharts renders a formatter's return value as HTML: each one must escape what it inserts.
    formatters = re.findall(r"formatter:\s*([^,}]+(?:\([^)]*\)[^,}]*)?)", script)
    assert formatters, "the script has chart tooltips"
    for formatter in formatters:
        assert formatter.strip() == "tooltip" or "escapeHtml" in formatter, formatter
    tooltip = script[script.index("function tooltip") :].split("\n}\n", 1)[0]
    assert tooltip.count("escapeHtml(") == 3, "name, series name and value are all escaped"
    page = (SCRIPT / "dashboard.html").read_text("utf-8")
    assert "<script>" not in page.replace(" ", ""), "no inline script: the CSP forbids them"


async def test_hostile_names_from_events_are_shown_as_text_on_the_dashboard(stack: Stack, tmp_path):
    if CHROMIUM is None:
        pytest.fail("chromium not found on PATH (deploy/install.sh installs it)")
    svc = await stack.get("views")
    site = example(InstitutionRegistered).model_copy(
        update={"institution_id": uuid.uuid4(), "name": SITE_NAME, "status": "ACTIVE"}
    )
    campaign = example(CampaignLaunched).model_copy(
        update={"campaign_id": uuid.uuid4(), "code": CAMPAIGN_CODE, "name": CAMPAIGN_NAME}
    )
    hazard = example(HazardReported).model_copy(
        update={
            "hazard_id": uuid.uuid4(),
            "site_id": site.institution_id,
            "campaign_id": campaign.campaign_id,
            "inspection_id": None,
        }
    )
    project = example(ProjectRegistered).model_copy(
        update={"project_id": uuid.uuid4(), "code": "P-<i>9</i>", "name": PROJECT_NAME}
    )
    for event in (site, campaign, hazard, project):
        await svc.publish(envelope(event), topic=event.TOPIC)

    async def dashboard() -> dict[str, Any]:
        response = await svc.client.get(
            "/dashboard/data",
            params={"year": 2024, "as_of": "2024-11-30"},
            headers=svc.auth("main_leader"),
        )
        return response.json() if response.status_code == 200 else {}

    async def arrived() -> bool:
        data = str(await dashboard())
        return all(name in data for name in ("百日攻坚", "DROP TABLE", "赫山&敬老院"))

    await wait_until(arrived, timeout=60)
    # Stored and returned verbatim: the API is JSON, and escaping is the page's job.
    data = await dashboard()
    assert SITE_NAME in {s["name"] for s in data["hazards_by_site"]}
    assert (CAMPAIGN_CODE, CAMPAIGN_NAME) in {
        (c["code"], c["name"]) for c in data["hazards_by_campaign"]
    }
    assert PROJECT_NAME in {p["name"] for p in data["funds_by_project"]}

    async with served(svc.app) as base_url:
        url = f"{base_url}/?year=2024&as_of=2024-11-30#token={svc.tokens['main_leader']}"
        dump = await asyncio.to_thread(_dump_dom, tmp_path, url)
    dom = dump.stdout.decode()
    assert 'data-rendered="true"' in dom, dump.stderr.decode()[-2000:]
    assert "data-pwned" not in dom, "a hostile handler ran"
    for element in ELEMENTS:
        assert element not in dom, element
    for text in (SITE_NAME, CAMPAIGN_NAME, PROJECT_NAME):
        assert as_text(text) in dom, text


def _dump_dom(tmp_path: Path, url: str) -> subprocess.CompletedProcess[bytes]:
    args = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=15000",
        "--window-size=1280,2200",
        "--dump-dom",
        url,
    ]
    return subprocess.run(args, capture_output=True, timeout=90, check=False)

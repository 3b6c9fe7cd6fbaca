"""Odd moments and odd input: a fresh service's reads, control characters, documented formats."""

import dataclasses

from shared.testing import start_service
from views.config import Settings
from views.entrypoints.service import definition


def without_monitor(settings):
    """The service without the monitor task that makes the sets at start (a read can win it)."""
    return dataclasses.replace(definition(settings), background=())


async def test_reads_of_a_fresh_service_answer_200_not_500(pg_admin_dsn, kafka_bootstrap):
    async with start_service(
        without_monitor, Settings, pg_admin_dsn=pg_admin_dsn, kafka_bootstrap=kafka_bootstrap
    ) as svc:
        headers = svc.auth("main_leader")
        params = {"year": "2024", "as_of": "2024-11-30"}
        for path in ("/dashboard/data", "/reports/ytd", "/views/institutions", "/views/hazards"):
            response = await svc.client.get(path, params=params, headers=headers)
            assert response.status_code == 200, (path, response.text)
        data = (await svc.client.get("/dashboard/data", params=params, headers=headers)).json()
        assert data["hazards_by_site"] == []


async def test_a_purpose_with_control_characters_is_422_and_the_text_report_is_documented(
    pg_admin_dsn, kafka_bootstrap
):
    async with start_service(
        definition, Settings, pg_admin_dsn=pg_admin_dsn, kafka_bootstrap=kafka_bootstrap
    ) as svc:
        elder = "f7ae9466-2c20-58f7-9732-3b35156199d0"
        for purpose in ("入户\x00走访", "入户\x1b走访"):
            refused = await svc.client.get(
                f"/views/elders/{elder}",
                params={"purpose": purpose},
                headers=svc.auth("caseworker"),
            )
            assert refused.status_code == 422, refused.text
            assert refused.json()["code"] == "invalid_input"
        assert await svc.pool.fetchval("SELECT count(*) FROM elder_read_audit") == 0
        text = await svc.client.get(
            "/reports/ytd", params={"format": "text"}, headers=svc.auth("main_leader")
        )
        assert text.headers["content-type"].startswith("text/plain")
        documented = svc.app.openapi()["paths"]["/reports/ytd"]["get"]["responses"]["200"]
        assert "text/plain" in documented["content"]

"""A fresh service answers its reads before its background task has made the table sets."""

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

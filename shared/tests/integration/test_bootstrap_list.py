"""A multi-broker ``KAFKA_BOOTSTRAP_SERVERS`` (the 3-broker deployment's) reaches every client."""

from shared.kafka import bootstrap_list
from shared.testing import start_service
from shared.testing.harness import wait_until
from tests.integration.test_service_runtime import Settings, definition


def test_bootstrap_list_splits_and_trims():
    assert bootstrap_list("a:1, b:2,,c:3 ") == ["a:1", "b:2", "c:3"]
    assert bootstrap_list("kafka:19092") == ["kafka:19092"]


async def test_a_service_given_a_comma_separated_broker_list_consumes_and_is_ready(
    pg_admin_dsn, kafka_bootstrap
):
    # Faststream used to take "h1:p1,h2:p2" for one host named "h1:p1,h2": the broker never
    # started, so the service consumed nothing and /ready said Kafka was down forever.
    servers = f"{kafka_bootstrap},{kafka_bootstrap}"
    async with start_service(
        definition,
        Settings,
        pg_admin_dsn=pg_admin_dsn,
        kafka_bootstrap=kafka_bootstrap,
        kafka_bootstrap_servers=servers,
    ) as svc:
        await svc.pool.execute("CREATE TABLE seen (id uuid PRIMARY KEY)")
        made = await svc.client.post(
            "/campaigns", json={"code": "ZX-2"}, headers=svc.auth("safety_lead")
        )
        assert made.status_code == 201
        await wait_until(lambda: svc.pool.fetchval("SELECT count(*) = 1 FROM seen"), timeout=60)
        ready = await svc.client.get("/ready")
        assert ready.json()["checks"] == {"database": True, "kafka": True}

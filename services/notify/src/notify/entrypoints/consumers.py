"""Event handlers for the ConsumerRunner: directory replicas, domain state, routing.

Each handler runs in the inbox claim's transaction: a redelivered event is a no-op, and the
notifications it creates are deduplicated by (event id, recipient, channel, template) as well.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from notify.adapters import audit, directory
from notify.adapters.db import Conn
from notify.adapters.escalation import Escalator
from notify.adapters.notifications import Store
from notify.domain.policy import trigger_holds
from notify.domain.routing import ROUTING_VERSION, Rule, rules_for
from notify.service_layer.creating import Draft, Policy, chain_id_for, prepare
from notify.service_layer.planning import Planned, plan
from shared.clock import Clock
from shared.events import eldercare as ec, inspection as ins
from shared.events.base import IntegrationEvent
from shared.events.envelope import CloudEvent

Handler = Callable[[Any, IntegrationEvent, CloudEvent], Awaitable[None]]


class Consumers:
    """The handlers, bound to the store, the escalator, the policy and the clock."""

    def __init__(
        self,
        *,
        store: Store,
        escalator: Escalator,
        policy: Policy,
        clock: Callable[[], Clock],
        duty_officer: UUID | None,
        charity_officer: UUID | None,
    ) -> None:
        self.store = store
        self.escalator = escalator
        self.policy = policy
        self._clock = clock
        self.duty_officer = duty_officer
        self.charity_officer = charity_officer

    def now(self) -> datetime:
        """The service clock's now."""
        return self._clock().now()

    async def route(self, conn: Conn, env: CloudEvent) -> int:
        """Create the notifications every matching rule calls for; returns how many."""
        created = 0
        for rule in rules_for(env.type):
            created += await self._route_rule(conn, env, rule)
        return created

    async def _route_rule(self, conn: Conn, env: CloudEvent, rule: Rule) -> int:
        now = self.now()
        snap = await directory.snapshot(
            conn, env.data, duty=self.duty_officer, charity=self.charity_officer
        )
        planned, unresolved = plan(rule, env.data, snap)
        for role in unresolved:
            await self._audit(conn, env, rule, now, "recipient_unresolved", f"no one holds {role}")
        state = snap.hazard.state if snap.hazard else None
        case_open = await self._case_open(conn, env)
        if planned and not trigger_holds(rule.code, planned[0].params, state, case_open=case_open):
            reason = "trigger no longer holds when the event arrived"
            await self._audit(conn, env, rule, now, "suppressed", reason)
            self.store.metrics.suppressed.labels("trigger_gone").inc()
            return 0
        created = 0
        chains: dict[UUID, Planned] = {}
        for item in planned:
            new = prepare(self._draft(env, rule, item), now=now, policy=self.policy)
            if await self.store.create(conn, new) is not None:
                created += 1
            if new.chain_id is not None and new.refusal is None:
                chains[new.chain_id] = item
        for chain, item in chains.items():
            await self.escalator.open(
                conn,
                chain_id=chain,
                envelope_id=env.id,
                event_type=env.type,
                rule=rule,
                recipient=item.recipient.person_id,
                role=item.recipient.role,
                subject_id=item.subject_id,
                params=item.params,
                now=now,
            )
        return created

    @staticmethod
    def _draft(env: CloudEvent, rule: Rule, item: Planned) -> Draft:
        person = item.recipient.person_id
        return Draft(
            event_id=env.id,
            event_type=env.type,
            rule_code=rule.code,
            trigger_kind=rule.code,
            recipient=person,
            recipient_source=item.recipient.source,
            channel=item.channel,
            template_code=rule.template,
            params=item.params,
            priority=rule.priority,
            subject_id=item.subject_id,
            chain_id=chain_id_for(env.id, rule.code, person) if rule.ack_required else None,
        )

    @staticmethod
    async def _audit(
        conn: Conn, env: CloudEvent, rule: Rule, now: datetime, decision: str, reason: str
    ) -> None:
        await audit.record(
            conn,
            now,
            decision,
            source_event_id=UUID(env.id),
            source_event_type=env.type,
            rule_code=rule.code,
            rule_version=ROUTING_VERSION,
            reason=reason,
        )

    async def _case_open(self, conn: Conn, env: CloudEvent) -> bool | None:
        case_id = env.data.get("case_id")
        if not case_id:
            return None
        value = await conn.fetchval(
            "SELECT open FROM missing_cases WHERE case_id = $1", UUID(str(case_id))
        )
        return None if value is None else bool(value)

    # --- handlers -------------------------------------------------------------------------

    async def leader(self, conn: Any, event: IntegrationEvent, env: CloudEvent) -> None:
        """LeaderAssigned / LeaderRemoved → the role directory."""
        if isinstance(event, ins.LeaderAssigned):
            await directory.upsert_leader(
                conn,
                event.person_id,
                list(event.roles),
                active=True,
                version=env.aggregateversion,
            )
        elif isinstance(event, ins.LeaderRemoved):
            await directory.upsert_leader(
                conn, event.person_id, [], active=False, version=env.aggregateversion
            )

    async def institution(self, conn: Any, event: IntegrationEvent, env: CloudEvent) -> None:
        """InstitutionRegistered / StatusChanged → site heads."""
        if isinstance(event, ec.InstitutionRegistered):
            await directory.upsert_site(conn, env.data, env.aggregateversion)
        elif isinstance(event, ec.InstitutionStatusChanged):
            await directory.set_site_status(
                conn, event.institution_id, event.status, env.aggregateversion
            )

    async def branch(self, conn: Any, event: IntegrationEvent, env: CloudEvent) -> None:
        """Volunteer branches → branch leaders by county."""
        if isinstance(event, ec.VolunteerBranchFounded):
            await directory.upsert_branch(conn, env.data)
        elif isinstance(event, ec.VolunteerBranchDissolved):
            await directory.dissolve_branch(conn, event.branch_id)

    async def hazard(self, conn: Any, event: IntegrationEvent, env: CloudEvent) -> None:
        """Every hazard event: replica, cancel what no longer holds, then route."""
        await directory.apply_hazard(conn, env.type, env.data, env.aggregateversion)
        hazard_id = UUID(str(env.data["hazard_id"]))
        found = await directory.hazard(conn, hazard_id)
        state = found.state if found else None
        now = self.now()
        await self.store.cancel_stale(
            conn, hazard_id, hazard=state, case_open=None, at=now, because=env.type
        )
        await self.escalator.close_stale(conn, hazard_id, state, at=now, because=env.type)
        await self.route(conn, env)

    async def missing_case(self, conn: Any, event: IntegrationEvent, env: CloudEvent) -> None:
        """MissingCaseReported / Found: case state, cancel the search call once found, route."""
        if isinstance(event, ec.MissingCaseReported):
            await conn.execute(
                "INSERT INTO missing_cases VALUES ($1, $2, true, $3) ON CONFLICT DO NOTHING",
                event.case_id,
                event.county_code,
                env.aggregateversion,
            )
        elif isinstance(event, ec.MissingCaseFound):
            await conn.execute(
                "UPDATE missing_cases SET open = false, version = $2 WHERE case_id = $1",
                event.case_id,
                env.aggregateversion,
            )
            await self.store.cancel_stale(
                conn, event.case_id, hazard=None, case_open=False, at=self.now(), because=env.type
            )
        await self.route(conn, env)

    async def routed(self, conn: Any, event: IntegrationEvent, env: CloudEvent) -> None:
        """Events that only route (work notices, cadence, charity, meal points)."""
        await self.route(conn, env)

    def handlers(self) -> dict[str, Handler]:
        """Handlers by event type, for ServiceDefinition.handlers."""
        table: dict[str, Handler] = {
            ins.LeaderAssigned.TYPE: self.leader,
            ins.LeaderRemoved.TYPE: self.leader,
            ec.InstitutionRegistered.TYPE: self.institution,
            ec.InstitutionStatusChanged.TYPE: self.institution,
            ec.VolunteerBranchFounded.TYPE: self.branch,
            ec.VolunteerBranchDissolved.TYPE: self.branch,
            ec.MissingCaseReported.TYPE: self.missing_case,
            ec.MissingCaseFound.TYPE: self.missing_case,
        }
        for event_type in directory.HAZARD_STATUS:
            table[event_type] = self.hazard
        for event_type in (
            ins.LeaderCadenceBreached.TYPE,
            ins.WorkNoticeIssued.TYPE,
            "charity.disbursement.failed.v1",
            "charity.reconciliation.completed.v1",
            ec.MealPointSuspended.TYPE,
        ):
            table[event_type] = self.routed
        return table

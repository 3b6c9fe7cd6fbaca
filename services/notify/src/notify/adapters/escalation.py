"""Acknowledgement chains of hazard-class notifications, and their escalation.

Until a recipient acknowledges, escalate to the next channel, then to the next person of the
ladder (responsible person → site head → safety lead → main leader).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from notify.adapters import audit, directory
from notify.adapters.db import Conn
from notify.adapters.notifications import Store
from notify.domain.model import Channel, Priority
from notify.domain.policy import HazardState, trigger_holds
from notify.domain.routing import ROUTING_VERSION, Rule, rule_by_code
from notify.service_layer.creating import Draft, Policy, prepare
from notify.service_layer.planning import ladder_after

# (kind, ladder rung, person, drafts) of one escalation step.
_Step = tuple[str, int, UUID, list[Draft]]

_OPEN = """
INSERT INTO ack_chains (chain_id, source_event_id, source_event_type, subject_id, rule_code,
    rule_version, first_recipient, current_recipient, rung, notified, params, status, due_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, ARRAY[$7::uuid], $9, 'OPEN', $10)
ON CONFLICT (chain_id) DO NOTHING
"""


class Escalator:
    """Opens, escalates and closes acknowledgement chains."""

    def __init__(self, *, pool: Callable[[], asyncpg.Pool], store: Store, policy: Policy) -> None:
        self._pool = pool
        self.store = store
        self.policy = policy

    async def open(  # noqa: PLR0913 - a chain's identity, keyword-only
        self,
        conn: Conn,
        *,
        chain_id: UUID,
        envelope_id: str,
        event_type: str,
        rule: Rule,
        recipient: UUID,
        role: str,
        subject_id: UUID | None,
        params: dict[str, str],
        now: datetime,
    ) -> None:
        """Start tracking a hazard-class notification until its recipient acknowledges it."""
        rung = rule.ladder.index(role) if role in rule.ladder else 0
        await conn.execute(
            _OPEN,
            chain_id,
            UUID(envelope_id),
            event_type,
            subject_id,
            rule.code,
            ROUTING_VERSION,
            recipient,
            rung,
            params,
            self.policy.ack_due(now, rule.priority),
        )

    async def close(
        self, conn: Conn, chain_id: UUID, *, status: str, reason: str, at: datetime
    ) -> bool:
        """Close an open chain (acknowledged, trigger gone, exhausted)."""
        row = await conn.fetchrow(
            "UPDATE ack_chains SET status = $2, closed_at = $3, closed_reason = $4 "
            "WHERE chain_id = $1 AND status = 'OPEN' RETURNING *",
            chain_id,
            status,
            at,
            reason,
        )
        if row is not None:
            await audit.record(
                conn,
                at,
                f"chain_{status.lower()}",
                chain_id=chain_id,
                source_event_id=row["source_event_id"],
                rule_code=row["rule_code"],
                rule_version=row["rule_version"],
                reason=reason,
            )
        return row is not None

    async def close_stale(
        self,
        conn: Conn,
        subject_id: UUID,
        hazard: HazardState | None,
        *,
        at: datetime,
        because: str,
    ) -> int:
        """Close the open chains of a hazard whose trigger no longer holds (rectified...)."""
        rows = await conn.fetch(
            "SELECT chain_id, rule_code, params FROM ack_chains WHERE subject_id = $1 "
            "AND status = 'OPEN' FOR UPDATE",
            subject_id,
        )
        closed = 0
        for row in rows:
            params = dict(row["params"] or {})
            if not trigger_holds(row["rule_code"], params, hazard):
                reason = f"trigger no longer holds after {because}"
                closed += await self.close(
                    conn, row["chain_id"], status="CLOSED", reason=reason, at=at
                )
        return closed

    async def sweep(self, now: datetime) -> int:
        """Escalate every open chain past its acknowledgement deadline; returns how many."""
        done = 0
        async with self._pool().acquire() as conn, conn.transaction():
            chains = await conn.fetch(
                "SELECT * FROM ack_chains WHERE status = 'OPEN' AND due_at <= $1 "
                "ORDER BY due_at LIMIT 200 FOR UPDATE SKIP LOCKED",
                now,
            )
            for chain in chains:
                done += await self._escalate(conn, chain, now)
        return done

    async def _escalate(self, conn: Conn, chain: Any, now: datetime) -> int:
        rule = rule_by_code(chain["rule_code"])
        step = await self._next_channel(conn, chain, rule) or await self._next_person(
            conn, chain, rule
        )
        if step is None:
            await self.close(
                conn,
                chain["chain_id"],
                status="EXHAUSTED",
                reason="no one left on the ladder",
                at=now,
            )
            return 0
        kind, rung, person, drafts = step
        for draft in drafts:
            await self.store.create(conn, prepare(draft, now=now, policy=self.policy))
        await conn.execute(
            "UPDATE ack_chains SET step = step + 1, rung = $2, current_recipient = $3, "
            "notified = array_append(notified, $3), due_at = $4 WHERE chain_id = $1",
            chain["chain_id"],
            rung,
            person,
            self.policy.ack_due(now, rule.priority),
        )
        await audit.record(
            conn,
            now,
            "escalated",
            chain_id=chain["chain_id"],
            source_event_id=chain["source_event_id"],
            rule_code=rule.code,
            rule_version=chain["rule_version"],
            recipient_person_id=person,
            recipient_source=drafts[0].recipient_source,
            channel=str(drafts[0].channel),
            reason=f"not acknowledged by {chain['due_at'].isoformat()}: next {kind}",
        )
        self.store.metrics.escalations.labels(rule.code, kind).inc()
        return 1

    async def _next_channel(self, conn: Conn, chain: Any, rule: Rule) -> _Step | None:
        """The same person on the first escalation channel not used yet."""
        used = {
            r["channel"]
            for r in await conn.fetch(
                "SELECT channel FROM notifications WHERE chain_id = $1 "
                "AND recipient_person_id = $2",
                chain["chain_id"],
                chain["current_recipient"],
            )
        }
        remaining = [c for c in rule.escalation_channels if c not in used]
        if not remaining:
            return None
        person = chain["current_recipient"]
        draft = self._draft(
            chain, rule, person, remaining[0], rule.template, "escalation:next_channel"
        )
        return "channel", chain["rung"], person, [draft]

    async def _next_person(self, conn: Conn, chain: Any, rule: Rule) -> _Step | None:
        """The next person of the ladder, on the rule's channels."""
        people = await directory.ladder_people(conn, chain["subject_id"], chain["first_recipient"])
        notified = set(chain["notified"])
        people = {k: [p for p in v if p not in notified] for k, v in people.items()}
        rung, person = ladder_after(rule, chain["rung"], people)
        if rung < 0:
            return None
        source = f"escalation:{rule.ladder[rung]}"
        drafts = [
            self._draft(chain, rule, person, c, "hazard_unacknowledged", source)
            for c in rule.channels
        ]
        return "person", rung, person, drafts

    def _draft(
        self, chain: Any, rule: Rule, person: UUID, channel: str, template: str, source: str
    ) -> Draft:
        return Draft(
            event_id=str(chain["source_event_id"]),
            event_type=chain["source_event_type"],
            rule_code=rule.code,
            trigger_kind=rule.code,
            recipient=person,
            recipient_source=source,
            channel=Channel(channel),
            template_code=template,
            params=dict(chain["params"] or {}),
            priority=Priority(rule.priority),
            subject_id=chain["subject_id"],
            chain_id=chain["chain_id"],
            escalation_step=int(chain["step"]) + 1,
        )

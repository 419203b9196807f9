"""The append-only audit log: who changed what, when, from what to what."""
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.timeutil import utcnow
from extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column()
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped["User | None"] = relationship()  # noqa: F821

    # The log page filters by record, by person and by what happened, newest first.
    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id", "id"),
                      Index("ix_audit_events_actor", "actor_id", "id"),
                      Index("ix_audit_events_action", "action", "id"),
                      # one kind of step on one day (the dashboards' parts closed that day)
                      Index("ix_audit_events_entity_action_created", "entity", "action",
                            "created_at"))


class AuditLogIsAppendOnly(Exception):
    pass


# The database itself refuses to change or delete an audit event: the ORM hooks below
# cover the desk's own code, these triggers any SQL at all (migration 0017 installs
# them). Clearing the table needs its owner to drop them first (or TRUNCATE on
# PostgreSQL, which is the operator's, not the application's).
REFUSAL = "audit events are never changed or deleted"
APPEND_ONLY_SQL = {
    "sqlite": tuple(
        f"CREATE TRIGGER IF NOT EXISTS audit_events_no_{what} BEFORE {what.upper()} "
        f"ON audit_events BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        for what in ("update", "delete")),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$",
        "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",
        "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    ),
}
DROP_APPEND_ONLY_SQL = {
    "sqlite": ("DROP TRIGGER IF EXISTS audit_events_no_update",
               "DROP TRIGGER IF EXISTS audit_events_no_delete"),
    "postgresql": ("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",
                   "DROP FUNCTION IF EXISTS audit_events_append_only()"),
}


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper, connection, target):
    raise AuditLogIsAppendOnly("audit events are never changed or deleted")


def _plain(value: Any) -> Any:
    """JSON-safe form of a column value (enums, decimals, datetimes)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "value"):
        return value.value
    return str(value)


def snapshot(obj, fields: list[str]) -> dict:
    return {f: _plain(getattr(obj, f)) for f in fields}


def record_event(actor, entity: str, entity_id: int | None, action: str,
                 before: dict | None = None, after: dict | None = None,
                 reason: str = "") -> AuditEvent:
    """Add an audit event to the session; it commits with the change it records."""
    ev = AuditEvent(actor_id=getattr(actor, "id", None), entity=entity, entity_id=entity_id,
                    action=action, before=before, after=after, reason=reason)
    db.session.add(ev)
    return ev


def record_change(actor, obj, action: str, fields: list[str], before: dict | None,
                  reason: str = "", after: dict | None = None) -> AuditEvent:
    """Record a change of `obj`, keeping only the fields that did change. `after`
    defaults to the listed fields of `obj` now."""
    after = snapshot(obj, fields) if after is None else after
    if before is not None:
        changed = [f for f in after if before.get(f) != after.get(f)]
        before = {f: before.get(f) for f in changed}
        after = {f: after[f] for f in changed}
    db.session.flush()  # so a new object has its id
    return record_event(actor, obj.__tablename__, obj.id, action, before, after, reason)

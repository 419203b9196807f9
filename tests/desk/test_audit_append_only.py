"""The audit log is append-only in the database itself: raw SQL that would change or
delete an event is refused by the database (triggers on SQLite and PostgreSQL), not only
by the desk's own code; adding events still works."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from blueprints.audit.models import AuditEvent, record_event
from core.roles import Role
from extensions import db


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET action = 'forged' WHERE id = :id",
    "UPDATE audit_events SET actor_id = NULL",
    "DELETE FROM audit_events WHERE id = :id",
    "DELETE FROM audit_events",
])
def test_raw_sql_cannot_change_or_delete_an_event(app, users, statement):
    event = record_event(users[Role.admin], "labs", 1, "edited", after={"name_zh": "甲"})
    db.session.commit()
    event_id = event.id
    with db.engine.connect() as connection:
        with pytest.raises(DBAPIError, match="never changed or deleted"):
            connection.execute(text(statement), {"id": event_id})
        connection.rollback()
    db.session.expire_all()
    kept = db.session.get(AuditEvent, event_id)
    assert kept is not None and kept.action == "edited" and kept.actor_id is not None


def test_events_are_still_added(app, users):
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO audit_events (created_at, entity, entity_id, "
                                "action, reason) VALUES (CURRENT_TIMESTAMP, 'labs', 1, "
                                "'edited', '')"))
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) >= 1

"""the audit trail read by kind of step and day (the dashboards' parts closed on a
day), so recomputing a day reads that day's events, not every such event ever

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04 22:55:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_events_entity_action_created', 'audit_events',
                    ['entity', 'action', 'created_at'])


def downgrade():
    op.drop_index('ix_audit_events_entity_action_created', table_name='audit_events')

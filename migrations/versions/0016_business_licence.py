"""an enterprise's business licence, uploaded at registration and checked before
verification; audit log filters by person and by what happened

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 08:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.add_column(sa.Column('licence_stored', sa.String(length=64), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('licence_type', sa.String(length=40), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('licence_name', sa.String(length=200), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('licence_sha256', sa.String(length=64), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('licence_uploaded_at', sa.DateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_actor', ['actor_id', 'id'], unique=False)
        batch_op.create_index('ix_audit_events_action', ['action', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_action')
        batch_op.drop_index('ix_audit_events_actor')
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        for column in ('licence_uploaded_at', 'licence_sha256', 'licence_name', 'licence_type',
                       'licence_stored'):
            batch_op.drop_column(column)

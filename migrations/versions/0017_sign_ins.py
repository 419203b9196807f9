"""sign-ins kept on the server, so signing out ends them; the audit log refuses
UPDATE and DELETE in the database itself

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa

from blueprints.audit.models import APPEND_ONLY_SQL, DROP_APPEND_ONLY_SQL


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sign_ins',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key_sha256', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('user_agent', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key_sha256'),
    )
    with op.batch_alter_table('sign_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_ins_user_id'), ['user_id'], unique=False)
    for statement in APPEND_ONLY_SQL.get(op.get_bind().dialect.name, ()):
        op.execute(statement)


def downgrade():
    for statement in DROP_APPEND_ONLY_SQL.get(op.get_bind().dialect.name, ()):
        op.execute(statement)
    with op.batch_alter_table('sign_ins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_ins_user_id'))
    op.drop_table('sign_ins')

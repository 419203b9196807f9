"""authorised signatories of a lab, with their scope

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 20:00:00

"""
from datetime import date, datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

ALL_KINDS = 'testing,calibration,verification,standards,diagnosis'


def upgrade():
    signatories = op.create_table(
        'signatories',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lab_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kinds', sa.String(length=120), nullable=False),
        sa.Column('scope', sa.Text(), nullable=False),
        sa.Column('since', sa.Date(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['lab_id'], ['labs.id'], name=op.f('fk_signatories_lab_id_labs'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_signatories_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signatories')),
        sa.UniqueConstraint('lab_id', 'user_id', name=op.f('uq_signatories_lab_id')),
    )
    op.create_index(op.f('ix_signatories_lab_id'), 'signatories', ['lab_id'], unique=False)
    # Until now every lab manager signed everything: they stay signatories, so no lab
    # is stopped by the upgrade; their managers narrow the scope afterwards.
    bind = op.get_bind()
    managers = bind.execute(sa.text(
        "SELECT id, lab_id FROM users WHERE role = 'lab_manager' AND lab_id IS NOT NULL")).all()
    now = datetime.now(timezone.utc)
    if managers:
        bind.execute(signatories.insert(), [
            {'lab_id': lab_id, 'user_id': uid, 'kinds': ALL_KINDS, 'scope': '',
             'since': date.today(), 'created_at': now, 'updated_at': now, 'version': 1}
            for uid, lab_id in managers])


def downgrade():
    op.drop_index(op.f('ix_signatories_lab_id'), table_name='signatories')
    op.drop_table('signatories')

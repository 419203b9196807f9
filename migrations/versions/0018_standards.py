"""the standards catalogue: one row per edition, with status, dates, replacement, ICS
fields, adoption and scope, and its search terms

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 09:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'standards',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=80), nullable=False),
        sa.Column('key', sa.String(length=60), nullable=False),
        sa.Column('prefix', sa.String(length=20), nullable=False),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('all_parts', sa.Boolean(), nullable=False),
        sa.Column('title_zh', sa.String(length=400), nullable=False),
        sa.Column('title_en', sa.String(length=400), nullable=False),
        sa.Column('status', sa.Enum('current', 'withdrawn', 'replaced', 'upcoming',
                                    name='standardstatus', native_enum=False,
                                    create_constraint=True, length=32), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=True),
        sa.Column('implemented_on', sa.Date(), nullable=True),
        sa.Column('withdrawn_on', sa.Date(), nullable=True),
        sa.Column('replaced_by_id', sa.Integer(), nullable=True),
        sa.Column('ics', sa.String(length=200), nullable=False),
        sa.Column('body', sa.String(length=200), nullable=False),
        sa.Column('adoption', sa.Enum('', 'IDT', 'MOD', 'NEQ', name='adoption',
                                      native_enum=False, create_constraint=True, length=32),
                  nullable=False),
        sa.Column('adopted_from', sa.String(length=80), nullable=False),
        sa.Column('scope_zh', sa.Text(), nullable=False),
        sa.Column('scope_en', sa.Text(), nullable=False),
        sa.Column('search_terms', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['replaced_by_id'], ['standards.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
    )
    with op.batch_alter_table('standards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_standards_key'), ['key'], unique=False)
        batch_op.create_index(batch_op.f('ix_standards_prefix'), ['prefix'], unique=False)
        batch_op.create_index(batch_op.f('ix_standards_status'), ['status'], unique=False)
        batch_op.create_index('ix_standards_status_key', ['status', 'key'], unique=False)


def downgrade():
    op.drop_table('standards')

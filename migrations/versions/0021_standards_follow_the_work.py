"""standards follow the work: services link their method to the standards catalogue
(the free text stays, what the parser cannot read is kept for an administrator),
services get full-text search terms and index, enterprises follow standards

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 14:10:00

"""
from alembic import op
import sqlalchemy as sa

from blueprints.standards.search import drop_index_sql, index_sql


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

STATUS = sa.Enum('current', 'withdrawn', 'replaced', 'upcoming', name='standardstatus',
                 native_enum=False, create_constraint=True, length=32)


def upgrade():
    with op.batch_alter_table('services') as batch:
        batch.add_column(sa.Column('method_unread', sa.String(length=200), nullable=False,
                                   server_default=''))
        batch.add_column(sa.Column('search_terms', sa.Text(), nullable=False,
                                   server_default=''))
    op.create_table(
        'service_standards',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('standard_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('cited', sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(['service_id'], ['services.id'],
                                name=op.f('fk_service_standards_service_id_services'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['standard_id'], ['standards.id'],
                                name=op.f('fk_service_standards_standard_id_standards'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_service_standards')),
        sa.UniqueConstraint('service_id', 'position',
                            name='uq_service_standards_service_position'))
    op.create_index('ix_service_standards_standard', 'service_standards',
                    ['standard_id', 'service_id'])
    op.create_table(
        'standard_follows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('standard_id', sa.Integer(), nullable=False),
        sa.Column('status_seen', STATUS, nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'],
                                name=op.f('fk_standard_follows_enterprise_id_enterprises'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['standard_id'], ['standards.id'],
                                name=op.f('fk_standard_follows_standard_id_standards'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_standard_follows')),
        sa.UniqueConstraint('enterprise_id', 'standard_id',
                            name='uq_standard_follows_enterprise_standard'))
    op.create_index('ix_standard_follows_standard', 'standard_follows', ['standard_id'])
    # Existing services get their terms and links on the next `flask setup` or the
    # worker's standards job (both read the free text with the parser).
    for statement in index_sql('services').get(op.get_bind().dialect.name, ()):
        op.execute(statement)


def downgrade():
    for statement in drop_index_sql('services').get(op.get_bind().dialect.name, ()):
        op.execute(statement)
    op.drop_index('ix_standard_follows_standard', table_name='standard_follows')
    op.drop_table('standard_follows')
    op.drop_index('ix_service_standards_standard', table_name='service_standards')
    op.drop_table('service_standards')
    with op.batch_alter_table('services') as batch:
        batch.drop_column('search_terms')
        batch.drop_column('method_unread')

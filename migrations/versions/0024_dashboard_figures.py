"""dashboards: the figures the worker keeps per day and per month (items in and done,
pass and fail, on time, the turnaround histogram; satisfaction; scales by market; the
enterprises served), each lab's open work by age, and its place in the audit trail; indexes for reading one day of submissions, issues,
ratings and scale verifications

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 19:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

def _table(name, *columns, index):
    op.create_table(
        name,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('span', sa.String(length=5), nullable=False),
        sa.Column('starts', sa.Date(), nullable=False),
        sa.Column('lab_id', sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(['lab_id'], ['labs.id'], name=op.f(f'fk_{name}_lab_id_labs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')))
    op.create_index(index, name, ['span', 'starts', 'lab_id'])


def upgrade():
    _table(
        'figure_rows',
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('chain', sa.String(length=32), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in (
            'items_in', 'parts_in', 'requests_in', 'items_done', 'passed', 'failed',
            'on_time', 'late', 'free_done')),
        *(sa.Column(f't{n}', sa.Integer(), nullable=False) for n in range(42)),
        sa.ForeignKeyConstraint(['service_id'], ['services.id'],
                                name=op.f('fk_figure_rows_service_id_services'),
                                ondelete='CASCADE'),
        index='ix_figure_rows_span')
    _table(
        'figure_satisfaction',
        sa.Column('chain', sa.String(length=32), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in (
            'closed', 'rated', 'level_total', 'bad', 'followed_up')),
        index='ix_figure_satisfaction_span')
    _table(
        'figure_scales',
        sa.Column('market', sa.String(length=100), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in (
            'verified', 'passed', 'free')),
        index='ix_figure_scales_span')
    op.create_table(
        'figure_served',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('starts', sa.Date(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('lab_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('chain', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'],
                                name=op.f('fk_figure_served_enterprise_id_enterprises'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['lab_id'], ['labs.id'],
                                name=op.f('fk_figure_served_lab_id_labs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_figure_served')))
    op.create_index('ix_figure_served_month', 'figure_served', ['starts', 'lab_id'])
    op.create_table(
        'figure_backlog',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lab_id', sa.Integer(), nullable=False),
        sa.Column('age', sa.Integer(), nullable=False),
        sa.Column('parts', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['lab_id'], ['labs.id'],
                                name=op.f('fk_figure_backlog_lab_id_labs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_figure_backlog')))
    op.create_table(
        'figure_enterprises',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('span', sa.String(length=5), nullable=False),
        sa.Column('starts', sa.Date(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in (
            'items_done', 'passed', 'failed', 'on_time', 'late')),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'],
                                name=op.f('fk_figure_enterprises_enterprise_id_enterprises'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_figure_enterprises')))
    op.create_index('ix_figure_enterprises_span', 'figure_enterprises',
                    ['enterprise_id', 'span', 'starts'])
    op.create_table(
        'figure_clinic',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('starts', sa.Date(), nullable=False),
        sa.Column('chain', sa.String(length=32), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in ('opened', 'solved')),
        sa.Column('visit_days', sa.JSON(), nullable=False),
        sa.Column('resolution_days', sa.JSON(), nullable=False),
        sa.Column('reported', sa.Integer(), nullable=False),
        sa.Column('reported_cents', sa.BigInteger(), nullable=False),
        sa.Column('verified', sa.Integer(), nullable=False),
        sa.Column('verified_cents', sa.BigInteger(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in (
            'rated', 'level_total', 'bad', 'followed_up')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_figure_clinic')))
    op.create_index(op.f('ix_figure_clinic_starts'), 'figure_clinic', ['starts'])
    op.create_table(
        'figure_state',
        sa.Column('name', sa.String(length=20), nullable=False),
        sa.Column('last_event_id', sa.Integer(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_figure_state')))
    op.create_index('ix_service_requests_submitted', 'service_requests', ['submitted_at'])
    op.create_index(op.f('ix_ratings_created_at'), 'ratings', ['created_at'])
    op.create_index(op.f('ix_certificates_issued_at'), 'certificates', ['issued_at'])
    op.create_index(op.f('ix_scale_verifications_verified_at'), 'scale_verifications',
                    ['verified_at'])


def downgrade():
    op.drop_index(op.f('ix_scale_verifications_verified_at'), table_name='scale_verifications')
    op.drop_index(op.f('ix_certificates_issued_at'), table_name='certificates')
    op.drop_index(op.f('ix_ratings_created_at'), table_name='ratings')
    op.drop_index('ix_service_requests_submitted', table_name='service_requests')
    op.drop_table('figure_state')
    op.drop_index('ix_figure_enterprises_span', table_name='figure_enterprises')
    op.drop_table('figure_enterprises')
    op.drop_index(op.f('ix_figure_clinic_starts'), table_name='figure_clinic')
    op.drop_table('figure_clinic')
    op.drop_table('figure_backlog')
    op.drop_index('ix_figure_served_month', table_name='figure_served')
    op.drop_table('figure_served')
    for name in ('figure_scales', 'figure_satisfaction', 'figure_rows'):
        op.drop_index(f'ix_{name}_span', table_name=name)
        op.drop_table(name)

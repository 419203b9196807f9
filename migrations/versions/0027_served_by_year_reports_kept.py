"""the enterprises served kept per enterprise and year with a bit per month, so the
boards count some thousands of rows rather than every enterprise's every month (filled
from the month rows already kept); an enterprise's reports first issued kept with its
items per day and month, so its profile reads them from 24 rows (the worker recomputes
every figure from the start to fill them in)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 02:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    years = op.create_table(
        'figure_served_years',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('lab_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=True),
        sa.Column('chain', sa.String(length=32), nullable=False),
        sa.Column('months', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'],
                                name=op.f('fk_figure_served_years_enterprise_id_enterprises'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['lab_id'], ['labs.id'],
                                name=op.f('fk_figure_served_years_lab_id_labs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_figure_served_years')))
    op.create_index('ix_figure_served_years_key', 'figure_served_years',
                    ['year', 'lab_id', 'kind', 'chain', 'months', 'enterprise_id'])
    # The same rows the worker builds (refresh.recompute_served_year), from the months.
    month_rows = sa.table('figure_served', sa.column('starts', sa.Date),
                          sa.column('enterprise_id'), sa.column('lab_id'),
                          sa.column('kind'), sa.column('chain'))
    months, chains = {}, {}
    for ent, lab, kind, chain, starts in op.get_bind().execute(
            sa.select(month_rows.c.enterprise_id, month_rows.c.lab_id, month_rows.c.kind,
                      month_rows.c.chain, month_rows.c.starts)
            .order_by(month_rows.c.starts)):
        bit = 1 << (starts.month - 1)
        for key in ((ent, lab, kind), (ent, None, kind), (ent, lab, None), (ent, None, None)):
            months[(starts.year, *key)] = months.get((starts.year, *key), 0) | bit
        chains[(starts.year, ent)] = chain
    rows = [{'year': year, 'enterprise_id': ent, 'lab_id': lab, 'kind': kind,
             'chain': chains[(year, ent)], 'months': bits}
            for (year, ent, lab, kind), bits in months.items()]
    for start in range(0, len(rows), 10_000):
        op.bulk_insert(years, rows[start:start + 10_000])


    op.add_column('figure_enterprises',
                  sa.Column('reports', sa.Integer(), nullable=False, server_default='0'))
    op.execute("UPDATE figure_state SET last_event_id = 0 WHERE name = 'figures'")


def downgrade():
    op.drop_column('figure_enterprises', 'reports')
    op.drop_index('ix_figure_served_years_key', table_name='figure_served_years')
    op.drop_table('figure_served_years')

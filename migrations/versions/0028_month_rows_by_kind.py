"""the dashboards' month rows kept by lab, kind of service and chain, without the
service (the boards never break down by service: a quarter of the rows to sum); the
day rows keep the service

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05 02:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

COUNTS = ['items_in', 'parts_in', 'requests_in', 'items_done', 'passed', 'failed',
          'on_time', 'late', 'free_done', *(f't{n}' for n in range(42))]


def upgrade():
    with op.batch_alter_table('figure_rows') as batch:
        batch.alter_column('service_id', existing_type=sa.Integer(), nullable=True)
    # The month rows summed over their services, then the per-service ones removed.
    sums = ', '.join(f'sum({c})' for c in COUNTS)
    op.execute(f"INSERT INTO figure_rows (span, starts, lab_id, service_id, kind, chain, "
               f"{', '.join(COUNTS)}) SELECT span, starts, lab_id, NULL, kind, chain, {sums} "
               f"FROM figure_rows WHERE span = 'month' GROUP BY span, starts, lab_id, kind, "
               f"chain")
    op.execute("DELETE FROM figure_rows WHERE span = 'month' AND service_id IS NOT NULL")


def downgrade():
    # Month rows without a service cannot be split again: the worker recomputes them.
    op.execute("DELETE FROM figure_rows WHERE span = 'month'")
    op.execute("UPDATE figure_state SET last_event_id = 0 WHERE name = 'figures'")
    with op.batch_alter_table('figure_rows') as batch:
        batch.alter_column('service_id', existing_type=sa.Integer(), nullable=False)

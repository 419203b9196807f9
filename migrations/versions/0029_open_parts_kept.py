"""each lab's open parts in a partial index of their own (the queue, calendar and
My tasks read some thousands of open parts, not the lab's whole history), and each
capability's open items kept for routing instead of counted per submission

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05 22:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

# The open states as the model spells them (models.OPEN_SQL), frozen here.
OPEN_SQL = ("state IN ('approved', 'confirmed', 'in_progress', 'in_review', 'quoted', "
            "'sample_received', 'submitted')")


def upgrade():
    op.create_index('ix_sub_requests_open_due', 'sub_requests', ['lab_id', 'due_date', 'id'],
                    sqlite_where=sa.text(OPEN_SQL), postgresql_where=sa.text(OPEN_SQL))
    with op.batch_alter_table('capabilities') as batch:
        batch.add_column(sa.Column('open_items', sa.Integer(), nullable=False,
                                   server_default='0'))
    op.execute(f"""
        UPDATE capabilities SET open_items = (
            SELECT count(*) FROM request_items
            JOIN sub_requests ON sub_requests.id = request_items.sub_request_id
            WHERE sub_requests.lab_id = capabilities.lab_id
              AND request_items.service_id = capabilities.service_id
              AND sub_requests.{OPEN_SQL})""")


def downgrade():
    with op.batch_alter_table('capabilities') as batch:
        batch.drop_column('open_items')
    op.drop_index('ix_sub_requests_open_due', table_name='sub_requests')

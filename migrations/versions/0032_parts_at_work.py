"""a lab's parts taking results in a partial index of their own, by due date: the
worklist walks a backlog lab's tens of thousands in order until it has its 200 items

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06 03:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None

AT_WORK = "state IN ('in_progress', 'sample_received')"


def upgrade():
    op.create_index('ix_sub_requests_at_work_due', 'sub_requests', ['lab_id', 'due_date', 'id'],
                    sqlite_where=sa.text(AT_WORK), postgresql_where=sa.text(AT_WORK))


def downgrade():
    op.drop_index('ix_sub_requests_at_work_due', table_name='sub_requests')

"""a lab's bad reviews still to follow up in a partial index of their own (My tasks
read a handful of rows, not every review the lab has had)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-05 22:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None

TO_FOLLOW_UP = "follow_up_due IS NOT NULL AND followed_up_at IS NULL"


def upgrade():
    op.create_index('ix_ratings_to_follow_up', 'ratings', ['lab_id', 'follow_up_due'],
                    sqlite_where=sa.text(TO_FOLLOW_UP), postgresql_where=sa.text(TO_FOLLOW_UP))


def downgrade():
    op.drop_index('ix_ratings_to_follow_up', table_name='ratings')

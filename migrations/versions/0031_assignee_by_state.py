"""one person's parts read by state (My tasks' "assigned to you", the queue's "mine"):
what they have at hand, not every part they ever worked on

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06 01:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    # The new index begins with assignee_id: it serves every look-up the old one did.
    op.create_index('ix_sub_requests_assignee_state_due', 'sub_requests',
                    ['assignee_id', 'state', 'due_date'])
    op.drop_index('ix_sub_requests_assignee_id', table_name='sub_requests')


def downgrade():
    op.create_index('ix_sub_requests_assignee_id', 'sub_requests', ['assignee_id'])
    op.drop_index('ix_sub_requests_assignee_state_due', table_name='sub_requests')

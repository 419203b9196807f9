"""bookings follow the part: a drop-off whose samples came in is done (history)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 15:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

NAME = 'ck_bookings_bookingstate'


def _allow(*values):
    # The enum's CHECK constraint lists its values: make it again with the new list.
    check = sa.text("state IN (%s)" % ", ".join(f"'{v}'" for v in values))
    if op.get_bind().dialect.name == 'sqlite':  # SQLite alters a copy of the table
        with op.batch_alter_table('bookings', schema=None, recreate='always') as batch_op:
            batch_op.drop_constraint(op.f(NAME), type_='check')
            batch_op.create_check_constraint(op.f(NAME), check)
    else:
        op.drop_constraint(op.f(NAME), 'bookings', type_='check')
        op.create_check_constraint(op.f(NAME), 'bookings', check)


def upgrade():
    _allow('booked', 'cancelled', 'done')


def downgrade():
    op.execute("UPDATE bookings SET state = 'cancelled' WHERE state = 'done'")
    _allow('booked', 'cancelled')

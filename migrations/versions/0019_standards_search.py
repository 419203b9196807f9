"""full-text search of the standards: FTS5 on SQLite, a GIN index on PostgreSQL

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 09:20:00

"""
from alembic import op

from blueprints.standards.search import DROP_INDEX_SQL, INDEX_SQL


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    for statement in INDEX_SQL.get(op.get_bind().dialect.name, ()):
        op.execute(statement)


def downgrade():
    for statement in DROP_INDEX_SQL.get(op.get_bind().dialect.name, ()):
        op.execute(statement)

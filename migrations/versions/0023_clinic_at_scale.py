"""the clinic at scale: the case list searches a full-text index of each case's
number, title, product and process (FTS5 on SQLite, a GIN index on PostgreSQL), not
LIKE over every case; each expert keeps the count of their open cases for dispatch

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 18:50:00

"""
from alembic import op
import sqlalchemy as sa

from blueprints.clinic.models import case_terms
from blueprints.standards.search import drop_index_sql, index_sql


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade():
    with op.batch_alter_table('clinic_cases') as batch:
        batch.add_column(sa.Column('search_terms', sa.Text(), nullable=False,
                                   server_default=''))
    # The cases there already get their terms before the index reads them.
    bind = op.get_bind()
    cases = sa.table('clinic_cases', sa.column('id', sa.Integer),
                     sa.column('number', sa.String), sa.column('title', sa.String),
                     sa.column('product', sa.String), sa.column('process', sa.String),
                     sa.column('search_terms', sa.Text))
    last = 0
    while True:
        rows = bind.execute(sa.select(cases.c.id, cases.c.number, cases.c.title,
                                      cases.c.product, cases.c.process)
                            .where(cases.c.id > last).order_by(cases.c.id).limit(BATCH)).all()
        if not rows:
            break
        bind.execute(sa.update(cases).where(cases.c.id == sa.bindparam('case_id'))
                     .values(search_terms=sa.bindparam('terms')),
                     [{'case_id': r.id, 'terms': case_terms(r.number, r.title, r.product,
                                                            r.process)} for r in rows])
        last = rows[-1].id
    for statement in index_sql('clinic_cases').get(bind.dialect.name, ()):
        op.execute(statement)
    with op.batch_alter_table('experts') as batch:
        batch.add_column(sa.Column('open_cases', sa.Integer(), nullable=False,
                                   server_default='0'))
    op.execute("UPDATE experts SET open_cases = (SELECT count(*) FROM clinic_assignments a "
               "JOIN clinic_cases c ON c.id = a.case_id WHERE a.expert_id = experts.id "
               "AND a.state IN ('pending', 'accepted') AND c.state IN ('submitted', "
               "'dispatched', 'info_requested', 'in_progress', 'on_hold', 'proposed'))")


def downgrade():
    with op.batch_alter_table('experts') as batch:
        batch.drop_column('open_cases')
    for statement in drop_index_sql('clinic_cases').get(op.get_bind().dialect.name, ()):
        op.execute(statement)
    with op.batch_alter_table('clinic_cases') as batch:
        batch.drop_column('search_terms')

"""results as labs write them: a result's form, interval end and written text; a
parameter's detection limit and grade scale; a verdict that cannot be given

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

FORMS = ('number', 'below', 'above', 'not_detected', 'interval', 'grade', 'text')


def _verdicts(*values):
    # The enum's CHECK constraint lists its values: make it again with the new list.
    name, check = 'ck_results_verdict', sa.text(
        "verdict IN (%s)" % ", ".join(f"'{v}'" for v in values))
    if op.get_bind().dialect.name == 'sqlite':  # SQLite alters a copy of the table
        with op.batch_alter_table('results', schema=None, recreate='always') as batch_op:
            batch_op.drop_constraint(op.f(name), type_='check')
            batch_op.create_check_constraint(op.f(name), check)
    else:
        op.drop_constraint(op.f(name), 'results', type_='check')
        op.create_check_constraint(op.f(name), 'results', check)


def upgrade():
    with op.batch_alter_table('service_parameters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('detection_limit', sa.Numeric(precision=18, scale=6),
                                      nullable=True))
        batch_op.add_column(sa.Column('grade_scale', sa.String(length=20), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'form', sa.Enum(*FORMS, name='resultform', native_enum=False,
                            create_constraint=True, length=32),
            nullable=False, server_default='number'))
        batch_op.add_column(sa.Column('high_value', sa.Numeric(precision=18, scale=6),
                                      nullable=True))
        batch_op.add_column(sa.Column('written', sa.String(length=60), nullable=False,
                                      server_default=''))
    # Results kept before: numbers, or words where the limit is stated in words.
    op.execute("UPDATE results SET form = 'text' WHERE value IS NULL")
    _verdicts('pass', 'fail', 'n/a', 'inconclusive')


def downgrade():
    op.execute("UPDATE results SET verdict = 'n/a' WHERE verdict = 'inconclusive'")
    _verdicts('pass', 'fail', 'n/a')
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_results_resultform'), type_='check')
        batch_op.drop_column('written')
        batch_op.drop_column('high_value')
        batch_op.drop_column('form')
    with op.batch_alter_table('service_parameters', schema=None) as batch_op:
        batch_op.drop_column('grade_scale')
        batch_op.drop_column('detection_limit')

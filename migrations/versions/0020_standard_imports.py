"""standard imports: a catalogue file imported (or checked in a dry run) in the
background, with its progress, counts and report lines

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 13:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'standard_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('stored_name', sa.String(length=80), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('dry_run', sa.Boolean(), nullable=False),
        sa.Column('follows_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.Enum('queued', 'running', 'done', 'failed', name='importstate',
                                   native_enum=False, create_constraint=True, length=32),
                  nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('added', sa.Integer(), nullable=False),
        sa.Column('changed', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('refused', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['follows_id'], ['standard_imports.id'],
                                name=op.f('fk_standard_imports_follows_id_standard_imports')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                                name=op.f('fk_standard_imports_uploaded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_standard_imports')),
    )
    with op.batch_alter_table('standard_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_standard_imports_state'), ['state'], unique=False)

    op.create_table(
        'standard_import_lines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('import_id', sa.Integer(), nullable=False),
        sa.Column('line', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=80), nullable=False),
        sa.Column('outcome', sa.Enum('added', 'changed', 'unchanged', 'refused', name='outcome',
                                     native_enum=False, create_constraint=True, length=32),
                  nullable=False),
        sa.Column('reason', sa.String(length=40), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=True),
        sa.Column('changes', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['import_id'], ['standard_imports.id'],
                                name=op.f('fk_standard_import_lines_import_id_standard_imports'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_standard_import_lines')),
    )
    with op.batch_alter_table('standard_import_lines', schema=None) as batch_op:
        batch_op.create_index('ix_standard_import_lines_run', ['import_id', 'line'],
                              unique=False)
        batch_op.create_index('ix_standard_import_lines_outcome',
                              ['import_id', 'outcome', 'line'], unique=False)


def downgrade():
    op.drop_table('standard_import_lines')
    op.drop_table('standard_imports')

"""certificates

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 04:29:47.461575

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.Enum('test_report', 'calibration_certificate', 'verification_certificate', 'verification_failure', name='certificatekind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('sub_request_id', sa.Integer(), nullable=False),
    sa.Column('lab_id', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('signed_by_id', sa.Integer(), nullable=False),
    sa.Column('verification_code', sa.String(length=16), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('status', sa.Enum('valid', 'superseded', 'withdrawn', name='certificatestatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lab_id'], ['labs.id'], name=op.f('fk_certificates_lab_id_labs')),
    sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], name=op.f('fk_certificates_signed_by_id_users')),
    sa.ForeignKeyConstraint(['sub_request_id'], ['sub_requests.id'], name=op.f('fk_certificates_sub_request_id_sub_requests')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['certificates.id'], name=op.f('fk_certificates_supersedes_id_certificates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('number', name=op.f('uq_certificates_number')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_certificates_stored_name'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_lab_id'), ['lab_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_sub_request_id'), ['sub_request_id'], unique=False)



def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_sub_request_id'))
        batch_op.drop_index(batch_op.f('ix_certificates_lab_id'))

    op.drop_table('certificates')

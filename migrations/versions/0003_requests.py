"""requests

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 03:06:54.506660

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('number_sequences',
    sa.Column('series', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('series', 'year', name=op.f('pk_number_sequences'))
    )
    op.create_table('service_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('state', sa.Enum('draft', 'submitted', 'returned', 'rejected', 'cancelled', 'quoted', 'confirmed', 'sample_received', 'in_progress', 'in_review', 'approved', 'issued', 'closed', name='state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('contact_name', sa.String(length=100), nullable=False),
    sa.Column('contact_phone', sa.String(length=30), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['users.id'], name=op.f('fk_service_requests_applicant_id_users')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_service_requests_enterprise_id_enterprises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_requests')),
    sa.UniqueConstraint('number', name=op.f('uq_service_requests_number'))
    )
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.create_index('ix_service_requests_applicant_created', ['applicant_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_requests_applicant_id'), ['applicant_id'], unique=False)
        batch_op.create_index('ix_service_requests_enterprise_created', ['enterprise_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_requests_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['service_requests.id'], name=op.f('fk_attachments_request_id_service_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachments_stored_name'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_request_id'), ['request_id'], unique=False)

    op.create_table('sub_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('lab_id', sa.Integer(), nullable=False),
    sa.Column('part', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'submitted', 'returned', 'rejected', 'cancelled', 'quoted', 'confirmed', 'sample_received', 'in_progress', 'in_review', 'approved', 'issued', 'closed', name='state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('routing_reason', sa.JSON(), nullable=True),
    sa.Column('applicant_message', sa.Text(), nullable=False),
    sa.Column('internal_note', sa.Text(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_sub_requests_approved_by_id_users')),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_sub_requests_assignee_id_users')),
    sa.ForeignKeyConstraint(['lab_id'], ['labs.id'], name=op.f('fk_sub_requests_lab_id_labs')),
    sa.ForeignKeyConstraint(['request_id'], ['service_requests.id'], name=op.f('fk_sub_requests_request_id_service_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sub_requests')),
    sa.UniqueConstraint('request_id', 'part', name='uq_sub_requests_request_part')
    )
    with op.batch_alter_table('sub_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sub_requests_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index('ix_sub_requests_lab_due', ['lab_id', 'due_date', 'id'], unique=False)
        batch_op.create_index('ix_sub_requests_lab_state_due', ['lab_id', 'state', 'due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_sub_requests_request_id'), ['request_id'], unique=False)

    op.create_table('ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sub_request_id', sa.Integer(), nullable=False),
    sa.Column('lab_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('rated_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('follow_up_due', sa.Date(), nullable=True),
    sa.Column('follow_up_note', sa.Text(), nullable=False),
    sa.Column('followed_up_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['lab_id'], ['labs.id'], name=op.f('fk_ratings_lab_id_labs')),
    sa.ForeignKeyConstraint(['rated_by_id'], ['users.id'], name=op.f('fk_ratings_rated_by_id_users')),
    sa.ForeignKeyConstraint(['sub_request_id'], ['sub_requests.id'], name=op.f('fk_ratings_sub_request_id_sub_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ratings')),
    sa.UniqueConstraint('sub_request_id', name=op.f('uq_ratings_sub_request_id'))
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratings_lab_id'), ['lab_id'], unique=False)

    op.create_table('request_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('sub_request_id', sa.Integer(), nullable=True),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('sample_description', sa.String(length=300), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('requirements', sa.Text(), nullable=False),
    sa.Column('price_cents', sa.Integer(), nullable=False),
    sa.Column('price_reason', sa.Text(), nullable=False),
    sa.Column('method_deviation', sa.Text(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['service_requests.id'], name=op.f('fk_request_items_request_id_service_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_request_items_service_id_services')),
    sa.ForeignKeyConstraint(['sub_request_id'], ['sub_requests.id'], name=op.f('fk_request_items_sub_request_id_sub_requests'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_items'))
    )
    with op.batch_alter_table('request_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_items_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_request_items_service_id'), ['service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_request_items_sub_request_id'), ['sub_request_id'], unique=False)

    op.create_table('results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('parameter_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=18, scale=6), nullable=True),
    sa.Column('text_value', sa.String(length=200), nullable=False),
    sa.Column('uncertainty', sa.Numeric(precision=18, scale=6), nullable=True),
    sa.Column('verdict', sa.Enum('pass', 'fail', 'n/a', name='verdict', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_results_entered_by_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['request_items.id'], name=op.f('fk_results_item_id_request_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parameter_id'], ['service_parameters.id'], name=op.f('fk_results_parameter_id_service_parameters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_results')),
    sa.UniqueConstraint('item_id', 'parameter_id', name='uq_results_item_parameter')
    )
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_results_item_id'), ['item_id'], unique=False)

    op.create_table('samples',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('condition', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_by_id', sa.Integer(), nullable=False),
    sa.Column('retain_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['request_items.id'], name=op.f('fk_samples_item_id_request_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['received_by_id'], ['users.id'], name=op.f('fk_samples_received_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_samples')),
    sa.UniqueConstraint('code', name=op.f('uq_samples_code')),
    sa.UniqueConstraint('item_id', name=op.f('uq_samples_item_id'))
    )


def downgrade():
    op.drop_table('samples')
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_results_item_id'))

    op.drop_table('results')
    with op.batch_alter_table('request_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_items_sub_request_id'))
        batch_op.drop_index(batch_op.f('ix_request_items_service_id'))
        batch_op.drop_index(batch_op.f('ix_request_items_request_id'))

    op.drop_table('request_items')
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratings_lab_id'))

    op.drop_table('ratings')
    with op.batch_alter_table('sub_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sub_requests_request_id'))
        batch_op.drop_index('ix_sub_requests_lab_state_due')
        batch_op.drop_index('ix_sub_requests_lab_due')
        batch_op.drop_index(batch_op.f('ix_sub_requests_assignee_id'))

    op.drop_table('sub_requests')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_request_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_requests_enterprise_id'))
        batch_op.drop_index('ix_service_requests_enterprise_created')
        batch_op.drop_index(batch_op.f('ix_service_requests_applicant_id'))
        batch_op.drop_index('ix_service_requests_applicant_created')

    op.drop_table('service_requests')
    op.drop_table('number_sequences')

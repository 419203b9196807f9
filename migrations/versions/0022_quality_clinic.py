"""quality clinic (质量问诊): experts, cases and what is done on them, ratings, benefits,
the case library with its full-text index; the expert role

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 17:17:21.122811

"""
from alembic import op
import sqlalchemy as sa

from blueprints.standards.search import drop_index_sql, index_sql


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

ROLES = ('sme', 'citizen', 'lab_staff', 'lab_manager', 'admin')


def _roles(*values):
    # The enum's CHECK constraint lists its values: make it again with the new list.
    check = sa.text("role IN (%s)" % ", ".join(f"'{v}'" for v in values))
    if op.get_bind().dialect.name == 'sqlite':  # SQLite alters a copy of the table
        with op.batch_alter_table('users', schema=None, recreate='always') as batch_op:
            batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
            batch_op.create_check_constraint(op.f('ck_users_role'), check)
    else:
        op.drop_constraint(op.f('ck_users_role'), 'users', type_='check')
        op.create_check_constraint(op.f('ck_users_role'), 'users', check)


def upgrade():
    _roles(*ROLES, 'expert')
    op.create_table('experts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('employer_lab_id', sa.Integer(), nullable=True),
    sa.Column('employer_enterprise_id', sa.Integer(), nullable=True),
    sa.Column('employer_name', sa.String(length=200), nullable=False),
    sa.Column('chains', sa.JSON(), nullable=False),
    sa.Column('ics_fields', sa.JSON(), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('profile', sa.Text(), nullable=False),
    sa.Column('available', sa.Boolean(), nullable=False),
    sa.Column('away_until', sa.Date(), nullable=True),
    sa.Column('max_open_cases', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['employer_enterprise_id'], ['enterprises.id'], name=op.f('fk_experts_employer_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['employer_lab_id'], ['labs.id'], name=op.f('fk_experts_employer_lab_id_labs')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_experts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_experts')),
    sa.UniqueConstraint('user_id', name=op.f('uq_experts_user_id'))
    )
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_experts_employer_enterprise_id'), ['employer_enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_experts_employer_lab_id'), ['employer_lab_id'], unique=False)

    op.create_table('expert_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_expert_conflicts_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_conflicts_expert_id_experts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_conflicts')),
    sa.UniqueConstraint('expert_id', 'enterprise_id', name=op.f('uq_expert_conflicts_expert_id'))
    )
    with op.batch_alter_table('expert_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_conflicts_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('clinic_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('submitted', 'dispatched', 'info_requested', 'in_progress', 'on_hold', 'proposed', 'resolved', 'withdrawn', 'rejected', name='casestate', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('chain', sa.Enum('textiles_footwear', 'leisure_food', 'building_ceramics', 'smart_equipment', 'integrated_circuits', 'nuclear_medicine', 'other', name='industrychain', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('ics_field', sa.String(length=2), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('product', sa.String(length=200), nullable=False),
    sa.Column('process', sa.String(length=200), nullable=False),
    sa.Column('symptoms', sa.Text(), nullable=False),
    sa.Column('since', sa.String(length=100), nullable=False),
    sa.Column('losses', sa.Text(), nullable=False),
    sa.Column('monthly_loss_cents', sa.BigInteger(), nullable=True),
    sa.Column('result_id', sa.Integer(), nullable=True),
    sa.Column('certificate_id', sa.Integer(), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paused_on', sa.Date(), nullable=True),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_clinic_cases_certificate_id_certificates')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_clinic_cases_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_clinic_cases_opened_by_id_users')),
    sa.ForeignKeyConstraint(['result_id'], ['results.id'], name=op.f('fk_clinic_cases_result_id_results')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinic_cases')),
    sa.UniqueConstraint('number', name=op.f('uq_clinic_cases_number'))
    )
    with op.batch_alter_table('clinic_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clinic_cases_certificate_id'), ['certificate_id'], unique=False)
        batch_op.create_index('ix_clinic_cases_chain_created', ['chain', 'created_at'], unique=False)
        batch_op.create_index('ix_clinic_cases_enterprise', ['enterprise_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clinic_cases_result_id'), ['result_id'], unique=False)
        batch_op.create_index('ix_clinic_cases_state', ['state', 'id'], unique=False)

    op.create_table('clinic_articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('chain', sa.Enum('textiles_footwear', 'leisure_food', 'building_ceramics', 'smart_equipment', 'integrated_circuits', 'nuclear_medicine', 'other', name='industrychain', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('state', sa.Enum('draft', 'submitted', 'published', 'refused', name='articlestate', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('cause', sa.Text(), nullable=False),
    sa.Column('actions', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('written_by_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('search_terms', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['clinic_cases.id'], name=op.f('fk_clinic_articles_case_id_clinic_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_clinic_articles_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['written_by_id'], ['users.id'], name=op.f('fk_clinic_articles_written_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinic_articles')),
    sa.UniqueConstraint('case_id', name=op.f('uq_clinic_articles_case_id'))
    )
    with op.batch_alter_table('clinic_articles', schema=None) as batch_op:
        batch_op.create_index('ix_clinic_articles_chain', ['state', 'chain', 'published_at'], unique=False)

    op.create_table('clinic_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'accepted', 'declined', 'released', name='assignmentstate', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('lead', sa.Boolean(), nullable=False),
    sa.Column('dispatched_by_id', sa.Integer(), nullable=False),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer_by', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['clinic_cases.id'], name=op.f('fk_clinic_assignments_case_id_clinic_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['dispatched_by_id'], ['users.id'], name=op.f('fk_clinic_assignments_dispatched_by_id_users')),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_clinic_assignments_expert_id_experts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinic_assignments')),
    sa.UniqueConstraint('case_id', 'expert_id', name=op.f('uq_clinic_assignments_case_id'))
    )
    with op.batch_alter_table('clinic_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clinic_assignments_answer_by'), ['answer_by'], unique=False)
        batch_op.create_index('ix_clinic_assignments_expert', ['expert_id', 'state', 'case_id'], unique=False)

    op.create_table('clinic_benefits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('defect_rate_before', sa.Numeric(precision=7, scale=3), nullable=True),
    sa.Column('defect_rate_after', sa.Numeric(precision=7, scale=3), nullable=True),
    sa.Column('cost_saved_cents', sa.BigInteger(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verification', sa.Text(), nullable=False),
    sa.Column('verifying_request_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['clinic_cases.id'], name=op.f('fk_clinic_benefits_case_id_clinic_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_clinic_benefits_reported_by_id_users')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_clinic_benefits_verified_by_id_users')),
    sa.ForeignKeyConstraint(['verifying_request_id'], ['service_requests.id'], name=op.f('fk_clinic_benefits_verifying_request_id_service_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinic_benefits')),
    sa.UniqueConstraint('case_id', name=op.f('uq_clinic_benefits_case_id'))
    )
    op.create_table('clinic_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('cause', sa.Enum('man', 'machine', 'material', 'method', 'environment', 'measurement', name='cause', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['clinic_cases.id'], name=op.f('fk_clinic_findings_case_id_clinic_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_clinic_findings_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinic_findings'))
    )
    with op.batch_alter_table('clinic_findings', schema=None) as batch_op:
        batch_op.create_index('ix_clinic_findings_case', ['case_id', 'id'], unique=False)

    op.create_table('clinic_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('question', 'answer', 'note', name='messagekind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_clinic_messages_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['clinic_cases.id'], name=op.f('fk_clinic_messages_case_id_clinic_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinic_messages'))
    )
    with op.batch_alter_table('clinic_messages', schema=None) as batch_op:
        batch_op.create_index('ix_clinic_messages_case', ['case_id', 'id'], unique=False)

    op.create_table('clinic_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('rated_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('follow_up_due', sa.Date(), nullable=True),
    sa.Column('follow_up_note', sa.Text(), nullable=False),
    sa.Column('followed_up_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['clinic_cases.id'], name=op.f('fk_clinic_ratings_case_id_clinic_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rated_by_id'], ['users.id'], name=op.f('fk_clinic_ratings_rated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinic_ratings')),
    sa.UniqueConstraint('case_id', name=op.f('uq_clinic_ratings_case_id'))
    )
    with op.batch_alter_table('clinic_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clinic_ratings_follow_up_due'), ['follow_up_due'], unique=False)

    op.create_table('clinic_time',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('activity', sa.Enum('visit', 'remote', 'analysis', 'report', 'travel', name='activity', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['clinic_cases.id'], name=op.f('fk_clinic_time_case_id_clinic_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_clinic_time_expert_id_experts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinic_time'))
    )
    with op.batch_alter_table('clinic_time', schema=None) as batch_op:
        batch_op.create_index('ix_clinic_time_case', ['case_id', 'id'], unique=False)
        batch_op.create_index('ix_clinic_time_expert', ['expert_id', 'day'], unique=False)

    op.create_table('clinic_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.Enum('onsite', 'remote', name='visitmode', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('booked', 'cancelled', name='visitstate', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('expert_ids', sa.String(length=200), nullable=False),
    sa.Column('booked_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['booked_by_id'], ['users.id'], name=op.f('fk_clinic_visits_booked_by_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['clinic_cases.id'], name=op.f('fk_clinic_visits_case_id_clinic_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinic_visits'))
    )
    with op.batch_alter_table('clinic_visits', schema=None) as batch_op:
        batch_op.create_index('ix_clinic_visits_case', ['case_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_clinic_visits_starts', ['state', 'starts_at'], unique=False)

    op.create_table('clinic_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner_side', sa.Enum('enterprise', 'expert', name='actionowner', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('owner', sa.String(length=100), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('state', sa.Enum('open', 'done', name='actionstate', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['clinic_cases.id'], name=op.f('fk_clinic_actions_case_id_clinic_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_clinic_actions_created_by_id_users')),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_clinic_actions_done_by_id_users')),
    sa.ForeignKeyConstraint(['finding_id'], ['clinic_findings.id'], name=op.f('fk_clinic_actions_finding_id_clinic_findings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinic_actions'))
    )
    with op.batch_alter_table('clinic_actions', schema=None) as batch_op:
        batch_op.create_index('ix_clinic_actions_case', ['case_id', 'id'], unique=False)
        batch_op.create_index('ix_clinic_actions_due', ['state', 'due_on'], unique=False)

    op.create_table('clinic_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['clinic_actions.id'], name=op.f('fk_clinic_attachments_action_id_clinic_actions')),
    sa.ForeignKeyConstraint(['case_id'], ['clinic_cases.id'], name=op.f('fk_clinic_attachments_case_id_clinic_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_clinic_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinic_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_clinic_attachments_stored_name'))
    )
    with op.batch_alter_table('clinic_attachments', schema=None) as batch_op:
        batch_op.create_index('ix_clinic_attachments_case', ['case_id', 'id'], unique=False)

    for statement in index_sql('clinic_articles').get(op.get_bind().dialect.name, ()):
        op.execute(statement)


def downgrade():
    for statement in drop_index_sql('clinic_articles').get(op.get_bind().dialect.name, ()):
        op.execute(statement)
    with op.batch_alter_table('clinic_attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_clinic_attachments_case')

    op.drop_table('clinic_attachments')
    with op.batch_alter_table('clinic_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_clinic_actions_due')
        batch_op.drop_index('ix_clinic_actions_case')

    op.drop_table('clinic_actions')
    with op.batch_alter_table('clinic_visits', schema=None) as batch_op:
        batch_op.drop_index('ix_clinic_visits_starts')
        batch_op.drop_index('ix_clinic_visits_case')

    op.drop_table('clinic_visits')
    with op.batch_alter_table('clinic_time', schema=None) as batch_op:
        batch_op.drop_index('ix_clinic_time_expert')
        batch_op.drop_index('ix_clinic_time_case')

    op.drop_table('clinic_time')
    with op.batch_alter_table('clinic_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clinic_ratings_follow_up_due'))

    op.drop_table('clinic_ratings')
    with op.batch_alter_table('clinic_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_clinic_messages_case')

    op.drop_table('clinic_messages')
    with op.batch_alter_table('clinic_findings', schema=None) as batch_op:
        batch_op.drop_index('ix_clinic_findings_case')

    op.drop_table('clinic_findings')
    op.drop_table('clinic_benefits')
    with op.batch_alter_table('clinic_assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_clinic_assignments_expert')
        batch_op.drop_index(batch_op.f('ix_clinic_assignments_answer_by'))

    op.drop_table('clinic_assignments')
    with op.batch_alter_table('clinic_articles', schema=None) as batch_op:
        batch_op.drop_index('ix_clinic_articles_chain')

    op.drop_table('clinic_articles')
    with op.batch_alter_table('clinic_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_clinic_cases_state')
        batch_op.drop_index(batch_op.f('ix_clinic_cases_result_id'))
        batch_op.drop_index('ix_clinic_cases_enterprise')
        batch_op.drop_index('ix_clinic_cases_chain_created')
        batch_op.drop_index(batch_op.f('ix_clinic_cases_certificate_id'))

    op.drop_table('clinic_cases')
    with op.batch_alter_table('expert_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_conflicts_enterprise_id'))

    op.drop_table('expert_conflicts')
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_experts_employer_lab_id'))
        batch_op.drop_index(batch_op.f('ix_experts_employer_enterprise_id'))

    op.drop_table('experts')
    op.execute("UPDATE users SET active = false WHERE role = 'expert'")
    op.execute("UPDATE users SET role = 'lab_staff' WHERE role = 'expert'")
    _roles(*ROLES)

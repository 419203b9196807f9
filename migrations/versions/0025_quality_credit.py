"""quality credit: an enterprise's quality records entered by the desk with their
evidence (standards drafted, certifications, awards, supervision sampling), and the
dossiers enterprises make for banks, with every view of them

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04 22:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'quality_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('standard_drafted', 'certification', 'award', 'sampling',
                                  name='recordkind', native_enum=False, length=32,
                                  create_constraint=True), nullable=False),
        sa.Column('level', sa.String(length=20), nullable=False),
        sa.Column('outcome', sa.String(length=10), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('reference', sa.String(length=80), nullable=False),
        sa.Column('issuer', sa.String(length=120), nullable=False),
        sa.Column('dated', sa.Date(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=True),
        sa.Column('evidence_name', sa.String(length=200), nullable=False),
        sa.Column('evidence_type', sa.String(length=40), nullable=False),
        sa.Column('evidence_size', sa.Integer(), nullable=False),
        sa.Column('evidence_sha256', sa.String(length=64), nullable=False),
        sa.Column('evidence_stored', sa.String(length=80), nullable=False),
        sa.Column('entered_by_id', sa.Integer(), nullable=False),
        sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('withdrawn_reason', sa.String(length=2000), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'],
                                name=op.f('fk_quality_records_enterprise_id_enterprises')),
        sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'],
                                name=op.f('fk_quality_records_entered_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_records')),
        sa.UniqueConstraint('evidence_stored', name=op.f('uq_quality_records_evidence_stored')),
    )
    op.create_index('ix_quality_records_enterprise', 'quality_records', ['enterprise_id', 'kind'])

    op.create_table(
        'credit_dossiers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=20), nullable=False),
        sa.Column('access_code', sa.String(length=16), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('made_by_id', sa.Integer(), nullable=False),
        sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('made_on', sa.Date(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=False),
        sa.Column('bank', sa.String(length=120), nullable=False),
        sa.Column('purpose', sa.String(length=300), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('county', sa.String(length=40), nullable=False),
        sa.Column('set_version', sa.String(length=20), nullable=False),
        sa.Column('score', sa.Numeric(5, 1), nullable=False),
        sa.Column('known_weight', sa.Numeric(5, 1), nullable=False),
        sa.Column('grade', sa.String(length=10), nullable=True),
        sa.Column('snapshot', sa.JSON(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('stored_name', sa.String(length=80), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.Column('revoke_reason', sa.String(length=2000), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'],
                                name=op.f('fk_credit_dossiers_enterprise_id_enterprises')),
        sa.ForeignKeyConstraint(['made_by_id'], ['users.id'],
                                name=op.f('fk_credit_dossiers_made_by_id_users')),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'],
                                name=op.f('fk_credit_dossiers_revoked_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_dossiers')),
        sa.UniqueConstraint('number', name=op.f('uq_credit_dossiers_number')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_credit_dossiers_stored_name')),
    )
    op.create_index('ix_credit_dossiers_enterprise', 'credit_dossiers', ['enterprise_id', 'id'])

    op.create_table(
        'credit_dossier_views',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=False),
        sa.Column('viewed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('address', sa.String(length=45), nullable=False),
        sa.Column('browser', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['dossier_id'], ['credit_dossiers.id'], ondelete='CASCADE',
                                name=op.f('fk_credit_dossier_views_dossier_id_credit_dossiers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_dossier_views')),
    )
    op.create_index('ix_credit_dossier_views_dossier', 'credit_dossier_views',
                    ['dossier_id', 'id'])


def downgrade():
    op.drop_index('ix_credit_dossier_views_dossier', table_name='credit_dossier_views')
    op.drop_table('credit_dossier_views')
    op.drop_index('ix_credit_dossiers_enterprise', table_name='credit_dossiers')
    op.drop_table('credit_dossiers')
    op.drop_index('ix_quality_records_enterprise', table_name='quality_records')
    op.drop_table('quality_records')

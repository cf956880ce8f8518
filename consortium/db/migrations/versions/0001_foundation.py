"""foundation: members, keys, staff, works, holdings, change log

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 05:58:54.739495
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_member()
    _create_api_key()
    _create_staff_user()
    _create_work()
    _create_work_identifier()
    _create_holding()
    _create_change_log()
    _create_push_batch()


def _create_member() -> None:
    op.create_table('member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('site_origins', sa.JSON(), nullable=False),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_code'), ['code'], unique=True)


def _create_api_key() -> None:
    op.create_table('api_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('key_hash', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_key_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_key_prefix'), ['prefix'], unique=False)


def _create_staff_user() -> None:
    op.create_table('staff_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_user_email'), ['email'], unique=True)
        batch_op.create_index(batch_op.f('ix_staff_user_member_id'), ['member_id'], unique=False)


def _create_work() -> None:
    op.create_table('work',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('subtitle', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('authors', sa.JSON(), nullable=False),
    sa.Column('publisher', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
    sa.Column('format', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('isbns', sa.JSON(), nullable=False),
    sa.Column('issns', sa.JSON(), nullable=False),
    sa.Column('clc', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('subjects', sa.JSON(), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('match_key', sqlmodel.sql.sqltypes.AutoString(length=600), nullable=True),
    sa.Column('carrier', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merged_into_id'], ['work.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('work', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_clc'), ['clc'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_match_key'), ['match_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_merged_into_id'), ['merged_into_id'], unique=False)


def _create_work_identifier() -> None:
    op.create_table('work_identifier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.ForeignKeyConstraint(['work_id'], ['work.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('work_id', 'kind', 'value', name='uq_work_identifier')
    )
    with op.batch_alter_table('work_identifier', schema=None) as batch_op:
        batch_op.create_index('ix_work_identifier_lookup', ['kind', 'value'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_identifier_work_id'), ['work_id'], unique=False)


def _create_holding() -> None:
    op.create_table('holding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('local_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('work_id', sa.Integer(), nullable=False),
    sa.Column('matched_by', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('format', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('call_number', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('location', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('copies', sa.Integer(), nullable=True),
    sa.Column('available', sa.Integer(), nullable=True),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('access', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('coverage', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('acquired_on', sa.Date(), nullable=True),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('record', sa.JSON(), nullable=False),
    sa.Column('record_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['work_id'], ['work.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('member_id', 'local_id', name='uq_holding_member_local')
    )
    with op.batch_alter_table('holding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holding_acquired_on'), ['acquired_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_holding_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_holding_work_id'), ['work_id'], unique=False)


def _create_change_log() -> None:
    op.create_table('change_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_log_entity_id'), ['entity_id'], unique=False)


def _create_push_batch() -> None:
    op.create_table('push_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('accepted', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('rejections', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('push_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_batch_member_id'), ['member_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('work_identifier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_identifier_work_id'))
        batch_op.drop_index('ix_work_identifier_lookup')

    op.drop_table('work_identifier')
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_user_member_id'))
        batch_op.drop_index(batch_op.f('ix_staff_user_email'))

    op.drop_table('staff_user')
    with op.batch_alter_table('push_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_batch_member_id'))

    op.drop_table('push_batch')
    with op.batch_alter_table('holding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holding_work_id'))
        batch_op.drop_index(batch_op.f('ix_holding_member_id'))
        batch_op.drop_index(batch_op.f('ix_holding_acquired_on'))

    op.drop_table('holding')
    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_key_prefix'))
        batch_op.drop_index(batch_op.f('ix_api_key_member_id'))

    op.drop_table('api_key')
    with op.batch_alter_table('work', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_merged_into_id'))
        batch_op.drop_index(batch_op.f('ix_work_match_key'))
        batch_op.drop_index(batch_op.f('ix_work_clc'))

    op.drop_table('work')
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_code'))

    op.drop_table('member')
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_log_entity_id'))

    op.drop_table('change_log')

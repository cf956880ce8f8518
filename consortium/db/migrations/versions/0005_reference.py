"""reference: the federated reference queue — profiles, questions, events, messages, knowledge base

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_intake_hit()
    _create_reference_profile()
    _create_question()
    _create_knowledge_entry()
    _create_question_event()
    _create_question_message()


def _create_intake_hit() -> None:
    op.create_table('intake_hit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bucket', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_intake_hit_bucket_time', 'intake_hit', ['bucket', 'created_at'], unique=False)


def _create_reference_profile() -> None:
    op.create_table('reference_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('accepts_questions', sa.Boolean(), nullable=False),
    sa.Column('strengths', sa.JSON(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('opening_hours', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('closures', sa.JSON(), nullable=False),
    sa.Column('first_response_days', sa.Integer(), nullable=False),
    sa.Column('answer_days', sa.Integer(), nullable=False),
    sa.Column('retention_days', sa.Integer(), nullable=False),
    sa.Column('canned_answers', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_reference_profile_member_id'), 'reference_profile', ['member_id'], unique=True)


def _create_question() -> None:
    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('reader_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('reader_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('home_member_id', sa.Integer(), nullable=True),
    sa.Column('work_id', sa.Integer(), nullable=True),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('consent_publish', sa.Boolean(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('routed_member_id', sa.Integer(), nullable=True),
    sa.Column('open_to_all', sa.Boolean(), nullable=False),
    sa.Column('claimed_by_id', sa.Integer(), nullable=True),
    sa.Column('clc', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('routing', sa.JSON(), nullable=False),
    sa.Column('first_response_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_response_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('scrubbed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['claimed_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['home_member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['routed_member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['work_id'], ['work.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_question_home_member_id'), 'question', ['home_member_id'], unique=False)
    op.create_index('ix_question_queue', 'question', ['routed_member_id', 'status'], unique=False)
    op.create_index(op.f('ix_question_status'), 'question', ['status'], unique=False)
    op.create_index(op.f('ix_question_token_hash'), 'question', ['token_hash'], unique=True)


def _create_knowledge_entry() -> None:
    op.create_table('knowledge_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('question_html', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('answer_html', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('clc', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('unpublished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['published_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_knowledge_entry_member_id'), 'knowledge_entry', ['member_id'], unique=False)
    op.create_index(op.f('ix_knowledge_entry_question_id'), 'knowledge_entry', ['question_id'], unique=True)
    op.create_index(op.f('ix_knowledge_entry_unpublished_at'), 'knowledge_entry', ['unpublished_at'], unique=False)


def _create_question_event() -> None:
    op.create_table('question_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('from_member_id', sa.Integer(), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_user_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['from_member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_question_event_kind'), 'question_event', ['kind'], unique=False)
    op.create_index(op.f('ix_question_event_member_id'), 'question_event', ['member_id'], unique=False)
    op.create_index(op.f('ix_question_event_question_id'), 'question_event', ['question_id'], unique=False)


def _create_question_message() -> None:
    op.create_table('question_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('author_user_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('body_html', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('cited_work_ids', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_user_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_question_message_question_id'), 'question_message', ['question_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_question_message_question_id'), table_name='question_message')
    op.drop_table('question_message')
    op.drop_index(op.f('ix_question_event_question_id'), table_name='question_event')
    op.drop_index(op.f('ix_question_event_member_id'), table_name='question_event')
    op.drop_index(op.f('ix_question_event_kind'), table_name='question_event')
    op.drop_table('question_event')
    op.drop_index(op.f('ix_knowledge_entry_unpublished_at'), table_name='knowledge_entry')
    op.drop_index(op.f('ix_knowledge_entry_question_id'), table_name='knowledge_entry')
    op.drop_index(op.f('ix_knowledge_entry_member_id'), table_name='knowledge_entry')
    op.drop_table('knowledge_entry')
    op.drop_index(op.f('ix_question_token_hash'), table_name='question')
    op.drop_index(op.f('ix_question_status'), table_name='question')
    op.drop_index('ix_question_queue', table_name='question')
    op.drop_index(op.f('ix_question_home_member_id'), table_name='question')
    op.drop_table('question')
    op.drop_index(op.f('ix_reference_profile_member_id'), table_name='reference_profile')
    op.drop_table('reference_profile')
    op.drop_index('ix_intake_hit_bucket_time', table_name='intake_hit')
    op.drop_table('intake_hit')

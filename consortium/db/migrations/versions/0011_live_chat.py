"""live chat: the duty rota, liaisons' presence, chat sessions and their events

Revision ID: 0011
Revises: 0010

``chat_event`` carries what the chat's server-sent event streams send (``seq`` is the event id
a browser resumes from); several web processes serve one chat by reading it from here.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_chat_rota()
    _create_duty_presence()
    _create_chat_session()
    _create_chat_event()


def _create_chat_rota() -> None:
    op.create_table('chat_rota',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('hours', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.PrimaryKeyConstraint('member_id')
    )


def _create_duty_presence() -> None:
    op.create_table('duty_presence',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_index(op.f('ix_duty_presence_member_id'), 'duty_presence', ['member_id'], unique=False)


def _create_chat_session() -> None:
    op.create_table('chat_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('reader_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('reader_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('home_member_id', sa.Integer(), nullable=True),
    sa.Column('work_id', sa.Integer(), nullable=True),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('routed_member_id', sa.Integer(), nullable=True),
    sa.Column('routing', sa.JSON(), nullable=False),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('consent_publish', sa.Boolean(), nullable=False),
    sa.Column('want_transcript', sa.Boolean(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.Column('ring_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_activity_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['home_member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], ),
    sa.ForeignKeyConstraint(['routed_member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['work_id'], ['work.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_chat_session_question_id'), 'chat_session', ['question_id'], unique=False)
    op.create_index('ix_chat_session_ringing', 'chat_session', ['state', 'routed_member_id'], unique=False)
    op.create_index(op.f('ix_chat_session_token_hash'), 'chat_session', ['token_hash'], unique=True)


def _create_chat_event() -> None:
    op.create_table('chat_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('author_user_id', sa.Integer(), nullable=True),
    sa.Column('body_html', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('body_text', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_user_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['chat_id'], ['chat_session.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_chat_event_chat_seq', 'chat_event', ['chat_id', 'seq'], unique=True)

def downgrade() -> None:
    op.drop_index('ix_chat_event_chat_seq', table_name='chat_event')
    op.drop_table('chat_event')
    op.drop_index(op.f('ix_chat_session_token_hash'), table_name='chat_session')
    op.drop_index('ix_chat_session_ringing', table_name='chat_session')
    op.drop_index(op.f('ix_chat_session_question_id'), table_name='chat_session')
    op.drop_table('chat_session')
    op.drop_index(op.f('ix_duty_presence_member_id'), table_name='duty_presence')
    op.drop_table('duty_presence')
    op.drop_table('chat_rota')

"""scorecards: readers' ratings of answers, yearly targets per member, reader links

Revision ID: 0012
Revises: 0009

``answer_feedback`` holds one rating per question (a second replaces it), its comment as
written and redacted; ``member_target`` the consortium's targets for a member and year;
``reader_link`` further private links to a question (only their hashes), minted for the
answer mail so the reader can open the status page and rate the answer.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["updated_by_id"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "member_id", name="uq_member_target_year_member"),
    )
    op.create_index(op.f("ix_member_target_member_id"), "member_target", ["member_id"], unique=False)
    op.create_index(op.f("ix_member_target_year"), "member_target", ["year"], unique=False)
    op.create_table(
        "answer_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("comment_redacted", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_answer_feedback_member_id"), "answer_feedback", ["member_id"], unique=False)
    op.create_index(op.f("ix_answer_feedback_question_id"), "answer_feedback", ["question_id"], unique=True)
    op.create_index(op.f("ix_answer_feedback_updated_at"), "answer_feedback", ["updated_at"], unique=False)
    op.create_table(
        "reader_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_reader_link_question_id"), "reader_link", ["question_id"], unique=False)
    op.create_index(op.f("ix_reader_link_token_hash"), "reader_link", ["token_hash"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_reader_link_token_hash"), table_name="reader_link")
    op.drop_index(op.f("ix_reader_link_question_id"), table_name="reader_link")
    op.drop_table("reader_link")
    op.drop_index(op.f("ix_answer_feedback_updated_at"), table_name="answer_feedback")
    op.drop_index(op.f("ix_answer_feedback_question_id"), table_name="answer_feedback")
    op.drop_index(op.f("ix_answer_feedback_member_id"), table_name="answer_feedback")
    op.drop_table("answer_feedback")
    op.drop_index(op.f("ix_member_target_year"), table_name="member_target")
    op.drop_index(op.f("ix_member_target_member_id"), table_name="member_target")
    op.drop_table("member_target")

"""scorecards: readers' ratings of answers, yearly targets per member, reader links, the
liaison directory and notices

Revision ID: 0012
Revises: 0011

``answer_feedback`` holds one rating per question (a second replaces it), its comment as
written and redacted; ``member_target`` the consortium's targets for a member and year;
``reader_link`` further private links to a question (only their hashes), minted for the
answer mail so the reader can open the status page and rate the answer; ``liaison_contact``
the directory's phone, contact hours and subjects of a liaison; ``notice`` and
``notice_receipt`` the consortium's notices to liaisons and who confirmed reading them.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_member_target()
    _create_answer_feedback()
    _create_reader_link()
    _create_liaison_contact()
    _create_notice()
    _create_notice_receipt()


def _create_member_target() -> None:
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


def _create_answer_feedback() -> None:
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


def _create_reader_link() -> None:
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


def _create_liaison_contact() -> None:
    op.create_table(
        "liaison_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("contact_hours", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("subjects", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_liaison_contact_user_id"), "liaison_contact", ["user_id"], unique=True)


def _create_notice() -> None:
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("body_md", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("body_html", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_user_id"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_notice_created_at"), "notice", ["created_at"], unique=False)


def _create_notice_receipt() -> None:
    op.create_table(
        "notice_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("notice_id", "user_id", name="uq_notice_receipt_user"),
    )
    op.create_index(op.f("ix_notice_receipt_notice_id"), "notice_receipt", ["notice_id"], unique=False)
    op.create_index(op.f("ix_notice_receipt_user_id"), "notice_receipt", ["user_id"], unique=False)

def downgrade() -> None:
    op.drop_index(op.f("ix_notice_receipt_user_id"), table_name="notice_receipt")
    op.drop_index(op.f("ix_notice_receipt_notice_id"), table_name="notice_receipt")
    op.drop_table("notice_receipt")
    op.drop_index(op.f("ix_notice_created_at"), table_name="notice")
    op.drop_table("notice")
    op.drop_index(op.f("ix_liaison_contact_user_id"), table_name="liaison_contact")
    op.drop_table("liaison_contact")
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

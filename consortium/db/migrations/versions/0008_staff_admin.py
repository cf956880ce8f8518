"""staff admin: set-password invitations, the audit trail, Markdown of answers

Revision ID: 0008
Revises: 0006
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff_user.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_staff_invitation_token_hash"), "staff_invitation", ["token_hash"], unique=True)
    op.create_index(op.f("ix_staff_invitation_user_id"), "staff_invitation", ["user_id"], unique=False)
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_user_id"], ["staff_user.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_audit_entry_action"), "audit_entry", ["action"], unique=False)
    op.create_index(op.f("ix_audit_entry_created_at"), "audit_entry", ["created_at"], unique=False)
    op.create_index(op.f("ix_audit_entry_member_id"), "audit_entry", ["member_id"], unique=False)
    with op.batch_alter_table("question_message") as batch:
        batch.add_column(sa.Column("body_md", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    with op.batch_alter_table("knowledge_entry") as batch:
        batch.add_column(sa.Column("answer_md", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("knowledge_entry") as batch:
        batch.drop_column("answer_md")
    with op.batch_alter_table("question_message") as batch:
        batch.drop_column("body_md")
    op.drop_index(op.f("ix_audit_entry_member_id"), table_name="audit_entry")
    op.drop_index(op.f("ix_audit_entry_created_at"), table_name="audit_entry")
    op.drop_index(op.f("ix_audit_entry_action"), table_name="audit_entry")
    op.drop_table("audit_entry")
    op.drop_index(op.f("ix_staff_invitation_user_id"), table_name="staff_invitation")
    op.drop_index(op.f("ix_staff_invitation_token_hash"), table_name="staff_invitation")
    op.drop_table("staff_invitation")

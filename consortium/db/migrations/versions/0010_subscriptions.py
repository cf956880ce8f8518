"""subscriptions: readers' saved searches mailed as digests; list headers on outbox mail

Revision ID: 0010
Revises: 0009

``subscription`` holds a reader's address, saved search, frequency and language (only the
SHA-256 of its token); ``mail_outbox.headers`` carries a digest's List-Unsubscribe headers;
``resource_note`` holds librarians' notes on e-resources of the navigator.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("search", sa.JSON(), nullable=False),
        sa.Column("frequency", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("home_member_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("last_digest_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("digests_sent", sa.Integer(), nullable=False),
        sa.Column("bounces", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["home_member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index(op.f("ix_subscription_email"), "subscription", ["email"], unique=False)
    op.create_index(op.f("ix_subscription_home_member_id"), "subscription", ["home_member_id"], unique=False)
    op.create_index("ix_subscription_due", "subscription", ["status", "frequency", "last_digest_at"], unique=False)
    with op.batch_alter_table("mail_outbox") as batch:
        batch.add_column(sa.Column("headers", sa.JSON(), nullable=True))
    op.create_table(
        "resource_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("body_md", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["updated_by"], ["staff_user.id"]),
        sa.ForeignKeyConstraint(["work_id"], ["work.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("work_id", "member_id", name="uq_resource_note_member"),
    )
    op.create_index(op.f("ix_resource_note_work_id"), "resource_note", ["work_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_resource_note_work_id"), table_name="resource_note")
    op.drop_table("resource_note")
    with op.batch_alter_table("mail_outbox") as batch:
        batch.drop_column("headers")
    op.drop_index("ix_subscription_due", table_name="subscription")
    op.drop_index(op.f("ix_subscription_home_member_id"), table_name="subscription")
    op.drop_index(op.f("ix_subscription_email"), table_name="subscription")
    op.drop_table("subscription")

"""hardening: staff sessions revocable server-side; intake rate limits leave the database

Revision ID: 0009
Revises: 0008

``staff_user.session_version`` is part of every staff session's user id, so raising it
(logout, password change) ends every session of that account. ``intake_hit`` counted question
submissions per hashed e-mail and IP; Flask-Limiter does that now (consortium.web.limits).
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_user") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))
    op.drop_index("ix_intake_hit_bucket_time", table_name="intake_hit")
    op.drop_table("intake_hit")


def downgrade() -> None:
    op.create_table(
        "intake_hit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bucket", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_intake_hit_bucket_time", "intake_hit", ["bucket", "created_at"], unique=False)
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_column("session_version")

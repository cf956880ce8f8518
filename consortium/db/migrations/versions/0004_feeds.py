"""feeds: new-arrival guides and their picked works; the new-arrivals index on holding

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guide",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("intro_md", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("intro_html", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("clc", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("audience", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("search", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("guide", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guide_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_guide_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_guide_clc"), ["clc"], unique=False)
    op.create_table(
        "guide_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guide_id", sa.Integer(), nullable=False),
        sa.Column("work_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("commentary", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.ForeignKeyConstraint(["guide_id"], ["guide.id"]),
        sa.ForeignKeyConstraint(["work_id"], ["work.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("guide_id", "work_id", name="uq_guide_item_work"),
    )
    with op.batch_alter_table("guide_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guide_item_guide_id"), ["guide_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_guide_item_work_id"), ["work_id"], unique=False)


    _create_new_on_index()


# The "new" day of a holding exactly as consortium.services.arrivals._new_on writes it, so
# the newest-first feed walks this index instead of sorting every holding.
NEW_ON = {
    "sqlite": "coalesce(acquired_on, date(first_seen_at))",
    "postgresql": "(coalesce(acquired_on, CAST((first_seen_at AT TIME ZONE 'UTC') AS DATE)))",
}


def _create_new_on_index() -> None:
    expression = NEW_ON.get(op.get_bind().dialect.name)
    if expression is not None:
        op.execute(f"CREATE INDEX ix_holding_new_on ON holding ({expression}, first_seen_at, id)")
        # one member's arrivals (member feeds, embeds) walk this one
        op.execute(f"CREATE INDEX ix_holding_member_new_on ON holding (member_id, {expression}, first_seen_at, id)")


def downgrade() -> None:
    if op.get_bind().dialect.name in NEW_ON:
        op.execute("DROP INDEX ix_holding_member_new_on")
        op.execute("DROP INDEX ix_holding_new_on")
    with op.batch_alter_table("guide_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guide_item_work_id"))
        batch_op.drop_index(batch_op.f("ix_guide_item_guide_id"))
    op.drop_table("guide_item")
    with op.batch_alter_table("guide", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guide_clc"))
        batch_op.drop_index(batch_op.f("ix_guide_state"))
        batch_op.drop_index(batch_op.f("ix_guide_member_id"))
    op.drop_table("guide")

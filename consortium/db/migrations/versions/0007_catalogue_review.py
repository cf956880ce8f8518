"""catalogue review: editions, librarians' decisions (audit trail), works kept apart, review queue

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _alter_existing_tables()
    _create_match_review()
    _create_catalogue_decision()
    _create_work_apart()
    _add_holding_decision_id()


def _alter_existing_tables() -> None:
    op.add_column("work", sa.Column("edition", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
    op.add_column("work", sa.Column("family_key", sqlmodel.sql.sqltypes.AutoString(length=600), nullable=True))
    op.create_index(op.f("ix_work_family_key"), "work", ["family_key"], unique=False)


def _create_match_review() -> None:
    op.create_table(
        "match_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_low", sa.Integer(), nullable=False),
        sa.Column("work_high", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("identifier", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("local_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["work_high"], ["work.id"]),
        sa.ForeignKeyConstraint(["work_low"], ["work.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("work_low", "work_high", name="uq_match_review_pair"),
    )
    op.create_index(op.f("ix_match_review_status"), "match_review", ["status"], unique=False)
    op.create_index(op.f("ix_match_review_work_high"), "match_review", ["work_high"], unique=False)
    op.create_index(op.f("ix_match_review_work_low"), "match_review", ["work_low"], unique=False)


def _create_catalogue_decision() -> None:
    op.create_table(
        "catalogue_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("work_id", sa.Integer(), nullable=False),
        sa.Column("other_work_id", sa.Integer(), nullable=True),
        sa.Column("holding_member_id", sa.Integer(), nullable=True),
        sa.Column("holding_local_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["holding_member_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["other_work_id"], ["work.id"]),
        sa.ForeignKeyConstraint(["review_id"], ["match_review.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["staff_user.id"]),
        sa.ForeignKeyConstraint(["work_id"], ["work.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_catalogue_decision_other_work_id"), "catalogue_decision", ["other_work_id"], unique=False)
    op.create_index(op.f("ix_catalogue_decision_work_id"), "catalogue_decision", ["work_id"], unique=False)


def _create_work_apart() -> None:
    op.create_table(
        "work_apart",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_a", sa.Integer(), nullable=False),
        sa.Column("work_b", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["decision_id"], ["catalogue_decision.id"]),
        sa.ForeignKeyConstraint(["work_a"], ["work.id"]),
        sa.ForeignKeyConstraint(["work_b"], ["work.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("work_a", "work_b", name="uq_work_apart"),
    )
    op.create_index(op.f("ix_work_apart_work_a"), "work_apart", ["work_a"], unique=False)
    op.create_index(op.f("ix_work_apart_work_b"), "work_apart", ["work_b"], unique=False)


def _add_holding_decision_id() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference in place; batch mode would copy the holding
        # table and lose the expression indexes of migration 0004
        op.execute("ALTER TABLE holding ADD COLUMN decision_id INTEGER REFERENCES catalogue_decision (id)")
    else:
        op.add_column("holding", sa.Column("decision_id", sa.Integer(), nullable=True))
        op.create_foreign_key("holding_decision_id_fkey", "holding", "catalogue_decision", ["decision_id"], ["id"])

def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE holding DROP COLUMN decision_id")
    else:
        op.drop_constraint("holding_decision_id_fkey", "holding", type_="foreignkey")
        op.drop_column("holding", "decision_id")
    op.drop_index(op.f("ix_work_apart_work_b"), table_name="work_apart")
    op.drop_index(op.f("ix_work_apart_work_a"), table_name="work_apart")
    op.drop_table("work_apart")
    op.drop_index(op.f("ix_catalogue_decision_work_id"), table_name="catalogue_decision")
    op.drop_index(op.f("ix_catalogue_decision_other_work_id"), table_name="catalogue_decision")
    op.drop_table("catalogue_decision")
    op.drop_index(op.f("ix_match_review_work_low"), table_name="match_review")
    op.drop_index(op.f("ix_match_review_work_high"), table_name="match_review")
    op.drop_index(op.f("ix_match_review_status"), table_name="match_review")
    op.drop_table("match_review")
    op.drop_index(op.f("ix_work_family_key"), table_name="work")
    op.drop_column("work", "family_key")
    op.drop_column("work", "edition")

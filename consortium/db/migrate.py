"""Schema migrations (Alembic), run from code: ``consortium init`` and the test fixtures."""
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

SCRIPTS = Path(__file__).parent / "migrations"

# Dialect-specific expression indexes that the models cannot declare (migration 0004 writes
# them per database); autogenerate must neither drop nor re-create them.
MIGRATION_ONLY_INDEXES = frozenset({"ix_holding_new_on", "ix_holding_member_new_on"})


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic filter: leave the migration-only indexes alone."""
    return not (type_ == "index" and name in MIGRATION_ONLY_INDEXES)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema to ``revision``."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()

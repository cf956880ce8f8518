"""Alembic migrations build exactly the schema the models describe."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

# every feature's tables, as the migrations' env.py registers them
import consortium.accounts.models  # noqa: F401
import consortium.catalogue.models  # noqa: F401
import consortium.guides.models  # noqa: F401
import consortium.imports.models  # noqa: F401
import consortium.mail.models  # noqa: F401
import consortium.management.models  # noqa: F401
import consortium.reference.models  # noqa: F401
import consortium.resources.models  # noqa: F401
import consortium.search.models  # noqa: F401
import consortium.subscriptions.models  # noqa: F401
from consortium.db.engine import make_engine
from consortium.db.migrate import current_revision, head_revision, include_object, upgrade


# SQLAlchemy cannot reflect SQLite expression indexes; they are migration-only by design.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning")
def test_migrated_database_matches_the_models(database_url, backend):
    """Autogenerate finds nothing to change: no model was changed without a migration."""
    engine = make_engine(database_url)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object}), SQLModel.metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_is_idempotent(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()

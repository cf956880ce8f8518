"""Alembic environment: runs against the connection ``consortium.migrate`` hands in."""
from alembic import context
from sqlmodel import SQLModel

# Every feature's tables, registered on the metadata (autogenerate compares them with the database).
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
from consortium.db.migrate import include_object

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True,
                      include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()

"""Alembic environment: runs against the connection ``consortium.migrate`` hands in."""
from alembic import context
from sqlmodel import SQLModel

import consortium.models  # noqa: F401  (registers every table on the metadata)
from consortium.migrate import include_object

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

"""Alembic environment: runs on the connection handed over by db.migrate, or on the configured URL."""
from alembic import context
from sqlalchemy import Connection

from db.config import database_url
from db.engine import make_engine
from db.models import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection, target_metadata=Base.metadata, render_as_batch=True, compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(database_url(context.config.get_main_option("sqlalchemy.url") or None))
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run `python -m db upgrade`")
run_migrations_online()

"""Alembic environment: runs the revisions on the connection evisynth passes in.

evisynth opens the connection itself (inside one write transaction, so on SQLite the write lock is held
from the first statement and two processes opening the same new project cannot both migrate it) and
hands it over in ``config.attributes["connection"]``; the whole upgrade commits or rolls back as one.
Offline mode (``alembic upgrade --sql``) writes the SQL instead, for a database administrator.
"""

from __future__ import annotations

from alembic import context

from evisynth.store import schema


def _run_offline() -> None:
    context.configure(url=context.config.get_main_option("sqlalchemy.url"), target_metadata=schema.metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _run_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=schema.metadata, render_as_batch=True,
                      transaction_per_migration=False)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    _run_offline()
else:
    _run_online()

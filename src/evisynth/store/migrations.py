"""Schema migrations of the project database, run with Alembic whenever a project is opened.

The revisions are Alembic scripts in ``schema_migrations/versions`` (``0001`` records, batches,
duplicates, screening and studies; ``0002`` risk of bias; ``0003`` screening events), applied by
:func:`upgrade` inside one write transaction: on SQLite the write lock is taken first, so two
processes opening the same new project queue instead of both migrating it, and an upgrade either
applies whole or not at all (PostgreSQL and SQLite both run DDL inside transactions). A team
upgrades its PostgreSQL store in place by opening it with the new evisynth
(``evisynth db upgrade --db URL``).

Stores written before Alembic carry a ``schema_version`` table instead of ``alembic_version``: they
are stamped with the revision of the same number and upgraded from there. ``schema_version`` is still
kept up to date, so an older evisynth that reads it sees the right version and refuses a newer store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evisynth.errors import EvisynthError
from evisynth.store import schema
from evisynth.store.engine import write_transaction

#: Folder of the Alembic environment (``env.py``) and revision scripts.
SCRIPTS = Path(__file__).with_name("schema_migrations")
#: Number of the newest revision (revision ids are ``0001``, ``0002``, ...; a test checks it is the head).
LATEST = 3


def alembic_config(connection: Any = None, url: str | None = None) -> Any:
    """Alembic configuration built in code (there is no ``alembic.ini``).

    ``connection`` is handed to ``env.py`` and used as it is (its transaction is not committed);
    ``url`` is only needed for offline SQL generation.
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def revisions() -> list[str]:
    """Every revision id, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return [s.revision for s in reversed(list(script.walk_revisions()))]


def _legacy_version(conn: Any) -> int:
    """Highest version in the pre-Alembic ``schema_version`` table (0 when there is none)."""
    from sqlalchemy import func, inspect, select

    if not inspect(conn).has_table("schema_version"):
        return 0
    return int(conn.execute(select(func.coalesce(func.max(schema.schema_version.c.version), 0))).scalar_one())


def current_revision(conn: Any) -> str | None:
    """The Alembic revision the database is at (``None`` for a store without ``alembic_version``)."""
    from alembic.migration import MigrationContext

    rev: str | None = MigrationContext.configure(conn).get_current_revision()
    return rev


def current_version(conn: Any) -> int:
    """Number of the revision the database is at (0 for an empty database)."""
    rev = current_revision(conn)
    if rev is None:
        return _legacy_version(conn)
    return int(rev) if rev.isdigit() else LATEST + 1


def _newer(found: str) -> EvisynthError:
    return EvisynthError(
        f"the project database has schema version {found}, newer than this evisynth understands "
        f"({LATEST}); upgrade evisynth"
    )


def _up_to_date(engine: Any) -> bool:
    """The database records the newest revision (and no newer pre-Alembic version): read with a plain
    query, without Alembic."""
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        revs = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        return revs == [f"{LATEST:04d}"] and _legacy_version(conn) <= LATEST


def upgrade(engine: Any) -> int:
    """Apply every pending revision in one write transaction; return the resulting version number.

    Raises
    ------
    EvisynthError
        When the database was written by a newer evisynth (a revision or version this one does not know).
    """
    if _up_to_date(engine):
        return LATEST   # the common case: no Alembic import (about 0.2 s) on every command that opens a project
    from alembic import command
    from sqlalchemy import insert, select

    known = revisions()
    with write_transaction(engine) as conn:
        rev = current_revision(conn)
        legacy = _legacy_version(conn)
        if legacy > LATEST:
            raise _newer(str(legacy))
        if rev is not None and rev not in known:
            raise _newer(rev)
        config = alembic_config(conn)
        if rev is None and legacy > 0:
            command.stamp(config, f"{legacy:04d}")
        command.upgrade(config, "head")
        schema.schema_version.create(conn, checkfirst=True)
        recorded = set(conn.execute(select(schema.schema_version.c.version)).scalars())
        now = datetime.now(UTC)
        for number in range(1, LATEST + 1):
            if number not in recorded:
                conn.execute(insert(schema.schema_version).values(version=number, applied_at=now))
    return LATEST


@dataclass(frozen=True)
class DatabaseStatus:
    """Where a project database stands against this evisynth's schema revisions.

    Attributes
    ----------
    revision : str or None
        The Alembic revision recorded in the database (``None``: empty, or written before Alembic).
    version : int
        Its number (the pre-Alembic ``schema_version`` for an older store; 0 for an empty database).
    latest : int
        The newest revision this evisynth knows.
    pending : tuple of str
        Revisions opening the project would apply, oldest first.
    """

    revision: str | None
    version: int
    latest: int
    pending: tuple[str, ...]

    @property
    def newer(self) -> bool:
        """The database was written by a newer evisynth."""
        return self.version > self.latest

    def summary(self) -> str:
        """One line for the terminal."""
        if self.newer:
            return f"schema version {self.version}: newer than this evisynth understands ({self.latest}); upgrade evisynth"
        if not self.pending:
            return f"schema version {self.version} (revision {self.revision}): up to date"
        return (f"schema version {self.version}: {len(self.pending)} revision(s) to apply "
                f"({', '.join(self.pending)}); opening the project applies them")


def status(engine: Any) -> DatabaseStatus:
    """Read where the database stands, changing nothing."""
    known = revisions()
    with engine.connect() as conn:
        rev = current_revision(conn)
        version = current_version(conn)
    pending = tuple(r for r in known if int(r) > version) if version <= LATEST else ()
    return DatabaseStatus(rev, version, LATEST, pending)


def upgrade_sql(url: str, start: int) -> str:
    """The SQL that upgrading a database at version ``start`` to the newest revision runs, for a
    database administrator to read before it is applied (nothing is connected to or changed)."""
    import io

    from alembic import command

    buffer = io.StringIO()
    config = alembic_config(url=url)
    config.output_buffer = buffer
    target = f"{start:04d}:head" if start else "head"
    command.upgrade(config, target, sql=True)
    return buffer.getvalue()

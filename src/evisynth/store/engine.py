"""Opening the project database: SQLite file in the review folder by default, or any SQLAlchemy URL.

SQLite connections use WAL journalling, ``synchronous=FULL``, enforced foreign keys, a 30-second
busy timeout and explicit ``BEGIN`` (``BEGIN IMMEDIATE`` for writes, see :func:`write_transaction`),
so that every transaction is atomic and concurrent writers queue instead of failing. PostgreSQL is selected
by a URL such as ``postgresql+psycopg://user:password@host/dbname`` (``--db`` on the command line or
the ``EVISYNTH_DB_URL`` environment variable).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from evisynth.errors import InputError
from evisynth.files import redact_url

DB_FILENAME = "evisynth.db"
REVIEW_FILES = ("review.toml", "evisynth.toml")
ENV_URL = "EVISYNTH_DB_URL"
#: Connection execution option marking a write transaction (see :func:`write_transaction`).
WRITE_OPTION = "evisynth_write"


def find_project_folder(start: str | Path | None = None) -> Path:
    """The review folder: ``start`` if given, else the nearest folder upward from the current one
    holding ``evisynth.db`` or a review file, else the current folder."""
    if start is not None:
        folder = Path(start)
        if not folder.is_dir():
            raise InputError(f"project folder {str(folder)!r} does not exist")
        return folder
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / DB_FILENAME).exists() or any((folder / name).exists() for name in REVIEW_FILES):
            return folder
    return here


def database_url(folder: Path, url: str | None = None) -> str:
    """The URL given, else ``$EVISYNTH_DB_URL``, else the SQLite file in ``folder``."""
    return url or os.environ.get(ENV_URL) or f"sqlite:///{(folder / DB_FILENAME).resolve()}"


def _review_screening(folder: Path) -> tuple[Path | None, dict[str, Any]]:
    """The review file of ``folder`` and its ``[screening]`` table (empty without a file or table)."""
    import tomllib

    for name in REVIEW_FILES:
        path = folder / name
        if path.exists():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise InputError(f"not valid TOML: {exc}", file=str(path)) from None
            table = data.get("screening", {})
            if not isinstance(table, dict):
                raise InputError("[screening] must be a table", file=str(path))
            return path, table
    return None, {}


def review_exclusion_reasons(folder: Path) -> list[str]:
    """Full-text exclusion reasons listed in the review file's ``[screening]`` table, if any.

    Raises
    ------
    InputError
        When the review file is not valid TOML or the list is not a list of strings.
    """
    path, table = _review_screening(folder)
    reasons = table.get("exclusion_reasons", [])
    if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
        raise InputError("[screening] exclusion_reasons must be a list of strings", file=str(path))
    return list(dict.fromkeys(r.strip() for r in reasons if r.strip()))


def review_reviewers_per_record(folder: Path, default: int = 2) -> int:
    """How many reviewers must decide each record independently: ``[screening] reviewers_per_record``
    of the review file (``1`` for a review screened by one person), else ``default`` (two, as the
    Cochrane Handbook asks).

    Raises
    ------
    InputError
        When the review file is not valid TOML or the setting is not a whole number from 1 to 10.
    """
    path, table = _review_screening(folder)
    value = table.get("reviewers_per_record", default)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        raise InputError(f"[screening] reviewers_per_record must be a whole number from 1 to 10; got {value!r}",
                         file=str(path))
    return value


def create_engine(url: str) -> Any:
    """SQLAlchemy engine with evisynth's connection settings for ``url``."""
    import sqlalchemy
    from sqlalchemy import event

    try:
        if url.startswith("sqlite"):
            engine = sqlalchemy.create_engine(url, connect_args={"timeout": 30})

            @event.listens_for(engine, "connect")
            def _on_connect(dbapi_connection: Any, _record: Any) -> None:
                dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=FULL")
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.close()

            @event.listens_for(engine, "begin")
            def _on_begin(conn: Any) -> None:
                # Writes take the write lock at the start (IMMEDIATE), so two processes (say, two
                # reviewers screening at once) wait for each other instead of failing half-way
                # through; reads stay deferred and never wait (WAL).
                write = conn.get_execution_options().get(WRITE_OPTION, False)
                conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

            return engine
        return sqlalchemy.create_engine(url, pool_pre_ping=True)
    except (sqlalchemy.exc.ArgumentError, sqlalchemy.exc.NoSuchModuleError, ImportError) as exc:
        raise InputError(redact_url(f"cannot use database URL {url!r}: {exc}")) from None


@contextmanager
def write_transaction(engine: Any) -> Iterator[Any]:
    """A connection inside one write transaction: committed at the end of the block, rolled back
    if it raises. On SQLite the write lock is taken at the start."""
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            yield conn

"""Ordered schema migrations of the project database, applied at open time.

Each migration is a function taking a connection inside the open transaction; its number is written
to ``schema_version`` in that same transaction, so a migration either applies whole or not at all.
Add new migrations to the end of :data:`MIGRATIONS`; never edit an applied one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from evisynth.errors import EvisynthError
from evisynth.store import schema
from evisynth.store.engine import write_transaction


def _create(conn: Any, names: tuple[str, ...]) -> None:
    tables = [t for t in schema.metadata.sorted_tables if t.name in names]
    schema.metadata.create_all(conn, tables=tables)


def _v1_initial(conn: Any) -> None:
    # The tables migration 1 has always created (later tables come with their own migration).
    _create(conn, schema.V1_TABLES)


def _v2_risk_of_bias(conn: Any) -> None:
    _create(conn, schema.V2_TABLES)


#: (version, description, function) in order.
MIGRATIONS: tuple[tuple[int, str, Callable[[Any], None]], ...] = (
    (1, "records, batches, duplicates, screening, studies", _v1_initial),
    (2, "risk-of-bias assessments and their domains", _v2_risk_of_bias),
)

LATEST = MIGRATIONS[-1][0]


def current_version(conn: Any) -> int:
    """Highest applied migration (0 for an empty database)."""
    from sqlalchemy import func, inspect, select

    if not inspect(conn).has_table("schema_version"):
        return 0
    return int(conn.execute(select(func.coalesce(func.max(schema.schema_version.c.version), 0))).scalar_one())


def upgrade(engine: Any) -> int:
    """Apply every pending migration, each in its own transaction; return the resulting version."""
    from sqlalchemy import insert

    with write_transaction(engine) as conn:
        schema.schema_version.create(conn, checkfirst=True)
    version = 0
    with engine.connect() as conn:
        version = current_version(conn)
    if version > LATEST:
        raise EvisynthError(
            f"the project database has schema version {version}, newer than this evisynth "
            f"understands ({LATEST}); upgrade evisynth"
        )
    for number, _description, apply in MIGRATIONS:
        if number <= version:
            continue
        with write_transaction(engine) as conn:
            apply(conn)
            conn.execute(insert(schema.schema_version).values(version=number, applied_at=datetime.now(UTC)))
        version = number
    return version

"""Project fixtures: every store test runs on SQLite, and on PostgreSQL when EVISYNTH_TEST_PG_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from evisynth.store.project import Project

PG_URL = os.environ.get("EVISYNTH_TEST_PG_URL", "")
_NO_PG = (
    "PostgreSQL store tests skipped: set EVISYNTH_TEST_PG_URL=postgresql+psycopg://user:pw@host/db "
    "(.ci/postgres.sh starts a local server and prints that line)"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | None]:
    """``None`` (SQLite file in the project folder) or a PostgreSQL URL with a fresh schema."""
    if request.param == "sqlite":
        yield None
        return
    if not PG_URL:
        pytest.skip(_NO_PG)
    import sqlalchemy

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture
def project(tmp_path: Path, backend_url: str | None) -> Iterator[Project]:
    """An empty project on each backend."""
    proj = Project(tmp_path, backend_url)
    try:
        yield proj
    finally:
        proj.close()

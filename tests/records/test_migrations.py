"""Schema migrations with Alembic: revisions, in-place upgrades of older stores, newer stores refused,
``evisynth db``. Every test runs on SQLite, and on PostgreSQL when EVISYNTH_TEST_PG_URL is set."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from evisynth.cli.main import main
from evisynth.errors import EvisynthError
from evisynth.store import migrations, schema
from evisynth.store.project import Project


def test_revisions_are_numbered_in_order_and_latest_is_the_head() -> None:
    revs = migrations.revisions()
    assert revs == [f"{n:04d}" for n in range(1, len(revs) + 1)]
    assert migrations.LATEST == int(revs[-1]) == 3


def test_revisions_build_exactly_the_schema_the_code_uses(tmp_path: Path, backend_url: str | None) -> None:
    with Project(tmp_path, backend_url) as proj, proj.engine.connect() as conn:
        assert migrations.current_revision(conn) == "0003"
        assert compare_metadata(MigrationContext.configure(conn), schema.metadata) == []
        versions = conn.execute(sqlalchemy.select(schema.schema_version.c.version)).scalars().all()
        assert sorted(versions) == [1, 2, 3]   # kept for evisynth versions that read schema_version
    assert migrations.status(proj.engine).summary() == "schema version 3 (revision 0003): up to date"


def test_downgraded_store_is_upgraded_in_place_keeping_its_data(tmp_path: Path, backend_url: str | None) -> None:
    with Project(tmp_path, backend_url) as proj:
        with proj.transaction() as conn:
            conn.execute(sqlalchemy.insert(schema.studies).values(label="Smith 2019"))
            command.downgrade(migrations.alembic_config(conn), "0001")
        with proj.engine.connect() as conn:
            assert not sqlalchemy.inspect(conn).has_table("rob_assessments")
        st = migrations.status(proj.engine)
        assert (st.revision, st.version, st.pending) == ("0001", 1, ("0002", "0003"))
    with Project(tmp_path, backend_url) as proj, proj.engine.connect() as conn:
        assert proj.schema_version == 3
        assert sqlalchemy.inspect(conn).has_table("rob_assessments")
        assert conn.execute(sqlalchemy.select(schema.studies.c.label)).scalar_one() == "Smith 2019"


def test_unknown_revision_is_refused_and_nothing_changes(tmp_path: Path, backend_url: str | None) -> None:
    with Project(tmp_path, backend_url) as proj, proj.transaction() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(EvisynthError, match="schema version 0099, newer than this evisynth understands"):
        Project(tmp_path, backend_url)
    where = ["--project", str(tmp_path)] + (["--db", backend_url] if backend_url else [])
    assert main(["db", "status", *where]) == 1
    assert main(["db", "upgrade", "--sql", *where]) == 2   # one line, no SQL for a revision it does not know


def test_two_processes_opening_a_new_store_at_once_migrate_it_once(tmp_path: Path) -> None:
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            Project(tmp_path).close()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Project(tmp_path) as proj, proj.engine.connect() as conn:
        assert conn.execute(sqlalchemy.text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
        assert conn.execute(sqlalchemy.text("SELECT count(*) FROM schema_version")).scalar_one() == 3


def test_db_command_status_sql_and_upgrade(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = str(tmp_path)
    assert main(["db", "status", "--project", folder]) == 0
    assert "3 revision(s) to apply (0001, 0002, 0003)" in capsys.readouterr().out
    assert not (tmp_path / "evisynth.db").exists()   # looking creates nothing
    assert main(["db", "upgrade", "--sql", "--project", folder]) == 0
    sql = capsys.readouterr().out
    assert "CREATE TABLE records" in sql and "CREATE TABLE rob_assessments" in sql
    assert "CREATE TABLE screening_events" in sql
    assert not (tmp_path / "evisynth.db").exists()
    assert main(["db", "upgrade", "--project", folder]) == 0
    assert capsys.readouterr().out.strip() == "schema version 0 -> 3 (0001, 0002, 0003)"
    assert main(["db", "status", "--project", folder]) == 0
    assert capsys.readouterr().out.strip() == "schema version 3 (revision 0003): up to date"


def test_db_command_redacts_the_password_of_an_unreachable_server(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "status", "--db", "postgresql+psycopg://bob:s3cret@127.0.0.1:9/x"]) == 2
    err = capsys.readouterr().err
    assert "s3cret" not in err and err.count("\n") == 1


def test_opening_an_up_to_date_store_does_not_load_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    Project(tmp_path).close()
    code = ("import sys; from evisynth.store.project import Project; p = Project(sys.argv[1]); "
            "assert p.schema_version == 3; p.close(); print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_revision_3_keeps_the_decisions_a_store_holds_as_its_first_events(tmp_path: Path,
                                                                           backend_url: str | None) -> None:
    from evisynth.records.model import Citation, ParseResult
    from evisynth.store import screening_store as ss

    with Project(tmp_path, backend_url) as proj:
        proj.import_records(ParseResult("ris", (Citation(title="Trial A"), Citation(title="Trial B"))),
                            database="Embase", file_name="e.ris", sha256="e" * 64)
        with proj.transaction() as conn:
            command.downgrade(migrations.alembic_config(conn), "0002")
            now = __import__("datetime").datetime.now(__import__("datetime").UTC)
            conn.execute(sqlalchemy.insert(schema.screening_decisions), [
                {"record_id": 1, "stage": "title", "reviewer": "A", "decision": "exclude", "decided_at": now},
                {"record_id": 2, "stage": "title", "reviewer": "B", "decision": "include", "decided_at": now}])
    with Project(tmp_path, backend_url) as proj:
        with proj.engine.connect() as conn:
            rows = conn.execute(sqlalchemy.select(schema.screening_events.c.record_id, schema.screening_events.c.reviewer,
                                                  schema.screening_events.c.action,
                                                  schema.screening_events.c.decision)).all()
        assert sorted(rows) == [(1, "A", "decided", "exclude"), (2, "B", "decided", "include")]
        assert ss.add_exclusion_reasons(proj, ["Wrong dose"], by="ann") == ["Wrong dose"]
        with proj.engine.connect() as conn:
            who = conn.execute(sqlalchemy.select(schema.exclusion_reasons.c.added_by,
                                                 schema.exclusion_reasons.c.added_at)).one()
        assert who[0] == "ann" and who[1] is not None
        ss.record_decision(proj, 1, "title", "A", "include")  # a changed decision adds an event
        ss.record_decision(proj, 1, "title", "A", "include")  # the same again adds nothing
        with proj.engine.connect() as conn:
            ev = schema.screening_events.c
            assert conn.execute(sqlalchemy.select(ev.decision).where(ev.record_id == 1).order_by(ev.id)).scalars(
                ).all() == ["exclude", "include"]

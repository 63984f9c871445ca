"""The project store (SQLite and PostgreSQL): batches, duplicate handling, migrations, transactions."""

from __future__ import annotations

from pathlib import Path

import pytest

from evisynth.errors import EvisynthError, InputError
from evisynth.io.detect import read_export
from evisynth.records.model import Citation, ParseResult
from evisynth.store import migrations
from evisynth.store.project import Project

DATA = Path(__file__).parent / "data"


def load(project: Project, name: str, database: str | None = None):
    export = read_export(DATA / name)
    return project.import_records(
        export.result,
        database=database or export.result.database or "CSV",
        file_name=name,
        sha256=export.sha256,
    )


def test_import_is_a_batch_and_round_trips_fields(project: Project) -> None:
    outcome = load(project, "embase.ris")
    batch = outcome.batch
    assert outcome.duplicate_of is None
    assert (batch.id, batch.database, batch.file_name, batch.format, batch.record_count) == (
        1,
        "Embase",
        "embase.ris",
        "ris",
        3,
    )
    stored = list(project.citations().values())
    parsed = read_export(DATA / "embase.ris").result.records
    assert [c.title for c in stored] == [c.title for c in parsed]
    assert stored[0].authors == parsed[0].authors and stored[0].keywords == parsed[0].keywords
    assert stored[0].doi == "10.1016/j.brs.2021.01.012" and stored[0].year == 2021 and stored[0].line == 1


def test_same_file_twice_changes_nothing(project: Project) -> None:
    first = load(project, "pubmed.nbib")
    again = load(project, "pubmed.nbib")
    assert again.duplicate_of is not None and again.duplicate_of.id == first.batch.id
    assert len(project.batches()) == 1 and len(project.citations()) == 2


def test_dedupe_merge_confirm_reject_undo(project: Project) -> None:
    for name, db in (
        ("embase.ris", None),
        ("pubmed.nbib", None),
        ("wos.txt", None),
        ("scopus.csv", None),
        ("central.ris", "CENTRAL"),
    ):
        load(project, name, db)
    assert len(project.citations()) == 10
    summary = project.dedupe()
    assert (summary.compared, summary.merged, summary.queued) == (10, 5, 0)
    merges = project.merges()
    # the trial exported four times is one group, kept as one record
    trial = {m.keeper_id for m in merges if m.match_key == "doi"}
    assert len(trial) == 1
    assert sorted((m.record_id, m.keeper_id, m.match_key) for m in merges) == [
        (2, 5, "title_year_author"),  # Embase "[Repetitive ...]" = PubMed "[Repetitive ...]." (no shared ids)
        (4, 1, "doi"),
        (6, 1, "doi"),  # one trial from Embase, PubMed, WoS, Scopus
        (7, 10, "title_year_author"),  # WoS Fitzgerald 2003 (no DOI) = CENTRAL record
        (8, 1, "doi"),
    ]
    assert len(project.citations()) == 5
    # a second run changes nothing
    assert project.dedupe().merged == 0
    # undo the Spanish pair merge, then it stays apart on the next run
    spanish = next(m for m in merges if m.record_id == 2)
    project.undo_merge(spanish.id, by="tester")
    assert sorted(project.citations()) == [1, 2, 3, 5, 9, 10]
    with pytest.raises(InputError, match="already undone"):
        project.undo_merge(spanish.id, by="tester")
    assert project.dedupe().merged == 0
    assert len(project.merges(include_undone=True)) == 5 and len(project.merges()) == 4


def test_uncertain_pairs_confirm_and_reject(project: Project) -> None:
    a = Citation(title="Deep TMS for smoking cessation: a randomised trial", authors=("Lee, H",), year=2019)
    b = Citation(title="Deep TMS for smoking cessation: a randomised trial", authors=(), year=2019)
    c = Citation(title="Deep TMS for smoking cessation: a randomised trial", authors=("Kim, S",), year=2019)
    project.import_records(ParseResult("csv", (a, b, c)), database="X", file_name="x.csv", sha256="1" * 64)
    summary = project.dedupe()
    assert summary.merged == 0 and summary.queued == 3
    pending = project.candidates()
    reasons = {(cand.record_a, cand.record_b): cand.reason for _, cand in pending}
    assert reasons == {
        (1, 2): "first author missing",
        (1, 3): "first authors differ",
        (2, 3): "first author missing",
    }
    ids = {(cand.record_a, cand.record_b): cid for cid, cand in pending}
    merge_id = project.decide_candidate(ids[(1, 2)], duplicate=True, by="ann")
    assert merge_id is not None
    project.decide_candidate(ids[(1, 3)], duplicate=False, by="ann")
    with pytest.raises(InputError, match="already rejected"):
        project.decide_candidate(ids[(1, 3)], duplicate=True, by="ann")
    assert sorted(project.citations()) == [1, 3]
    merge = project.merges()[0]
    assert (merge.record_id, merge.keeper_id, merge.match_key, merge.method, merge.decided_by) == (
        2,
        1,
        "manual",
        "manual",
        "ann",
    )
    assert merge.linked_to == 1
    assert project.dedupe().queued == 0  # nothing queued twice


def test_migrations_recorded_and_newer_schema_refused(tmp_path: Path, backend_url: str | None) -> None:
    with Project(tmp_path, backend_url) as proj:
        assert proj.schema_version == migrations.LATEST
        from sqlalchemy import insert

        from evisynth.store import schema

        with proj.transaction() as conn:
            conn.execute(
                insert(schema.schema_version).values(
                    version=migrations.LATEST + 1, applied_at=__import__("datetime").datetime.now()
                )
            )
    with pytest.raises(EvisynthError, match="newer than this evisynth understands"):
        Project(tmp_path, backend_url)


def test_sqlite_settings(tmp_path: Path) -> None:
    with Project(tmp_path) as proj:
        assert (tmp_path / "evisynth.db").exists()
        with proj.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        from sqlalchemy import insert
        from sqlalchemy.exc import IntegrityError

        from evisynth.store import schema

        with pytest.raises(IntegrityError), proj.transaction() as conn:
            conn.execute(
                insert(schema.records).values(
                    batch_id=999,
                    line=1,
                    title="t",
                    authors="",
                    journal="",
                    volume="",
                    issue="",
                    pages="",
                    doi="",
                    pmid="",
                    abstract="",
                    keywords="",
                    language="",
                    accession="",
                )
            )


def test_exception_mid_batch_leaves_nothing_half_written(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import event

    load(project, "pubmed.nbib")
    monkeypatch.setattr("evisynth.store.project._CHUNK", 10)
    records = tuple(Citation(title=f"Record {i}", year=2000) for i in range(50))
    calls = []

    def fail_on_third_chunk(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO records"):
            calls.append(1)
            if len(calls) == 3:
                raise RuntimeError("injected failure")

    event.listen(project.engine, "before_cursor_execute", fail_on_third_chunk)
    with pytest.raises(RuntimeError, match="injected"):
        project.import_records(
            ParseResult("csv", records), database="X", file_name="big.csv", sha256="2" * 64
        )
    event.remove(project.engine, "before_cursor_execute", fail_on_third_chunk)
    assert len(calls) == 3  # two chunks were written inside the transaction before the failure
    assert [b.file_name for b in project.batches()] == ["pubmed.nbib"]
    assert len(project.citations()) == 2
    outcome = project.import_records(
        ParseResult("csv", records), database="X", file_name="big.csv", sha256="2" * 64
    )
    assert outcome.duplicate_of is None and outcome.batch.record_count == 50
    assert len(project.citations()) == 52


def test_bad_url_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot use database URL"):
        Project(tmp_path, "nosuchdialect://x")


def test_two_writers_on_one_sqlite_file_wait_for_each_other(tmp_path: Path) -> None:
    import threading
    import time

    from sqlalchemy import func, insert, select

    from evisynth.store import schema

    def row(name: str) -> dict[str, object]:
        return {
            "database_name": name,
            "imported_at": __import__("datetime").datetime.now(),
            "file_name": name,
            "file_sha256": name * 64,
            "format": "ris",
            "record_count": 0,
            "problem_count": 0,
        }

    first, second = Project(tmp_path), Project(tmp_path)
    errors: list[BaseException] = []
    started = threading.Event()

    def slow_writer() -> None:
        try:
            with first.transaction() as conn:
                conn.execute(select(func.count()).select_from(schema.batches)).scalar_one()
                started.set()
                time.sleep(0.3)
                conn.execute(insert(schema.batches).values(**row("a")))
        except BaseException as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)

    thread = threading.Thread(target=slow_writer)
    thread.start()
    started.wait(5)
    with second.transaction() as conn:  # waits until the first transaction commits
        conn.execute(insert(schema.batches).values(**row("b")))
    thread.join()
    assert errors == []
    assert sorted(b.database for b in first.batches()) == ["a", "b"]
    first.close()
    second.close()


def test_unreachable_postgresql_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^cannot open the project database: ") as info:
        Project(tmp_path, "postgresql+psycopg://nobody:x@127.0.0.1:1/none?connect_timeout=2")
    assert "\n" not in str(info.value)

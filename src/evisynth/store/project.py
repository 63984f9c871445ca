"""The review project repository: import batches, records and duplicate handling.

Screening, studies and PRISMA counts live in :mod:`evisynth.store.screening_store` and
:mod:`evisynth.store.prisma_store`, working on the same :class:`Project`. Every change that takes
more than one statement runs in a single transaction: it is either all there or not at all. The row
types (:class:`Batch`, :class:`ImportOutcome`, :class:`DedupeSummary`) live in
:mod:`evisynth.store.record_rows` and are re-exported here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evisynth.errors import InputError
from evisynth.files import redact_url
from evisynth.records.dedupe import Candidate, Thresholds, find_duplicates, match_key
from evisynth.records.model import Citation, ParseResult
from evisynth.store import schema as s
from evisynth.store.engine import (
    create_engine,
    database_url,
    find_project_folder,
    review_exclusion_reasons,
    write_transaction,
)
from evisynth.store.migrations import upgrade
from evisynth.store.record_rows import (
    Batch,
    DedupeSummary,
    ImportOutcome,
    _batch,
    _now,
    citation_from_row,
    citation_row,
)

_CHUNK = 5000


class Project:
    """A review folder and its database.

    Parameters
    ----------
    folder : str or Path, optional
        The review folder; found upward from the current folder when omitted.
    url : str, optional
        SQLAlchemy database URL; defaults to ``$EVISYNTH_DB_URL`` or ``<folder>/evisynth.db``.
    """

    def __init__(self, folder: str | Path | None = None, url: str | None = None) -> None:
        self.folder = find_project_folder(folder)
        self.url = database_url(self.folder, url)
        self.engine = create_engine(self.url)
        from sqlalchemy.exc import DBAPIError

        try:
            self.schema_version = upgrade(self.engine)
            self._sync_review_reasons()
        except DBAPIError as exc:
            self.engine.dispose()
            first_line = (str(exc.orig).strip().splitlines() or ["unknown error"])[0]
            raise InputError(f"cannot open the project database: {redact_url(first_line)}") from None
        except BaseException:
            self.engine.dispose()
            raise

    def _sync_review_reasons(self) -> None:
        """Add the exclusion reasons listed in the review file (``[screening] exclusion_reasons``)."""
        from sqlalchemy import insert, select

        reasons = review_exclusion_reasons(self.folder)
        if not reasons:
            return
        with self.transaction() as conn:
            known = set(conn.execute(select(s.exclusion_reasons.c.reason)).scalars())
            new = [r for r in reasons if r not in known]
            if new:
                conn.execute(insert(s.exclusion_reasons), [{"reason": r} for r in new])

    def transaction(self) -> Any:
        """Context manager: a connection inside one write transaction (all or nothing)."""
        return write_transaction(self.engine)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- import
    def batches(self) -> list[Batch]:
        """Every import batch, oldest first."""
        from sqlalchemy import select

        with self.engine.connect() as conn:
            return [_batch(r) for r in conn.execute(select(s.batches).order_by(s.batches.c.id))]

    def import_records(
        self, result: ParseResult, *, database: str, file_name: str, sha256: str
    ) -> ImportOutcome:
        """Store the records of one export as a batch, in one transaction.

        A file whose SHA-256 is already stored is not imported again: the earlier batch is
        returned as ``duplicate_of`` and nothing changes.
        """
        from sqlalchemy import insert, select

        if not database.strip():
            raise InputError("the database name of an import must not be empty", file=file_name)
        with self.transaction() as conn:
            seen = conn.execute(select(s.batches).where(s.batches.c.file_sha256 == sha256)).first()
            if seen is not None:
                return ImportOutcome(_batch(seen), duplicate_of=_batch(seen))
            batch_id = conn.execute(
                insert(s.batches)
                .values(
                    database_name=database.strip(),
                    imported_at=_now(),
                    file_name=file_name,
                    file_sha256=sha256,
                    format=result.format,
                    record_count=len(result.records),
                    problem_count=len(result.problems),
                )
                .returning(s.batches.c.id)
            ).scalar_one()
            rows = [citation_row(batch_id, c) for c in result.records]
            for start in range(0, len(rows), _CHUNK):
                conn.execute(insert(s.records), rows[start : start + _CHUNK])
            batch = _batch(conn.execute(select(s.batches).where(s.batches.c.id == batch_id)).one())
        return ImportOutcome(batch)

    # ---------------------------------------------------------------- records
    def _merged_ids(self, conn: Any) -> set[int]:
        from sqlalchemy import select

        q = select(s.merges.c.record_id).where(s.merges.c.undone_at.is_(None))
        return set(conn.execute(q).scalars())

    def citations(self, ids: list[int] | None = None, *, include_merged: bool = False) -> dict[int, Citation]:
        """Records by id (all records not merged into another, unless ``include_merged``)."""
        from sqlalchemy import select

        with self.engine.connect() as conn:
            query = select(s.records).order_by(s.records.c.id)
            if ids is not None:
                query = query.where(s.records.c.id.in_(ids))
            merged = set() if include_merged else self._merged_ids(conn)
            return {r.id: citation_from_row(r) for r in conn.execute(query) if r.id not in merged}

    def active_ids(self, conn: Any | None = None) -> list[int]:
        """Ids of the records left after deduplication (the records to screen)."""
        from sqlalchemy import select

        if conn is None:
            with self.engine.connect() as own:
                return self.active_ids(own)
        merged = self._merged_ids(conn)
        return [
            i
            for i in conn.execute(select(s.records.c.id).order_by(s.records.c.id)).scalars()
            if i not in merged
        ]

    # ---------------------------------------------------------------- dedupe
    def dedupe(self, thresholds: Thresholds | None = None, *, by: str = "evisynth") -> DedupeSummary:
        """Find duplicates among the active records; merge sure ones and queue uncertain pairs."""
        from sqlalchemy import insert, select

        with self.transaction() as conn:
            merged = self._merged_ids(conn)
            keys = [
                match_key(r.id, citation_from_row(r))
                for r in conn.execute(select(s.records).order_by(s.records.c.id))
                if r.id not in merged
            ]
            pairs = {(r.record_a, r.record_b): r.status for r in conn.execute(select(s.dedupe_candidates))}
            rejected = [p for p, status in pairs.items() if status == "rejected"]
            result = find_duplicates(keys, rejected=rejected, thresholds=thresholds)
            now = _now()
            if result.merges:
                conn.execute(
                    insert(s.merges),
                    [
                        {
                            "record_id": m.record_id,
                            "keeper_id": m.keeper_id,
                            "match_key": m.key,
                            "score": m.score,
                            "method": "auto",
                            "decided_by": by,
                            "created_at": now,
                            "undone_at": None,
                        }
                        for m in result.merges
                    ],
                )
            new = [c for c in result.uncertain if (c.record_a, c.record_b) not in pairs]
            if new:
                conn.execute(
                    insert(s.dedupe_candidates),
                    [
                        {
                            "record_a": c.record_a,
                            "record_b": c.record_b,
                            "score": c.score,
                            "reason": c.reason,
                            "status": "pending",
                            "decided_by": None,
                            "decided_at": None,
                        }
                        for c in new
                    ],
                )
        return DedupeSummary(len(keys), len(result.merges), len(new))

    def candidates(self, status: str = "pending") -> list[tuple[int, Candidate]]:
        """Queued pairs with the given status, as ``(candidate id, Candidate)``."""
        from sqlalchemy import select

        c = s.dedupe_candidates.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.dedupe_candidates).where(c.status == status).order_by(c.id))
            return [(r.id, Candidate(r.record_a, r.record_b, r.score, r.reason)) for r in rows]

    def _keeper_of(self, conn: Any, record_id: int) -> int:
        from sqlalchemy import select

        m = s.merges.c
        row = conn.execute(select(m.keeper_id).where(m.record_id == record_id, m.undone_at.is_(None))).first()
        return int(row[0]) if row else record_id

    def decide_candidate(self, candidate_id: int, *, duplicate: bool, by: str) -> int | None:
        """Confirm (merge) or reject a queued pair; returns the new merge id when confirmed."""
        from sqlalchemy import insert, select, update

        c = s.dedupe_candidates.c
        with self.transaction() as conn:
            row = conn.execute(select(s.dedupe_candidates).where(c.id == candidate_id)).first()
            if row is None:
                raise InputError(f"no duplicate candidate with id {candidate_id}")
            if row.status != "pending":
                raise InputError(f"candidate {candidate_id} was already {row.status}")
            conn.execute(
                update(s.dedupe_candidates)
                .where(c.id == candidate_id)
                .values(status="confirmed" if duplicate else "rejected", decided_by=by, decided_at=_now())
            )
            if not duplicate:
                return None
            a, b = self._keeper_of(conn, row.record_a), self._keeper_of(conn, row.record_b)
            if a == b:
                return None
            keys = {
                r.id: match_key(r.id, citation_from_row(r))
                for r in conn.execute(select(s.records).where(s.records.c.id.in_([a, b])))
            }
            keeper = max((a, b), key=lambda i: (keys[i].completeness, -i))
            loser = b if keeper == a else a
            # Records already merged into the loser follow it to the new keeper.
            conn.execute(
                update(s.merges)
                .where(s.merges.c.keeper_id == loser, s.merges.c.undone_at.is_(None))
                .values(keeper_id=keeper)
            )
            return int(
                conn.execute(
                    insert(s.merges)
                    .values(
                        record_id=loser,
                        keeper_id=keeper,
                        linked_to=row.record_b if loser == a else row.record_a,
                        match_key="manual",
                        score=row.score,
                        method="manual",
                        decided_by=by,
                        created_at=_now(),
                        undone_at=None,
                    )
                    .returning(s.merges.c.id)
                ).scalar_one()
            )

    def merges(self, *, include_undone: bool = False) -> list[Any]:
        """Merge rows (id, record_id, keeper_id, match_key, score, method, decided_by, undone_at, ...)."""
        from sqlalchemy import select

        query = select(s.merges).order_by(s.merges.c.id)
        if not include_undone:
            query = query.where(s.merges.c.undone_at.is_(None))
        with self.engine.connect() as conn:
            return list(conn.execute(query))

    def undo_merge(self, merge_id: int, *, by: str) -> None:
        """Undo one merge: the record becomes active again and the pair is remembered as distinct."""
        from sqlalchemy import insert, select, update

        m = s.merges.c
        with self.transaction() as conn:
            row = conn.execute(select(s.merges).where(m.id == merge_id)).first()
            if row is None:
                raise InputError(f"no merge with id {merge_id}")
            if row.undone_at is not None:
                raise InputError(f"merge {merge_id} was already undone")
            conn.execute(update(s.merges).where(m.id == merge_id).values(undone_at=_now()))
            a, b = sorted((row.record_id, row.keeper_id))
            c = s.dedupe_candidates.c
            existing = conn.execute(select(c.id).where(c.record_a == a, c.record_b == b)).first()
            values = {"status": "rejected", "decided_by": by, "decided_at": _now()}
            if existing:
                conn.execute(update(s.dedupe_candidates).where(c.id == existing[0]).values(**values))
            else:
                conn.execute(
                    insert(s.dedupe_candidates).values(
                        record_a=a, record_b=b, score=row.score, reason=f"merge {merge_id} undone", **values
                    )
                )


__all__ = ["Batch", "DedupeSummary", "ImportOutcome", "Project", "citation_from_row", "citation_row"]

"""Gathering the PRISMA 2020 counts of a project from its store."""

from __future__ import annotations

from collections import Counter

from evisynth.records.prisma import PrismaCounts
from evisynth.records.screening import NOT_RETRIEVED, passes_title_stage
from evisynth.store import schema as s
from evisynth.store.project import Project
from evisynth.store.screening_store import _not_retrieved, finals, included_reports


def prisma_counts(project: Project) -> PrismaCounts:
    """Count every PRISMA box from the store (each box tallied on its own; see :meth:`PrismaCounts.check`)."""
    from sqlalchemy import func, select

    with project.engine.connect() as conn:
        per_db: Counter[str] = Counter()
        q = (
            select(s.batches.c.database_name, func.count(s.records.c.id))
            .join(s.records, s.records.c.batch_id == s.batches.c.id)
            .group_by(s.batches.c.database_name)
        )
        for name, n in conn.execute(q):
            per_db[name] += int(n)
        total = int(conn.execute(select(func.count()).select_from(s.records)).scalar_one())
        duplicates = int(
            conn.execute(
                select(func.count()).select_from(s.merges).where(s.merges.c.undone_at.is_(None))
            ).scalar_one()
        )
        title = finals(project, "title", conn)
        screened = sum(f is not None for f in title.values())
        excluded = sum(f is not None and f[0] == "exclude" for f in title.values())
        sought_ids = {i for i, f in title.items() if passes_title_stage(f)}
        full = finals(project, "fulltext", conn)
        # marked not retrieved for the team (``screen not-retrieved``), or the reviewers' final decision
        not_retrieved = len(_not_retrieved(conn) & sought_ids) + sum(
            f is not None and f[0] == NOT_RETRIEVED for f in full.values())
        assessed = sum(f is not None and f[0] in ("include", "exclude") for f in full.values())
        reasons: Counter[str] = Counter()
        for f in full.values():
            if f is not None and f[0] == "exclude":
                reasons[f[1] or "no reason given"] += 1
        included = set(included_reports(project, conn))
        links = conn.execute(select(s.study_reports.c.record_id, s.study_reports.c.study_id))
        study_of = {record: study for record, study in links if record in included}
    return PrismaCounts(
        database_specific_results=dict(sorted(per_db.items())),
        database_results=total,
        register_results=0,
        duplicates=duplicates,
        excluded_automatic=0,
        excluded_other=0,
        records_screened=screened,
        records_excluded=excluded,
        dbr_sought_reports=len(sought_ids),
        dbr_notretrieved_reports=not_retrieved,
        dbr_assessed=assessed,
        dbr_excluded=dict(reasons.most_common()),
        new_studies=len(set(study_of.values())),
        new_reports=len(included),
        reports_without_study=len(included - set(study_of)),
    )

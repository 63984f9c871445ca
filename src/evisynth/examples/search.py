"""Writing the SYNTHETIC example search of the bundled rTMS review (four databases + screening sheets).

The articles come from :mod:`evisynth.examples.synthetic_records`; every file is labelled SYNTHETIC.
:func:`evisynth.examples.project.build_example_project` imports, deduplicates and screens the result.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from evisynth.examples.synthetic_records import (
    EXAMPLE_DATABASES,
    EXAMPLE_REASONS,
    EXAMPLE_STUDIES,
    SYNTHETIC_NOTE,
    make_articles,
    vary,
)
from evisynth.files import write_output
from evisynth.io.writers import write_csv, write_medline, write_ris, write_wos
from evisynth.records.model import Citation


def _sheet(rows: list[dict[str, str]], columns: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_example_search(
    folder: str | Path,
    seed: int = 2024,
    *,
    studies: tuple[tuple[str, int], ...] = EXAMPLE_STUDIES,
    title_excluded: int = 240,
    force: bool = False,
) -> dict[str, Path]:
    """Write a SYNTHETIC search of four databases for the rTMS example, with screening decisions.

    The truth behind it: ``len(studies)`` included studies (up to three of them with two reports), 21
    reports excluded at full text (reasons from :data:`EXAMPLE_REASONS`), 2 reports not retrieved and
    ``title_excluded`` records excluded at title/abstract. Each article is exported by a random
    subset of the databases in :data:`EXAMPLE_DATABASES`, with the usual export variations.

    Files written to ``folder``: ``embase.ris``, ``pubmed.nbib``, ``wos.txt``, ``central.csv`` (the
    search), and under ``screening/``: ``title_A.csv``, ``title_B.csv``, ``fulltext_A.csv``,
    ``fulltext_B.csv`` (two independent reviewers' sheets, with some disagreements),
    ``resolutions.csv`` (final decisions on the conflicts), ``not_retrieved.csv``, ``studies.csv``
    (study label, report, number of comparisons) and ``exclusion_reasons.txt``.

    Returns
    -------
    dict of str to Path
        Database name (or sheet name) -> file written.
    """
    rng = random.Random(seed)
    folder = Path(folder)
    (folder / "screening").mkdir(parents=True, exist_ok=True)
    if not studies:
        raise ValueError("studies must name at least one study")
    second = min(3, len(studies))  # studies with a second report
    n_reports = len(studies) + second
    n_ft_excluded, n_missing = 21, 2
    articles = make_articles(n_reports + n_ft_excluded + n_missing + title_excluded, rng)
    role = (
        ["included"] * n_reports
        + ["ft_excluded"] * n_ft_excluded
        + ["missing"] * n_missing
        + ["ta_excluded"] * title_excluded
    )
    order = list(range(len(articles)))
    rng.shuffle(order)
    articles = [articles[i] for i in order]
    role = [role[i] for i in order]
    per_db: dict[str, list[Citation]] = {name: [] for name, _, _ in EXAMPLE_DATABASES}
    for article in articles:
        chosen = [name for name, _, share in EXAMPLE_DATABASES if rng.random() < share] or ["Embase"]
        for name in chosen:
            per_db[name].append(vary(article, rng, keep_ids=name != "CENTRAL"))
    written: dict[str, Path] = {}
    for name, filename, _ in EXAMPLE_DATABASES:
        recs = per_db[name]
        if name == "Embase":
            text = f"{write_ris(recs, 'Embase')}"
        elif name == "PubMed":
            text = write_medline([r for r in recs if r.pmid])
        elif name == "Web of Science":
            text = write_wos(recs)
        else:
            text = write_csv(recs)
        path = folder / filename
        write_output(path, text, by="demo", force=force)
        written[name] = path
    write_output(folder / "SYNTHETIC_README.txt",
                 f"{SYNTHETIC_NOTE}.\nA made-up search of four databases for the rTMS example review (seed {seed}).\n",
                 by="demo", force=force)

    def key(a: Citation) -> dict[str, str]:
        return {"record_id": "", "title": a.title, "doi": a.doi, "pmid": a.pmid}

    reports = [a for a, r in zip(articles, role, strict=True) if r == "included"]
    ft_excluded = [a for a, r in zip(articles, role, strict=True) if r == "ft_excluded"]
    reasons = {a.title: EXAMPLE_REASONS[i % len(EXAMPLE_REASONS)] for i, a in enumerate(ft_excluded)}
    title_rows = {"A": [], "B": []}  # type: dict[str, list[dict[str, str]]]
    ft_rows = {"A": [], "B": []}  # type: dict[str, list[dict[str, str]]]
    resolutions: list[dict[str, str]] = []
    for a, r in zip(articles, role, strict=True):
        truth = "exclude" if r == "ta_excluded" else "include"
        other = truth
        if rng.random() < 0.05:
            other = "maybe" if truth == "include" else rng.choice(("include", "maybe"))
        title_rows["A"].append({**key(a), "decision": truth, "reason": ""})
        title_rows["B"].append({**key(a), "decision": other, "reason": ""})
        if other != truth:
            resolutions.append({**key(a), "stage": "title", "decision": truth, "reason": ""})
        if r in ("included", "ft_excluded"):
            ft_truth, why = ("include", "") if r == "included" else ("exclude", reasons[a.title])
            ft_rows["A"].append({**key(a), "decision": ft_truth, "reason": why})
            if rng.random() < 0.1:
                ft_rows["B"].append({**key(a), "decision": "maybe", "reason": ""})
                resolutions.append({**key(a), "stage": "fulltext", "decision": ft_truth, "reason": why})
            else:
                ft_rows["B"].append({**key(a), "decision": ft_truth, "reason": why})
    sheet_cols = ("record_id", "title", "doi", "pmid", "decision", "reason")
    screening = folder / "screening"
    for reviewer in ("A", "B"):
        for stage, rows in (("title", title_rows[reviewer]), ("fulltext", ft_rows[reviewer])):
            path = screening / f"{stage}_{reviewer}.csv"
            write_output(path, _sheet(rows, sheet_cols), by="demo", force=force)
            written[f"{stage}_{reviewer}"] = path
    paths = {
        "resolutions": (_sheet(resolutions, ("stage", *sheet_cols))),
        "not_retrieved": _sheet(
            [key(a) for a, r in zip(articles, role, strict=True) if r == "missing"],
            ("record_id", "title", "doi", "pmid"),
        ),
    }
    study_rows = []
    for index, (label, comparisons) in enumerate(studies):
        study_rows.append({**key(reports[index]), "study": label, "comparisons": str(comparisons)})
        if index < second:  # the first studies (up to three) have a second report
            study_rows.append({**key(reports[len(studies) + index]), "study": label, "comparisons": ""})
    paths["studies"] = _sheet(study_rows, ("study", "comparisons", "record_id", "title", "doi", "pmid"))
    for name, text in paths.items():
        path = screening / f"{name}.csv"
        write_output(path, text, by="demo", force=force)
        written[name] = path
    path = screening / "exclusion_reasons.txt"
    write_output(path, "\n".join(EXAMPLE_REASONS) + "\n", by="demo", force=force)
    written["exclusion_reasons"] = path
    return written

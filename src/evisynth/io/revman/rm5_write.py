"""Writing RevMan 5 ``.rm5`` files: included studies, comparisons, outcomes with subgroups and data
rows (every stored attribute kept), and RoB 1 quality items; :func:`parse_rm5` reads the result
back identically. Text is escaped by the XML writer; the file is UTF-8 (RevMan reads both)."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from evisynth.files import write_output
from evisynth.io.revman.model import Outcome, Review


def _attrs(attrs: dict[str, str]) -> str:
    return "".join(f" {k}={quoteattr(str(v))}" for k, v in sorted(attrs.items()))


def _outcome(outcome: Outcome, out: list[str]) -> None:
    kind = outcome.kind
    out.append(f"<{kind}_OUTCOME{_attrs({**outcome.attrs, 'NO': str(outcome.no)})}>")
    out.append(f"<NAME>{escape(outcome.name)}</NAME>")
    for tag in ("GROUP_LABEL_1", "GROUP_LABEL_2", "GRAPH_LABEL_1", "GRAPH_LABEL_2"):
        out.append(f"<{tag}>{escape(getattr(outcome, tag.lower()))}</{tag}>")
    for row in outcome.rows:
        out.append(f"<{kind}_DATA{_attrs({**row.attrs, 'STUDY_ID': row.study_id})}/>")
    for g in outcome.subgroups:
        out.append(f"<{kind}_SUBGROUP{_attrs({**g.attrs, 'NO': str(g.no)})}>")
        out.append(f"<NAME>{escape(g.name)}</NAME>")
        for row in g.rows:
            out.append(f"<{kind}_DATA{_attrs({**row.attrs, 'STUDY_ID': row.study_id})}/>")
        out.append(f"</{kind}_SUBGROUP>")
    out.append(f"</{kind}_OUTCOME>")


def to_rm5(review: Review) -> str:
    """The ``.rm5`` XML text of ``review``."""
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
           '<COCHRANE_REVIEW REVMAN_SUB_VERSION="5.4" REVMAN_VERSION="5" STAGE="R" TYPE="INTERVENTION">',
           f"<COVER_SHEET><TITLE>{escape(review.title)}</TITLE></COVER_SHEET>",
           "<STUDIES_AND_REFERENCES><STUDIES><INCLUDED_STUDIES>"]
    for s in review.studies.values():
        out.append(f"<STUDY{_attrs({'ID': s.id, 'NAME': s.name, 'YEAR': s.year, 'DATA_SOURCE': 'PUB'})}/>")
    out.append("</INCLUDED_STUDIES></STUDIES></STUDIES_AND_REFERENCES>")
    if review.quality_items:
        out.append("<QUALITY_ITEMS>")
        for q in review.quality_items:
            out.append(f"<QUALITY_ITEM{_attrs({'ID': q.id, 'NO': str(q.no), 'LEVEL': q.level, 'CORE_ITEM': 'YES'})}>")
            out.append(f"<NAME>{escape(q.name)}</NAME><QUALITY_ITEM_DATA>")
            for e in q.entries:
                out.append(f"<QUALITY_ITEM_DATA_ENTRY{_attrs({'RESULT': e.result, 'STUDY_ID': e.study_id})}>"
                           f"<DESCRIPTION><P>{escape(e.description)}</P></DESCRIPTION></QUALITY_ITEM_DATA_ENTRY>")
            out.append("</QUALITY_ITEM_DATA></QUALITY_ITEM>")
        out.append("</QUALITY_ITEMS>")
    out.append('<ANALYSES_AND_DATA CALCULATED_DATA="NO">')
    for c in review.comparisons:
        out.append(f"<COMPARISON{_attrs({'ID': c.id or f'CMP-{c.no:03d}', 'NO': str(c.no)})}>")
        out.append(f"<NAME>{escape(c.name)}</NAME>")
        for o in c.outcomes:
            _outcome(o, out)
        out.append("</COMPARISON>")
    out += ["</ANALYSES_AND_DATA>", "</COCHRANE_REVIEW>", ""]
    return "\n".join(out)


def write_rm5(review: Review, path: str | Path, *, force: bool = False, inputs: tuple[str, ...] = ()) -> Path:
    """Write ``review`` as ``.rm5`` atomically (an existing file evisynth did not write needs ``force``; an input
    is never replaced)."""
    return write_output(path, to_rm5(review), force=force, inputs=inputs, by="export-review", option="--out")

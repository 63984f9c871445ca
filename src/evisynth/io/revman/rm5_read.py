"""Reading RevMan 5 ``.rm5`` files (XML) safely.

Parsed with the expat stream parser as :mod:`evisynth.io.pubmed_xml` does: any entity declaration
stops the parse ("billion laughs", external entities), external entities and DTDs are never
fetched, the declared encoding (RevMan writes ISO-8859-1) is honoured. Only what evisynth uses is
kept: included studies, ``ANALYSES_AND_DATA`` (comparisons, ``DICH_``/``CONT_``/``IV_OUTCOME``
with their subgroups and data rows, every stored attribute kept as text) and ``QUALITY_ITEMS``.

A file that is not a RevMan review, is truncated or malformed, has a study without an id, or an
outcome row naming an unknown study raises :class:`~evisynth.errors.InputError` naming the file
and the line.
"""

from __future__ import annotations

import xml.parsers.expat
from dataclasses import dataclass, field
from pathlib import Path

from evisynth.errors import InputError
from evisynth.io.revman.model import (
    KINDS,
    Comparison,
    DataRow,
    Outcome,
    QualityEntry,
    QualityItem,
    Review,
    Study,
    Subgroup,
)

MAX_BYTES = 200 * 1024 * 1024


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[_Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    def child(self, tag: str) -> _Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def text(self) -> str:
        return "".join(self.parts).strip()


class _Refused(Exception):
    pass


_KEEP = {"COCHRANE_REVIEW", "COVER_SHEET", "TITLE", "STUDIES_AND_REFERENCES", "STUDIES", "INCLUDED_STUDIES", "STUDY",
         "ANALYSES_AND_DATA", "COMPARISON", "NAME", "GROUP_LABEL_1", "GROUP_LABEL_2", "GRAPH_LABEL_1", "GRAPH_LABEL_2",
         "QUALITY_ITEMS", "QUALITY_ITEM", "QUALITY_ITEM_DATA", "QUALITY_ITEM_DATA_ENTRY", "DESCRIPTION", "P",
         *(f"{k}_{s}" for k in KINDS for s in ("OUTCOME", "SUBGROUP", "DATA"))}


def parse_rm5(data: bytes, source: str = "<rm5>") -> Review:
    """Parse the bytes of an ``.rm5`` file into a :class:`Review`."""
    if len(data) > MAX_BYTES:
        raise InputError(f"file larger than {MAX_BYTES // 2**20} MB; not read", file=source)
    root: list[_Node] = []
    stack: list[_Node | None] = []
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_args: object) -> None:
        raise _Refused

    def start(tag: str, attrs: dict[str, str]) -> None:
        parent = stack[-1] if stack else None
        keep = tag in _KEEP and (parent is not None or not stack)
        if tag == "P" and (parent is None or parent.tag not in ("DESCRIPTION",)):
            keep = False
        node = _Node(tag, dict(attrs), parser.CurrentLineNumber) if keep else None
        if node is not None:
            (parent.children if parent is not None else root).append(node)
        stack.append(node)

    def end(_tag: str) -> None:
        node = stack.pop()
        if node is not None and stack and stack[-1] is not None:
            stack[-1].parts.extend(node.parts)

    def chars(text: str) -> None:
        if stack and stack[-1] is not None:
            stack[-1].parts.append(text)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    try:
        parser.Parse(data, True)
    except _Refused:
        raise InputError(f"line {parser.CurrentLineNumber}: the XML declares entities, which are refused for safety; "
                         "a RevMan file never does", file=source) from None
    except xml.parsers.expat.ExpatError as exc:
        message = xml.parsers.expat.ErrorString(exc.code) if exc.code else str(exc)
        raise InputError(f"line {exc.lineno}: not well-formed XML ({message}); is the file complete?",
                         file=source) from None
    except RecursionError:  # pragma: no cover
        raise InputError("XML nested too deeply", file=source) from None
    if not root or root[0].tag != "COCHRANE_REVIEW":
        raise InputError("not a RevMan 5 review (no COCHRANE_REVIEW element)", file=source)
    return _review(root[0], source)


def _int(node: _Node, key: str, source: str) -> int:
    value = node.attrs.get(key, "")
    try:
        return int(value)
    except ValueError:
        raise InputError(f"line {node.line}: {node.tag} needs a whole-number {key}; got {value!r}", file=source) from None


def _name(node: _Node) -> str:
    n = node.child("NAME")
    return n.text() if n is not None else ""


def _review(top: _Node, source: str) -> Review:
    cover = top.child("COVER_SHEET")
    title_node = cover.child("TITLE") if cover is not None else None
    studies: dict[str, Study] = {}
    refs = top.child("STUDIES_AND_REFERENCES")
    inc = refs.child("STUDIES") if refs is not None else None
    inc = inc.child("INCLUDED_STUDIES") if inc is not None else None
    for st in inc.children if inc is not None else []:
        if st.tag != "STUDY":
            continue
        sid = st.attrs.get("ID", "").strip()
        if not sid:
            raise InputError(f"line {st.line}: an included STUDY has no ID", file=source)
        if sid in studies:
            raise InputError(f"line {st.line}: study id {sid!r} appears twice", file=source)
        studies[sid] = Study(sid, st.attrs.get("NAME", "").strip() or _unescape_id(sid), st.attrs.get("YEAR", ""))
    comparisons = []
    analyses = top.child("ANALYSES_AND_DATA")
    for cmp in analyses.children if analyses is not None else []:
        if cmp.tag != "COMPARISON":
            continue
        comparison = Comparison(_int(cmp, "NO", source), _name(cmp), cmp.attrs.get("ID", ""))
        for out in cmp.children:
            kind = out.tag.removesuffix("_OUTCOME")
            if not out.tag.endswith("_OUTCOME") or kind not in KINDS:
                continue
            labels = {t: (out.child(t).text() if out.child(t) is not None else "")  # type: ignore[union-attr]
                      for t in ("GROUP_LABEL_1", "GROUP_LABEL_2", "GRAPH_LABEL_1", "GRAPH_LABEL_2")}
            outcome = Outcome(kind, _int(out, "NO", source), _name(out), dict(out.attrs),
                              labels["GROUP_LABEL_1"], labels["GROUP_LABEL_2"], labels["GRAPH_LABEL_1"],
                              labels["GRAPH_LABEL_2"])
            for child in out.children:
                if child.tag == f"{kind}_DATA":
                    outcome.rows.append(_row(child, studies, source))
                elif child.tag == f"{kind}_SUBGROUP":
                    sg = Subgroup(_int(child, "NO", source), _name(child), dict(child.attrs))
                    sg.rows = [_row(r, studies, source) for r in child.children if r.tag == f"{kind}_DATA"]
                    outcome.subgroups.append(sg)
            comparison.outcomes.append(outcome)
        comparisons.append(comparison)
    items = []
    quality = top.child("QUALITY_ITEMS")
    for qi in quality.children if quality is not None else []:
        if qi.tag != "QUALITY_ITEM":
            continue
        item = QualityItem(qi.attrs.get("ID", ""), _int(qi, "NO", source), _name(qi), qi.attrs.get("LEVEL", "STUDY"))
        data = qi.child("QUALITY_ITEM_DATA")
        for entry in data.children if data is not None else []:
            if entry.tag != "QUALITY_ITEM_DATA_ENTRY":
                continue
            sid = entry.attrs.get("STUDY_ID", "")
            if sid not in studies:
                continue  # RoB entries of excluded or deleted studies are not analysed
            desc = entry.child("DESCRIPTION")
            item.entries.append(QualityEntry(sid, entry.attrs.get("RESULT", "UNKNOWN"),
                                             desc.text() if desc is not None else ""))
        items.append(item)
    title = title_node.text() if title_node is not None else ""
    return Review(title, studies, comparisons, items, source)


def _row(node: _Node, studies: dict[str, Study], source: str) -> DataRow:
    sid = node.attrs.get("STUDY_ID", "")
    if not sid:
        raise InputError(f"line {node.line}: a {node.tag} row has no STUDY_ID", file=source)
    if sid not in studies:
        raise InputError(f"line {node.line}: {node.tag} refers to study {sid!r}, which is not an included study",
                         file=source)
    return DataRow(sid, dict(node.attrs))


def _unescape_id(study_id: str) -> str:
    """``STD-ISIS_x002d_2`` → ``ISIS-2`` (RevMan escapes characters as ``_xHHHH_``)."""
    import re

    text = study_id.removeprefix("STD-")
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def read_rm5(path: str | Path) -> Review:
    """Read an ``.rm5`` file (errors: :class:`~evisynth.errors.InputError` naming the file)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=str(p)) from None
    return parse_rm5(data, str(p))

"""Risk-of-bias assessments in TOML and CSV files (see ``docs/rob.md`` for both formats).

* TOML: one ``[[assessment]]`` table per study (and outcome), with the signalling ``answers``,
  reviewer ``judgements`` (each with its justification) and who assessed it when; ``[defaults]``
  fills keys every assessment shares.
* CSV: one row per assessment; answer columns named by question (``1.1`` ... ``5.3``), judgement
  columns ``D1`` ... and ``overall``, ``D1_justification`` ... The simple RoB CSV of
  ``evisynth init`` (``study, outcome, D1..D5, overall``) is this format without answer columns.

Errors name the file, the assessment (TOML: its number and line) or row (CSV: data row and file
line), the key or column, and what is accepted.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from evisynth.errors import InputError
from evisynth.files import csv_cell, csv_uncell, write_output
from evisynth.rob._vocab import TOOLS
from evisynth.rob.model import Assessment, assess_judgements, assess_rob2

_META = ("study", "outcome", "tool", "variant", "aim", "result", "assessor", "assessed_at")
_QUESTION = re.compile(r"^(?:[1-5][ab]?\.[1-7][ab]?|s\.[1-3])$", re.IGNORECASE)
_DOMAIN = re.compile(r"^(?:d[1-9][ab]?|ds)$", re.IGNORECASE)


def _domain_key(text: str) -> str:
    t = text.strip()
    return "DS" if t.upper() == "DS" else "D" + t[1:].lower()


def _question_id(text: str) -> str:
    t = text.strip()
    return "S" + t[1:] if t[:1] in "sS" else t.lower()


def build(record: Mapping[str, Any], *, where: str = "", tool: str = "rob2") -> Assessment:
    """An :class:`Assessment` from a plain mapping (the shape of one TOML ``[[assessment]]``).

    Keys: ``study``, ``outcome``, ``tool``, ``variant``, ``aim``, ``result``, ``assessor``,
    ``assessed_at``, ``answers`` (question → answer), ``comments`` (question → text),
    ``judgements`` (domain or ``overall`` → judgement, or a table with ``judgement``,
    ``justification``/``support`` and ``direction``), ``domain_names`` (RoB 1 items).
    """
    known = {*_META, "answers", "comments", "judgements", "domain_names"}
    unknown = sorted(set(record) - known)
    if unknown:
        raise InputError(f"{where}unknown key {unknown[0]!r}; accepted: {', '.join(sorted(known))}")
    t = str(record.get("tool") or tool).strip().lower()
    if t not in TOOLS:
        raise InputError(f"{where}tool: unknown risk-of-bias tool {t!r}; accepted: {', '.join(TOOLS)}")
    study = str(record.get("study") or "").strip()
    if not study:
        raise InputError(f"{where}study: every assessment needs a study name")
    outcome = str(record.get("outcome") or "").strip() or None
    judgements: dict[str, Any] = {}
    justifications: dict[str, str] = {}
    directions: dict[str, str] = {}
    overall: Any = None
    overall_why = ""
    raw_j = record.get("judgements") or {}
    if not isinstance(raw_j, Mapping):
        raise InputError(f"{where}judgements: must be a table of domain = judgement")
    for key, value in raw_j.items():
        if isinstance(value, Mapping):
            extra = sorted(set(value) - {"judgement", "justification", "support", "direction"})
            if extra:
                raise InputError(f"{where}judgements.{key}: unknown key {extra[0]!r}; accepted: judgement, "
                                 "justification (or support), direction")
            j, why = value.get("judgement"), str(value.get("justification") or value.get("support") or "")
            direction = str(value.get("direction") or "")
        else:
            j, why, direction = value, "", ""
        if str(key).lower() == "overall":
            overall, overall_why = j, why
            continue
        if not _DOMAIN.match(str(key)) and not (t == "rob1" and record.get("domain_names")):
            raise InputError(f"{where}judgements: unknown domain {key!r}; use D1, D2, ... (D1a, D1b, DS) or overall")
        k = _domain_key(str(key)) if _DOMAIN.match(str(key)) else str(key)
        judgements[k], justifications[k], directions[k] = j, why, direction
    answers = record.get("answers") or {}
    comments = record.get("comments") or {}
    for name, table in (("answers", answers), ("comments", comments)):
        if not isinstance(table, Mapping):
            raise InputError(f"{where}{name}: must be a table of question = value")
    assessor = str(record.get("assessor") or "")
    assessed_at = _when(record.get("assessed_at"), where)
    if t == "rob2" and answers:
        return assess_rob2(study, outcome, {_question_id(str(k)): v for k, v in answers.items()},
                           variant=str(record.get("variant") or "parallel"), aim=str(record.get("aim") or "assignment"),
                           judgements=judgements, justifications=justifications, directions=directions,
                           comments={_question_id(str(k)) if _QUESTION.match(str(k)) else str(k): str(v)
                                     for k, v in comments.items()},
                           overall=overall, overall_justification=overall_why, result=str(record.get("result") or ""),
                           source=where.rstrip(": "), assessor=assessor, assessed_at=assessed_at)
    if answers:
        raise InputError(f"{where}answers: signalling answers are only read for RoB 2 (tool = \"rob2\"); {t} "
                         "assessments record judgements only")
    if not judgements and overall in (None, ""):
        raise InputError(f"{where}judgements: no judgement (give the domains' judgements and/or overall)")
    names = {str(k): str(v) for k, v in (record.get("domain_names") or {}).items()}
    a = assess_judgements(t, study, outcome, judgements, support=justifications, domain_names=names,
                          overall=overall, overall_justification=overall_why,
                          variant=str(record.get("variant") or ("parallel" if t == "rob2" else "")),
                          aim=str(record.get("aim") or ("assignment" if t == "rob2" else "")),
                          source=where.rstrip(": "), assessor=assessor, assessed_at=assessed_at)
    if t == "rob2" and a.overall is None and overall in (None, ""):
        a = _derived_overall(a)
    return a


def _derived_overall(a: Assessment) -> Assessment:
    """Simple-CSV rule for a row without ``overall`` whose domains are partly empty: high if any
    domain is high, otherwise some concerns (low needs every domain judged low)."""
    from dataclasses import replace

    judged = [d.judgement for d in a.domains if d.judgement]
    if not judged:
        return a
    level = "high" if "high" in judged else "some concerns"
    return replace(a, overall=level, overall_proposed=level)


def _when(value: Any, where: str) -> datetime | str | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"{where}assessed_at: not an ISO date-time such as 2025-03-01T14:30:00Z; got {value!r}") from None


# ------------------------------------------------------------------------------------------ TOML
def read_toml(path: str | Path) -> list[Assessment]:
    """Read a TOML file of ``[[assessment]]`` tables."""
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=str(path)) from None
    extra = sorted(set(data) - {"assessment", "defaults"})
    if extra:
        raise InputError(f"unknown top-level key {extra[0]!r}; accepted: [defaults] and [[assessment]]", file=str(path))
    defaults = data.get("defaults", {})
    items = data.get("assessment", [])
    if not isinstance(items, list) or not items:
        raise InputError("no [[assessment]] tables", file=str(path))
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if line.strip().startswith("[[assessment]]")]
    out = []
    for n, item in enumerate(items, start=1):
        line = f" (line {lines[n - 1]})" if n <= len(lines) else ""
        where = f"{path}: assessment {n}{line}: "
        if not isinstance(item, dict):
            raise InputError(f"{where}each assessment must be a table")
        try:
            out.append(build({**defaults, **item}, where=where))
        except InputError as exc:
            if exc.detail.startswith(where):
                raise
            raise InputError(where + exc.detail) from None
    _no_duplicates(out, str(path))
    return out


def _toml_str(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return '"' + "".join(c if c >= " " or c in "\\" else f"\\u{ord(c):04x}" for c in escaped) + '"'


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_str(key)


def to_toml(assessments: Iterable[Assessment]) -> str:
    """The TOML text of ``assessments`` (reads back identically with :func:`read_toml`)."""
    parts = ["# Risk-of-bias assessments written by evisynth (format: docs/rob.md)\n"]
    for a in assessments:
        rows = [f"study = {_toml_str(a.study)}"]
        if a.outcome:
            rows.append(f"outcome = {_toml_str(a.outcome)}")
        rows.append(f"tool = {_toml_str(a.tool)}")
        for key in ("variant", "aim", "result", "assessor"):
            if getattr(a, key):
                rows.append(f"{key} = {_toml_str(getattr(a, key))}")
        if a.assessed_at:
            rows.append(f"assessed_at = {a.assessed_at.isoformat()}")
        answers = {k: v for d in a.domains for k, v in d.answers.items()}
        if answers:
            rows.append("answers = { " + ", ".join(f"{_toml_str(k)} = {_toml_str(v)}" for k, v in answers.items())
                        + " }")
        comments = {k: v for d in a.domains for k, v in d.comments.items() if v}
        if comments:
            rows.append("comments = { " + ", ".join(f"{_toml_str(k)} = {_toml_str(v)}" for k, v in comments.items())
                        + " }")
        defaults = _rob1_defaults()
        if a.tool == "rob1" and any(d.key != n.key or d.name != n.name for d, n in zip(a.domains, defaults, strict=False)):
            names = ", ".join(f"{_toml_key(d.key)} = {_toml_str(d.name)}" for d in a.domains)
            rows.append("domain_names = { " + names + " }")
        judged = []
        for d in a.domains:
            explicit = a.tool != "rob2" or not d.answers or d.judgement != d.proposed or d.justification or d.direction
            if explicit and d.judgement is not None:
                fields = [f"judgement = {_toml_str(d.judgement)}"]
                if d.justification:
                    fields.append(f"justification = {_toml_str(d.justification)}")
                if d.direction:
                    fields.append(f"direction = {_toml_str(d.direction)}")
                judged.append(f"{_toml_key(d.key)} = {{ {', '.join(fields)} }}")
        if a.overall is not None and (a.overall != a.overall_proposed or a.overall_justification):
            fields = [f"judgement = {_toml_str(a.overall)}"]
            if a.overall_justification:
                fields.append(f"justification = {_toml_str(a.overall_justification)}")
            judged.append(f"overall = {{ {', '.join(fields)} }}")
        parts.append("[[assessment]]\n" + "\n".join(rows) + "\n")
        if judged:
            parts.append("[assessment.judgements]\n" + "\n".join(judged) + "\n")
    return "\n".join(parts)


def _rob1_defaults() -> tuple[Any, ...]:
    from evisynth.rob.tools import ROB1_DOMAINS

    return ROB1_DOMAINS


def write_toml(assessments: Iterable[Assessment], path: str | Path, *, force: bool = False) -> Path:
    """Write assessments as TOML atomically (an existing file evisynth did not write needs ``force``)."""
    return write_output(path, to_toml(assessments), force=force, by="rob")


# ------------------------------------------------------------------------------------------- CSV
def read_csv(path: str | Path, *, tool: str = "rob2") -> list[Assessment]:
    """Read a CSV of assessments, one per row (``tool`` applies to rows without a ``tool`` column)."""
    path = Path(path)
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h for h in (reader.fieldnames or []) if h is not None]
        lower = {h.strip().lower(): h for h in header if h}
        if "study" not in lower:
            raise InputError(f"needs a 'study' column (found: {', '.join(header) or 'no header'})", file=str(path))
        roles: dict[str, tuple[str, str]] = {}
        for h in header:
            key = h.strip()
            low = key.lower()
            if low in _META:
                continue
            base, _, suffix = low.partition("_")
            if _QUESTION.match(low):
                roles[h] = ("answers", _question_id(key))
            elif _QUESTION.match(base) and suffix == "comment":
                roles[h] = ("comments", _question_id(key.partition("_")[0]))
            elif (_DOMAIN.match(base) or base == "overall") and suffix in ("", "justification", "support", "direction"):
                dom = "overall" if base == "overall" else _domain_key(base)
                roles[h] = ("judgements", f"{dom}|{suffix or 'judgement'}")
            else:
                raise InputError(f"unknown column {h!r}; accepted: {', '.join(_META)}, question ids (1.1 ... 5.3), "
                                 "D1 ... and overall, and their _justification/_direction/_comment columns",
                                 file=str(path), column=h)
        out = []
        for r, row in enumerate(reader, start=1):
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue
            record: dict[str, Any] = {m: csv_uncell((row.get(lower[m]) or "").strip()) for m in _META if m in lower}
            record.update({"answers": {}, "comments": {}, "judgements": {}})
            for h, (kind, key) in roles.items():
                value = csv_uncell((row.get(h) or "").strip())
                if not value:
                    continue
                if kind == "judgements":
                    dom, field = key.split("|")
                    slot = record["judgements"].setdefault(dom, {})
                    slot["justification" if field == "support" else field] = value
                else:
                    record[kind][key] = value
            record = {k: v for k, v in record.items() if v not in ("", {})}
            try:
                out.append(build(record, tool=tool))
            except InputError as exc:
                column = _column_of(exc.detail, roles, lower)
                raise InputError(exc.detail, file=str(path), row=r, line=r + 1, column=column) from None
    _no_duplicates(out, str(path))
    return out


def _column_of(message: str, roles: Mapping[str, tuple[str, str]], lower: Mapping[str, str]) -> str | None:
    m = re.search(r"question ([0-9S][0-9ab.]*)", message) or re.search(r"\b(D[0-9][ab]?|DS|overall)\b", message)
    if m:
        token = m.group(1)
        for h, (_kind, key) in roles.items():
            if key == token or key.split("|")[0] == token:
                return h
    for meta in ("tool", "assessed_at", "study"):
        if message.startswith(f"{meta}:") and meta in lower:
            return lower[meta]
    return None


def _no_duplicates(items: list[Assessment], file: str) -> None:
    seen: set[tuple[str, str | None, str]] = set()
    for a in items:
        key = (a.study.casefold(), (a.outcome or "").casefold() or None, a.tool)
        if key in seen:
            raise InputError(f"study {a.study!r}" + (f" for outcome {a.outcome!r}" if a.outcome else "")
                             + f" is assessed twice with {a.tool}", file=file)
        seen.add(key)


def to_csv(assessments: Iterable[Assessment]) -> str:
    """The CSV text of ``assessments`` (one row each; reads back identically with :func:`read_csv`)."""
    items = list(assessments)
    questions = list(dict.fromkeys(q for a in items for d in a.domains for q in d.answers))
    domains = list(dict.fromkeys(d.key for a in items for d in a.domains))
    header = [*_META, *questions, *(f"{q}_comment" for q in questions)]
    for key in domains:
        header += [key, f"{key}_justification", f"{key}_direction"]
    header += ["overall", "overall_justification"]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    w.writeheader()
    for a in items:
        row: dict[str, str] = {"study": a.study, "outcome": a.outcome or "", "tool": a.tool, "variant": a.variant,
                               "aim": a.aim, "result": a.result, "assessor": a.assessor,
                               "assessed_at": a.assessed_at.isoformat() if a.assessed_at else ""}
        for d in a.domains:
            for q, v in d.answers.items():
                row[q] = v
            for q, v in d.comments.items():
                if q in d.answers:
                    row[f"{q}_comment"] = v
            explicit = a.tool != "rob2" or not d.answers or d.judgement != d.proposed
            row[d.key] = (d.judgement or "") if explicit else ""
            row[f"{d.key}_justification"] = d.justification
            row[f"{d.key}_direction"] = d.direction
        explicit_overall = a.overall != a.overall_proposed or a.tool != "rob2" or not a.domains
        row["overall"] = (a.overall or "") if explicit_overall else ""
        row["overall_justification"] = a.overall_justification
        w.writerow({k: csv_cell(v) for k, v in row.items()})
    return buf.getvalue()


def write_csv(assessments: Iterable[Assessment], path: str | Path, *, force: bool = False) -> Path:
    """Write assessments as CSV atomically (an existing file evisynth did not write needs ``force``); cells that
    a spreadsheet would run as formulas get a leading apostrophe, removed again by :func:`read_csv`."""
    return write_output(path, to_csv(assessments), force=force, by="rob")

"""Risk-of-bias (RoB 2) judgements per study, read from a CSV file.

Columns: ``study``, ``D1`` ... ``D5`` and ``overall`` (any case; ``Overall`` as robvis writes
it). Judgements are ``low``, ``some concerns`` or ``high``; robvis-style abbreviations
(``l``/``s``/``h``, ``+``/``-``/``x``) are accepted. An optional ``outcome`` column makes a
row apply to one outcome only (RoB 2 judges results, not studies); rows with an empty
``outcome`` apply to every outcome. When ``overall`` is empty it is derived with the RoB 2
rule: low if every domain is low, high if any domain is high, otherwise some concerns.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from evisynth.errors import InputError

JUDGEMENTS = ("low", "some concerns", "high")
DOMAIN_COLUMNS = ("D1", "D2", "D3", "D4", "D5")
DOMAIN_NAMES = {
    "D1": "randomisation process",
    "D2": "deviations from intended interventions",
    "D3": "missing outcome data",
    "D4": "measurement of the outcome",
    "D5": "selection of the reported result",
}
_ALIASES = {
    "low": "low", "l": "low", "+": "low", "low risk": "low", "low risk of bias": "low",
    "some concerns": "some concerns", "some concern": "some concerns", "s": "some concerns", "-": "some concerns",
    "unclear": "some concerns", "moderate": "some concerns", "some": "some concerns",
    "high": "high", "h": "high", "x": "high", "high risk": "high", "high risk of bias": "high",
}


def normalise_judgement(value: str) -> str | None:
    """``'Some concerns'`` → ``'some concerns'``; ``''`` → ``None``; unknown text raises ``KeyError``."""
    text = " ".join(str(value).strip().lower().split())
    if text in ("", "na", "n/a", "not applicable"):
        return None
    return _ALIASES[text]


def overall_from_domains(domains: dict[str, str | None]) -> str | None:
    """The RoB 2 overall judgement from domain judgements (None when no domain is judged)."""
    judged = [j for j in domains.values() if j]
    if not judged:
        return None
    if "high" in judged:
        return "high"
    if all(j == "low" for j in judged) and len(judged) == len(DOMAIN_COLUMNS):
        return "low"
    return "some concerns"


@dataclass(frozen=True)
class RobEntry:
    """One study's RoB 2 judgements (for one outcome or for all)."""

    study: str
    overall: str
    domains: dict[str, str | None] = field(default_factory=dict)
    outcome: str | None = None
    derived: bool = False


@dataclass(frozen=True)
class RobTable:
    """All risk-of-bias rows of a review."""

    entries: tuple[RobEntry, ...]
    source: str = ""

    def for_outcome(self, outcome: str) -> dict[str, RobEntry]:
        """Study → entry for ``outcome`` (outcome-specific rows win over general ones)."""
        out: dict[str, RobEntry] = {}
        for e in self.entries:
            if e.outcome is None:
                out.setdefault(e.study, e)
        for e in self.entries:
            if e.outcome is not None and e.outcome.casefold() == outcome.casefold():
                out[e.study] = e
        return out


def read_rob(path: str | Path) -> RobTable:
    """Read a RoB 2 CSV; errors name the file, row and column."""
    path = Path(path)
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        cols = {h.strip().lower(): h for h in header if h}
        if "study" not in cols:
            raise InputError(f"needs a 'study' column (found: {', '.join(header) or 'no header'})", file=str(path))
        dom_cols = {d: cols.get(d.lower()) for d in DOMAIN_COLUMNS}
        if "overall" not in cols and not any(dom_cols.values()):
            raise InputError("needs an 'overall' column or the domain columns D1-D5", file=str(path))
        entries = []
        seen: set[tuple[str, str | None]] = set()
        for r, row in enumerate(reader, start=1):
            study = (row.get(cols["study"]) or "").strip()
            if not study:
                raise InputError("empty study name", file=str(path), row=r, line=r + 1, column=cols["study"])
            outcome = (row.get(cols["outcome"]) or "").strip() or None if "outcome" in cols else None
            if (study, outcome) in seen:
                raise InputError(f"study '{study}' appears twice" + (f" for outcome '{outcome}'" if outcome else ""),
                                 file=str(path), row=r, line=r + 1, column=cols["study"])
            seen.add((study, outcome))
            domains: dict[str, str | None] = {}
            for d, col in dom_cols.items():
                if col is None:
                    continue
                domains[d] = _judgement(row.get(col), path, r, col)
            overall = _judgement(row.get(cols["overall"]), path, r, cols["overall"]) if "overall" in cols else None
            derived = False
            if overall is None:
                overall = overall_from_domains(domains)
                derived = True
                if overall is None:
                    raise InputError(f"no judgement for study '{study}' (overall and D1-D5 are empty)",
                                     file=str(path), row=r, line=r + 1)
            entries.append(RobEntry(study, overall, domains, outcome, derived))
    return RobTable(tuple(entries), str(path))


def _judgement(value: str | None, path: Path, row: int, column: str) -> str | None:
    try:
        return normalise_judgement(value or "")
    except KeyError:
        raise InputError(f"unknown judgement {value!r}; use low, some concerns or high", file=str(path), row=row,
                         line=row + 1, column=column) from None


ROB_TEMPLATE = "study,outcome,D1,D2,D3,D4,D5,overall\n"

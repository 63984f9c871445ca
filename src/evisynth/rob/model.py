"""One risk-of-bias assessment (a study, or a study's result for one outcome) in one model for
RoB 2, RoB 1 and ROBINS-I.

:func:`assess_rob2` applies RoB 2's skip logic to the signalling answers, runs the published
algorithm of each domain and records the reviewer's judgements; a judgement that differs from the
algorithm's proposal needs a justification (RoB 2 guidance, 22 August 2019, section 1.2: the
algorithm's proposal can be overridden by the assessors with a justification). The overall
judgement is proposed as the worst domain judgement (Sterne et al. BMJ 2019;366:l4898, table
"Reaching an overall risk-of-bias judgement for a specific outcome"). That table also lets the
reviewers judge a result with "some concerns" in several domains to be at high risk: evisynth
never applies that rule itself; it adds a note and leaves the call (with a justification) to the
reviewers. :func:`assess_judgements` records judgement-only assessments (RoB 1, ROBINS-I, or RoB 2
without the signalling answers).

Examples
--------
>>> a = assess_rob2("Smith 2019", "Pain", {"1.1": "Y", "1.2": "Y", "1.3": "N"})
>>> a.domain("D1").proposed, a.domain("D1").path
('low', ('1.2 Y/PY', '1.1 Y/PY/NI', '1.3 N/PN/NI'))
>>> a.domain("D2").proposed is None and a.overall is None   # D2 to D5 not answered yet
True
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from evisynth.errors import InputError
from evisynth.rob._vocab import (
    ANSWERS,
    LEVELS,
    TOOLS,
    accepted_judgements,
    normalise_answer,
    normalise_judgement,
    worst,
)
from evisynth.rob.rob2_rules import Unanswered
from evisynth.rob.tools import DomainSpec, default_domains

SEVERAL_SOME_CONCERNS_NOTE = (
    "{n} domains have some concerns: the RoB 2 guidance lets the reviewers judge the result at high risk "
    "when several domains with some concerns substantially lower confidence in it (the reviewers' call, "
    "recorded with a justification)."
)


@dataclass(frozen=True)
class DomainAssessment:
    """One domain: answers after skip logic, the algorithm's proposal and route, the judgement."""

    key: str
    name: str
    judgement: str | None
    proposed: str | None = None
    answers: Mapping[str, str] = field(default_factory=dict)
    comments: Mapping[str, str] = field(default_factory=dict)
    justification: str = ""
    direction: str = ""
    path: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def overridden(self) -> bool:
        """The reviewers' judgement differs from the algorithm's proposal."""
        return self.proposed is not None and self.judgement is not None and self.judgement != self.proposed

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "judgement": self.judgement, "proposed": self.proposed,
                "answers": dict(self.answers), "comments": dict(self.comments), "justification": self.justification,
                "direction": self.direction, "path": list(self.path), "missing": list(self.missing)}


@dataclass(frozen=True)
class Assessment:
    """A risk-of-bias assessment of one study (and, for RoB 2 and ROBINS-I, one outcome's result)."""

    tool: str
    study: str
    outcome: str | None
    domains: tuple[DomainAssessment, ...]
    overall: str | None
    overall_proposed: str | None = None
    overall_justification: str = ""
    variant: str = ""
    aim: str = ""
    result: str = ""
    assessor: str = ""
    assessed_at: datetime | None = None
    notes: tuple[str, ...] = ()
    source: str = ""

    def domain(self, key: str) -> DomainAssessment:
        """The domain with ``key`` (``KeyError`` if absent)."""
        for d in self.domains:
            if d.key == key:
                return d
        raise KeyError(key)

    def judgements(self) -> dict[str, str | None]:
        """``{"D1": "low", ..., "Overall": "high"}`` (the forest plot's RoB columns use this)."""
        out: dict[str, str | None] = {d.key: d.judgement for d in self.domains}
        out["Overall"] = self.overall
        return out

    @property
    def complete(self) -> bool:
        """Every domain and the overall result judged."""
        return self.overall is not None and all(d.judgement is not None for d in self.domains)

    def to_dict(self) -> dict[str, Any]:
        return {"tool": self.tool, "variant": self.variant, "aim": self.aim, "study": self.study,
                "outcome": self.outcome, "result": self.result,
                "domains": [d.to_dict() for d in self.domains], "overall": self.overall,
                "overall_proposed": self.overall_proposed, "overall_justification": self.overall_justification,
                "assessor": self.assessor,
                "assessed_at": self.assessed_at.isoformat() if self.assessed_at else None,
                "notes": list(self.notes), "source": self.source}

    def to_frame(self) -> Any:
        """One row per domain plus the overall row (pandas DataFrame)."""
        import pandas as pd

        rows = [{"domain": d.key, "name": d.name, "proposed": d.proposed, "judgement": d.judgement,
                 "justification": d.justification} for d in self.domains]
        rows.append({"domain": "Overall", "name": "Overall risk of bias", "proposed": self.overall_proposed,
                     "judgement": self.overall, "justification": self.overall_justification})
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """A few plain lines: who judged what, with every override and note."""
        head = f"{self.study}" + (f" — {self.outcome}" if self.outcome else "") + f" ({self.tool}"
        head += (f", {self.variant}" if self.variant else "") + (f", effect of {self.aim}" if self.aim else "") + ")"
        lines = [head]
        for d in self.domains:
            text = f"  {d.key} {d.name}: {d.judgement or 'not judged'}"
            if d.overridden:
                text += f" (algorithm: {d.proposed}; {d.justification})"
            elif d.missing:
                text += f" (unanswered: {', '.join(d.missing)})"
            lines.append(text)
        lines.append(f"  Overall: {self.overall or 'not judged'}"
                     + (f" (proposed: {self.overall_proposed}; {self.overall_justification})"
                        if self.overall_proposed and self.overall != self.overall_proposed else ""))
        lines += [f"  note: {n}" for n in self.notes]
        if self.assessor or self.assessed_at:
            lines.append(f"  by {self.assessor or 'unknown'}"
                         + (f" at {self.assessed_at.isoformat(timespec='seconds')}" if self.assessed_at else ""))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{html.escape(d.key)}</td><td>{html.escape(d.name)}</td>"
                       f"<td>{html.escape(d.judgement or '')}</td><td>{html.escape(d.proposed or '')}</td>"
                       f"<td>{html.escape(d.justification)}</td></tr>" for d in self.domains)
        rows += (f"<tr><td>Overall</td><td></td><td>{html.escape(self.overall or '')}</td>"
                 f"<td>{html.escape(self.overall_proposed or '')}</td>"
                 f"<td>{html.escape(self.overall_justification)}</td></tr>")
        title = html.escape(self.study + (f" — {self.outcome}" if self.outcome else ""))
        return (f"<table><caption>{title} ({html.escape(self.tool)})</caption><tr><th>domain</th><th>name</th>"
                f"<th>judgement</th><th>algorithm</th><th>justification</th></tr>{rows}</table>")


def _answers_for(spec: DomainSpec, given: Mapping[str, Any], where: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """Apply skip logic: unreached questions become NA (other answers are an error); reached ones
    must carry one of their options."""
    out: dict[str, str] = {}
    missing: list[str] = []
    for question in spec.questions:
        raw = given.get(question.id)
        try:
            answer = normalise_answer(raw) if raw is not None else None
        except KeyError:
            raise InputError(f"{where}question {question.id}: unknown answer {raw!r}; accepted: "
                             f"{', '.join(ANSWERS)}") from None
        reached = question.when is None or question.when.holds(out)
        if not reached:
            if answer not in (None, "NA"):
                condition = question.when.text() if question.when else ""
                raise InputError(f"{where}question {question.id} must be NA (asked {condition} only); got {answer}")
            out[question.id] = "NA"
            continue
        if answer is None:
            missing.append(question.id)
            continue
        if answer == "NA" and not question.if_applicable:
            raise InputError(f"{where}question {question.id} applies here (" +
                             (question.when.text() if question.when else "always asked") +
                             f"); answer one of {'/'.join(sorted(question.options, key=ANSWERS.index))}")
        if answer != "NA" and answer not in question.options:
            raise InputError(f"{where}question {question.id}: {answer} is not an option; accepted: "
                             f"{'/'.join(sorted(question.options, key=ANSWERS.index))}")
        out[question.id] = answer
    unknown = sorted(set(given) - {x.id for x in spec.questions})
    if unknown:
        raise InputError(f"{where}unknown question {unknown[0]!r} in domain {spec.key}; its questions: "
                         f"{', '.join(x.id for x in spec.questions)}")
    return out, tuple(missing)


def _judged(value: Any, tool: str, where: str) -> str | None:
    try:
        return normalise_judgement(value, tool)
    except KeyError:
        raise InputError(f"{where}unknown judgement {value!r}; accepted: {accepted_judgements(tool)}") from None


def _overall(tool: str, domains: tuple[DomainAssessment, ...], overall: Any, justification: str,
             where: str) -> tuple[str | None, str | None, tuple[str, ...]]:
    judged = [d.judgement for d in domains]
    proposed = worst([j for j in judged if j], tool) if all(judged) else None
    chosen = _judged(overall, tool, f"{where}overall: ") if overall not in (None, "") else proposed
    notes: list[str] = []
    if tool == "rob2":
        n_some = sum(j == "some concerns" for j in judged)
        if n_some >= 2:
            notes.append(SEVERAL_SOME_CONCERNS_NOTE.format(n=n_some))
    if chosen is not None and proposed is not None and chosen != proposed and not justification.strip():
        raise InputError(f"{where}overall: the judgement {chosen!r} differs from the proposal {proposed!r} "
                         "(worst domain); give a justification")
    return proposed, chosen, tuple(notes)


def _stamp(assessed_at: datetime | str | None) -> datetime | None:
    if isinstance(assessed_at, str):
        try:
            assessed_at = datetime.fromisoformat(assessed_at)
        except ValueError:
            raise InputError("assessed_at must be an ISO date-time such as 2025-03-01T14:30:00Z; "
                             f"got {assessed_at!r}") from None
    if assessed_at is not None and assessed_at.tzinfo is None:
        assessed_at = assessed_at.replace(tzinfo=UTC)
    return assessed_at


def assess_rob2(
    study: str,
    outcome: str | None,
    answers: Mapping[str, Any],
    *,
    variant: str = "parallel",
    aim: str = "assignment",
    judgements: Mapping[str, Any] | None = None,
    justifications: Mapping[str, str] | None = None,
    comments: Mapping[str, str] | None = None,
    directions: Mapping[str, str] | None = None,
    overall: Any = None,
    overall_justification: str = "",
    result: str = "",
    assessor: str = "",
    assessed_at: datetime | str | None = None,
    source: str = "",
) -> Assessment:
    """A RoB 2 assessment of one result from its signalling answers (``{"1.1": "Y", ...}``).

    ``judgements`` (``{"D1": "low"}``) are the reviewers' judgements where they are not the
    algorithm's proposal; each needs a ``justifications`` entry. Unanswered questions leave the
    domain's proposal (and the overall proposal) empty and are listed in ``missing``.

    Raises
    ------
    InputError
        An unknown question or answer, an answer to a question that must be NA given earlier
        answers (named), NA for a question that applies, a judgement off the scale, or a
        judgement that differs from the proposal without a justification.
    """
    where = f"{study}" + (f", {outcome}" if outcome else "") + ": "
    if not str(study).strip():
        raise InputError("an assessment needs a study")
    specs = default_domains("rob2", variant, aim)
    by_domain: dict[str, dict[str, Any]] = {s.key: {} for s in specs}
    owner = {x.id: s.key for s in specs for x in s.questions}
    for qid, value in answers.items():
        if str(qid) not in owner:
            raise InputError(f"{where}unknown RoB 2 signalling question {qid!r} for the {variant} variant "
                             f"(effect of {aim}); known: {', '.join(owner)}")
        by_domain[owner[str(qid)]][str(qid)] = value
    judgements = dict(judgements or {})
    justifications = dict(justifications or {})
    unknown = sorted((set(judgements) | set(justifications)) - {s.key for s in specs})
    if unknown:
        raise InputError(f"{where}unknown domain {unknown[0]!r}; domains: {', '.join(s.key for s in specs)}")
    domains = []
    for spec in specs:
        dwhere = f"{where}{spec.key}: "
        given, missing = _answers_for(spec, by_domain[spec.key], dwhere)
        proposed: str | None = None
        path: tuple[str, ...] = ()
        if spec.algorithm is not None and not missing:
            try:
                proposed, path = spec.algorithm(given)
            except Unanswered as exc:  # pragma: no cover - skip logic fills every reached question
                missing = (exc.question,)
        chosen = _judged(judgements.get(spec.key), "rob2", dwhere) if judgements.get(spec.key) not in (None, "") else None
        why = str(justifications.get(spec.key, "") or "").strip()
        if chosen is not None and proposed is not None and chosen != proposed and not why:
            raise InputError(f"{dwhere}the judgement {chosen!r} differs from the algorithm's proposal {proposed!r} "
                             f"({' → '.join(path)}); give a justification")
        domains.append(DomainAssessment(
            spec.key, spec.name, chosen or proposed, proposed, given, dict(comments or {}),
            why, str((directions or {}).get(spec.key, "") or ""), path, missing))
    domains_t = tuple(_only_own_comments(d) for d in domains)
    proposed_overall, chosen_overall, notes = _overall("rob2", domains_t, overall, overall_justification, where)
    return Assessment("rob2", str(study).strip(), outcome or None, domains_t, chosen_overall, proposed_overall,
                      overall_justification.strip(), variant, aim, result, assessor, _stamp(assessed_at), notes, source)


def _only_own_comments(d: DomainAssessment) -> DomainAssessment:
    own = {k: v for k, v in d.comments.items() if k in d.answers or k == d.key}
    return replace(d, comments=own)


def assess_judgements(
    tool: str,
    study: str,
    outcome: str | None,
    judgements: Mapping[str, Any],
    *,
    support: Mapping[str, str] | None = None,
    domain_names: Mapping[str, str] | None = None,
    overall: Any = None,
    overall_justification: str = "",
    variant: str = "",
    aim: str = "",
    assessor: str = "",
    assessed_at: datetime | str | None = None,
    source: str = "",
) -> Assessment:
    """A judgement-only assessment: ``{"D1": "low", ...}`` with optional support for each judgement.

    For RoB 1 (``tool="rob1"``: low / unclear / high, with RevMan's YES/NO/UNKNOWN accepted) the
    domain keys and names may be the review's own items (``domain_names``); the overall proposal is
    the worst item (Cochrane Handbook 5.1, table 8.7.a). ROBINS-I: low / moderate / serious /
    critical / no information, overall as in Sterne et al. 2016.
    """
    if tool not in TOOLS:
        raise InputError(f"unknown risk-of-bias tool {tool!r}; accepted: {', '.join(TOOLS)}")
    where = f"{study}" + (f", {outcome}" if outcome else "") + ": "
    if tool == "rob2":
        variant, aim = variant or "parallel", aim or "assignment"
    defaults = {d.key: d.name for d in default_domains(tool, variant or "parallel", aim or "assignment")}
    names = dict(domain_names or {})
    if tool == "rob1":
        keys = list(judgements) if names else [k for k in defaults if k in judgements]
    else:  # RoB 2 and ROBINS-I: every domain of the tool, unjudged ones empty
        keys = list(defaults)
    extra = [k for k in judgements if k not in keys]
    if extra and not (tool == "rob1" and names):
        raise InputError(f"{where}unknown domain {extra[0]!r} for {tool}; domains: {', '.join(defaults)}")
    domains = tuple(
        DomainAssessment(k, names.get(k) or defaults.get(k, k), _judged(judgements.get(k), tool, f"{where}{k}: "),
                         justification=str((support or {}).get(k, "") or "").strip())
        for k in keys)
    proposed, chosen, notes = _overall(tool, domains, overall, overall_justification, where)
    if tool == "rob1" and overall in (None, ""):
        chosen = proposed
    return Assessment(tool, str(study).strip(), outcome or None, domains, chosen, proposed,
                      overall_justification.strip(), variant, aim, "", assessor, _stamp(assessed_at), notes, source)


def judgement_levels(tool: str) -> tuple[str, ...]:
    """The judgement scale of ``tool``, best first."""
    return LEVELS[tool]

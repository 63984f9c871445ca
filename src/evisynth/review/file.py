"""The review file: a small TOML file describing the question and one entry per outcome.

Load it with :func:`load_review`; every problem is reported as an :class:`~evisynth.errors.InputError`
naming the file, the key and its line. ``evisynth init`` writes a commented template
(:data:`TEMPLATE`); ``docs/grade.md`` documents every key.

Example
-------
.. code-block:: toml

    [review]
    title = "Exercise for chronic low back pain"
    population = "Adults with chronic low back pain"
    intervention = "Supervised exercise"
    comparison = "Usual care"
    study_design = "randomised"
    risk_of_bias = "rob.csv"

    [[outcomes]]
    name = "Pain"
    data = "pain.csv"
    measure = "SMD"
    lower_is_better = true
    importance = "critical"
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from evisynth import options as opt
from evisynth.analyses.spec import AnalysisSpec
from evisynth.errors import InputError
from evisynth.grade.judgements import DESIGNS, DOMAINS, IMPORTANCE, JUDGEMENTS, Override
from evisynth.grade.thresholds import Thresholds
from evisynth.review.model import OutcomeSpec, PriorEvidence, Review
from evisynth.review.toml_context import Context, column_list, number_value, refuse_unknown, text_value

_REVIEW_KEYS = {"title", "population", "intervention", "comparison", "setting", "study_design", "risk_of_bias",
                "authors", "date", "search_date", "language"}
_OUTCOME_KEYS = {"name", "noun", "data", "measure", "model", "method", "test", "level", "smd_variance",
                 "lower_is_better", "importance", "mid", "assumed_control_risk", "control_mean", "follow_up",
                 "units", "subgroups", "moderators", "dose_moderator", "dose_units", "regression_method",
                 "regression_test", "study_design", "prior",
                 "grade", "comments", "per"}
_PRIOR_KEYS = {"source", "measure", "estimate", "ci_lower", "ci_upper", "studies", "participants"}


def _overrides(ctx: Context, raw: Any, label: str, i: int) -> dict[str, Override]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ctx.error("must be a table of domains, e.g. [outcomes.grade] with imprecision = {...}", label, outcome=i)
    out: dict[str, Override] = {}
    for domain, entry in raw.items():
        key = f"{label}.{domain}"
        if domain not in DOMAINS:
            raise ctx.error(f"unknown GRADE domain; use one of {', '.join(DOMAINS)}", key, table="outcomes.grade",
                            outcome=i)
        if isinstance(entry, str):
            entry = {"judgement": entry}
        if not isinstance(entry, dict):
            raise ctx.error('must be a table: { judgement = "serious", reason = "..." }', key,
                            table="outcomes.grade", outcome=i)
        judgement = str(entry.get("judgement", "")).strip().lower()
        allowed = JUDGEMENTS[domain]
        if judgement not in allowed:
            raise ctx.error(f"judgement must be one of {', '.join(repr(a) for a in allowed)}; got "
                            f"{entry.get('judgement')!r}", key, table="outcomes.grade", outcome=i)
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ctx.error("needs a reason (every override is reported as a footnote)", key,
                            table="outcomes.grade", outcome=i)
        extra = set(entry) - {"judgement", "reason"}
        if extra:
            raise ctx.error(f"unknown key(s) {', '.join(sorted(extra))}; use judgement and reason", key,
                            table="outcomes.grade", outcome=i)
        out[domain] = Override(domain, judgement, reason.strip())
    return out


def _prior(ctx: Context, raw: Any, i: int) -> PriorEvidence | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ctx.error("must be a table [outcomes.prior] with source, estimate, ci_lower, ci_upper", "prior",
                        outcome=i)
    refuse_unknown(ctx, raw, _PRIOR_KEYS, "[outcomes.prior]", table="outcomes.prior", outcome=i)
    source = text_value(ctx, raw, "source", "prior.source", required=True, table="outcomes.prior", outcome=i)
    est = number_value(ctx, raw, "estimate", "prior.estimate", table="outcomes.prior", outcome=i)
    if est is None:
        raise ctx.error("is required", "prior.estimate", table="outcomes.prior", outcome=i)
    lo = number_value(ctx, raw, "ci_lower", "prior.ci_lower", table="outcomes.prior", outcome=i)
    hi = number_value(ctx, raw, "ci_upper", "prior.ci_upper", table="outcomes.prior", outcome=i)
    if (lo is None) != (hi is None) or (lo is not None and hi is not None and not lo <= est <= hi):
        raise ctx.error("needs both ci_lower and ci_upper, with ci_lower <= estimate <= ci_upper", "prior.ci_lower",
                        table="outcomes.prior", outcome=i)
    measure = raw.get("measure")
    if measure is not None and str(measure).upper() not in opt.MEASURES:
        raise ctx.error(f"must be one of {', '.join(opt.MEASURES)}; got {measure!r}", "prior.measure",
                        table="outcomes.prior", outcome=i)
    counts = {}
    for key in ("studies", "participants"):
        v = raw.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
            raise ctx.error(f"must be a positive whole number; got {v!r}", f"prior.{key}", table="outcomes.prior",
                            outcome=i)
        counts[key] = v
    return PriorEvidence(source or "", est, lo, hi, str(measure).upper() if measure else None, **counts)


def _code(ctx: Context, d: dict[str, Any], key: str, option: str, label: str, i: int) -> str | None:
    """A code-valued setting (measure, model, method, test, smd_variance), checked against :mod:`evisynth.options`."""
    value = d.get(key)
    if value is None:
        return None
    choices = opt.OPTIONS[option].choices or ()
    text = value.upper() if isinstance(value, str) and opt.OPTIONS[option].upper else value
    if not isinstance(value, str) or text not in choices:
        raise ctx.error(f"must be one of {', '.join(choices)}; got {value!r}", f"{label}.{key}", outcome=i)
    return str(text)


def _resolved(ctx: Context, spec: AnalysisSpec, label: str, i: int, keys: dict[str, str]) -> AnalysisSpec:
    """``spec.resolved()``, with a conflict between settings reported at the key that caused it."""
    try:
        return spec.resolved()
    except InputError as exc:
        flag = exc.detail.split()[0] if exc.detail.startswith("--") else "--method"
        key = keys.get(flag.lstrip("-").replace("-", "_"), "method")
        raise ctx.error(exc.detail.replace("--", ""), f"{label}.{key}", outcome=i) from None


def _analysis(ctx: Context, d: dict[str, Any], label: str, i: int) -> AnalysisSpec:
    level = number_value(ctx, d, "level", f"{label}.level", outcome=i)
    if level is not None and not 0 < level < 1:
        raise ctx.error(f"must be a fraction such as 0.95; got {level!r}", f"{label}.level", outcome=i)
    spec = AnalysisSpec(
        measure=_code(ctx, d, "measure", "measure", label, i), model=_code(ctx, d, "model", "model", label, i),
        method=_code(ctx, d, "method", "method", label, i),
        test=_code(ctx, d, "test", "test", label, i) or opt.DEFAULT_TEST,
        level=level if level is not None else opt.DEFAULT_LEVEL,
        smd_variance=_code(ctx, d, "smd_variance", "smd_variance", label, i) or opt.DEFAULT_SMD_VARIANCE,
    )
    return _resolved(ctx, spec, label, i, {})  # a measure not given stays None: the data decide it


def _regression(ctx: Context, d: dict[str, Any], label: str, i: int, analysis: AnalysisSpec) -> AnalysisSpec | None:
    method = _code(ctx, d, "regression_method", "method", label, i)
    test = _code(ctx, d, "regression_test", "test", label, i)
    if method is None and test is None:
        return None
    model = None if method is None else ("fixed" if opt.is_fixed_method(method) else "random")
    spec = replace(analysis, model=model or analysis.model, method=method or analysis.method, test=test or analysis.test)
    return _resolved(ctx, spec, label, i, {"method": "regression_method", "test": "regression_test"})


def _outcome(ctx: Context, d: Any, i: int, default_design: str) -> OutcomeSpec:
    label = f"outcomes[{i + 1}]"
    if not isinstance(d, dict):
        raise ctx.error("each outcome must be a [[outcomes]] table", label)
    refuse_unknown(ctx, d, _OUTCOME_KEYS, f"{label} ([[outcomes]] number {i + 1})", outcome=i)
    name = text_value(ctx, d, "name", f"{label}.name", required=True, outcome=i)
    data = text_value(ctx, d, "data", f"{label}.data", required=True, outcome=i)
    assert name is not None and data is not None
    data_path = (ctx.path.parent / data).resolve()
    if not data_path.is_file():
        raise ctx.error(f"data file not found: {data} (looked for {data_path}; paths are relative to the review file)",
                        f"{label}.data", outcome=i)
    analysis = _analysis(ctx, d, label, i)
    measure = analysis.measure
    lower = d.get("lower_is_better", True)
    if not isinstance(lower, bool):
        raise ctx.error(f"must be true or false; got {lower!r}", f"{label}.lower_is_better", outcome=i)
    importance = d.get("importance", "critical")
    if isinstance(importance, int) and not isinstance(importance, bool) and 1 <= importance <= 9:
        importance = "critical" if importance >= 7 else "important" if importance >= 4 else "limited"
    if importance not in IMPORTANCE:
        raise ctx.error(f"must be one of {', '.join(IMPORTANCE)} (or 1-9); got {importance!r}",
                        f"{label}.importance", outcome=i)
    mid = number_value(ctx, d, "mid", f"{label}.mid", outcome=i)
    if mid is not None and mid <= 0:
        raise ctx.error(f"must be positive (a ratio such as 0.8 for RR/OR, a difference in units for MD); got {mid!r}",
                        f"{label}.mid", outcome=i)
    if mid is not None and measure in opt.RATIO_MEASURES and mid == 1:
        raise ctx.error("a ratio MID must differ from 1 (e.g. 0.8 or 1.25)", f"{label}.mid", outcome=i)
    acr = number_value(ctx, d, "assumed_control_risk", f"{label}.assumed_control_risk", outcome=i)
    if acr is not None and not 0 < acr < 1:
        raise ctx.error(f"must be a proportion between 0 and 1 (e.g. 0.12 for 120 per 1000); got {acr!r}",
                        f"{label}.assumed_control_risk", outcome=i)
    design = d.get("study_design", default_design)
    if design not in DESIGNS:
        raise ctx.error(f"must be one of {', '.join(DESIGNS)}; got {design!r}", f"{label}.study_design", outcome=i)
    per = d.get("per", 1000)
    if per not in (100, 1000, 10000, 100000):
        raise ctx.error(f"must be 100, 1000, 10000 or 100000; got {per!r}", f"{label}.per", outcome=i)
    regression = _regression(ctx, d, label, i, analysis)
    dose = text_value(ctx, d, "dose_moderator", f"{label}.dose_moderator", outcome=i)
    moderators = column_list(ctx, d, "moderators", f"{label}.moderators", i)
    if dose and dose not in moderators:
        moderators = (*moderators, dose)
    return OutcomeSpec(
        name=name, data=data_path, analysis=analysis, regression=regression, lower_is_better=lower,
        importance=importance, mid=mid,
        assumed_control_risk=acr, control_mean=number_value(ctx, d, "control_mean", f"{label}.control_mean", outcome=i),
        follow_up=text_value(ctx, d, "follow_up", f"{label}.follow_up", outcome=i),
        units=text_value(ctx, d, "units", f"{label}.units", outcome=i),
        subgroups=column_list(ctx, d, "subgroups", f"{label}.subgroups", i), moderators=moderators,
        dose_moderator=dose, dose_units=text_value(ctx, d, "dose_units", f"{label}.dose_units", outcome=i),
        study_design=design, prior=_prior(ctx, d.get("prior"), i),
        overrides=_overrides(ctx, d.get("grade"), f"{label}.grade", i),
        comments=text_value(ctx, d, "comments", f"{label}.comments", outcome=i),
        noun=text_value(ctx, d, "noun", f"{label}.noun", outcome=i), per=per, line=ctx.loc.table_line("outcomes", i),
    )


def parse_review(text: str, path: str | Path = "review.toml") -> Review:
    """Validate the text of a review file; paths inside it are relative to ``path``'s folder."""
    path = Path(path).resolve()
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=str(path)) from None
    ctx = Context(path, text)
    for key in raw:
        if key not in ("review", "outcomes", "thresholds", "screening"):
            raise ctx.error("unknown top-level table; use [review], [thresholds], [[outcomes]] and [screening]", key)
    screening = raw.get("screening", {})  # read by the project store (evisynth.store.engine); checked here
    if not isinstance(screening, dict):
        raise ctx.error("[screening] must be a table (exclusion_reasons, reviewers_per_record)", "screening")
    refuse_unknown(ctx, screening, {"exclusion_reasons", "reviewers_per_record"}, "[screening]", table="screening")
    rev = raw.get("review")
    if not isinstance(rev, dict):
        raise InputError("missing [review] table (title, population, intervention, comparison)", file=str(path))
    refuse_unknown(ctx, rev, _REVIEW_KEYS, "[review]", table="review")
    fields_ = {k: text_value(ctx, rev, k, f"review.{k}", required=True, table="review")
               for k in ("title", "population", "intervention", "comparison")}
    design = rev.get("study_design", "randomised")
    if design not in DESIGNS:
        raise ctx.error(f"must be one of {', '.join(DESIGNS)}; got {design!r}", "review.study_design", table="review")
    rob = text_value(ctx, rev, "risk_of_bias", "review.risk_of_bias", table="review")
    rob_path = None
    if rob:
        rob_path = (path.parent / rob).resolve()
        if not rob_path.is_file():
            raise ctx.error(f"risk-of-bias file not found: {rob} (looked for {rob_path})", "review.risk_of_bias",
                            table="review")
    thr_raw = raw.get("thresholds", {})
    if not isinstance(thr_raw, dict):
        raise ctx.error("must be a table", "thresholds")
    try:
        thresholds = Thresholds.from_mapping(thr_raw)
    except InputError as exc:
        bad = next((k for k in thr_raw if k in str(exc.detail)), "thresholds")
        line = ctx.loc.key_line(bad, "thresholds")
        raise InputError((f"line {line}: " if line else "") + exc.detail, file=str(path)) from None
    outs = raw.get("outcomes")
    if not isinstance(outs, list) or not outs:
        raise InputError("no outcomes: add at least one [[outcomes]] table with name and data", file=str(path))
    outcomes = tuple(_outcome(ctx, d, i, design) for i, d in enumerate(outs))
    names = [o.name for o in outcomes]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup:
        raise ctx.error(f"outcome names must be unique; {dup!r} appears twice", "name", outcome=names.index(dup) + 1)
    return Review(
        path=path, outcomes=outcomes, setting=text_value(ctx, rev, "setting", "review.setting", table="review"),
        study_design=design, risk_of_bias=rob_path, thresholds=thresholds,
        authors=text_value(ctx, rev, "authors", "review.authors", table="review"),
        date=text_value(ctx, rev, "date", "review.date", table="review"),
        search_date=text_value(ctx, rev, "search_date", "review.search_date", table="review"),
        **fields_,  # type: ignore[arg-type]
    )


def load_review(path: str | Path) -> Review:
    """Read and validate a review file.

    Raises
    ------
    InputError
        naming the file, the line and the key of the first problem found.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"review file not found: {path}")
    return parse_review(path.read_text(encoding="utf-8"), path)


__all__ = ["OutcomeSpec", "PriorEvidence", "Review", "load_review", "parse_review"]


#: Where a project keeps its review file, in order: the project folder, or ``data/`` (the layout
#: ``evisynth demo`` writes).
REVIEW_LOCATIONS = ("review.toml", "data/review.toml")


def find_review(project_dir: str | Path) -> Path | None:
    """The review file of a project folder (see :data:`REVIEW_LOCATIONS`; ``None`` without one)."""
    folder = Path(project_dir)
    return next((folder / name for name in REVIEW_LOCATIONS if (folder / name).exists()), None)

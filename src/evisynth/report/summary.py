"""The plain-language evidence summary (``evisynth summarize``), with a record of every claim.

:func:`build_summary` turns a :class:`~evisynth.review.runner.ReviewResult` into blocks of text
and a list of claims; every number in the text is written by :mod:`evisynth.format` through
:class:`Claims`, which records the value it came from (``claims.json``). Wording follows the
certainty of the evidence (:mod:`evisynth.report.phrasing`). :func:`write_summary` writes
``summary.md``, ``summary.html``, ``claims.json``, the SoF table and the GRADE profile, then
runs the accuracy checker (:mod:`evisynth.check`) on the summary.
"""

from __future__ import annotations

from pathlib import Path

from evisynth import format as fmt
from evisynth.files import OutputSet, markdown_text
from evisynth.grade.certainty import DOMAIN_LABELS
from evisynth.report import phrasing
from evisynth.report.claims import MEASURE_WORDS, Claims, Summary, display_value
from evisynth.report.profile import write_profile
from evisynth.report.sof import SHORT, write_sof
from evisynth.report.summary_render import plain_text, render_summary_html, render_summary_markdown, run_checker
from evisynth.review.runner import OutcomeResult, ReviewResult


def _primary(result: ReviewResult) -> OutcomeResult:
    return next((o for o in result.outcomes if o.spec.importance == "critical"), result.outcomes[0])


def effect_phrase(o: OutcomeResult, c: Claims, *, with_p: bool = True) -> str:
    """``risk ratio 0.64 (95% CI 0.47 to 0.88; P = 0.006)`` with every number recorded."""
    a, p, name = o.analysis, o.analysis.pooled, o.spec.name
    est, ek = display_value(a, p, "estimate")
    lo, lk = display_value(a, p, "ci_lower")
    hi, hk = display_value(a, p, "ci_upper")
    level = round(100 * p.level)
    base = "analysis.pooled."
    words = MEASURE_WORDS.get(a.measure, "effect estimate")
    if a.measure in SHORT and a.measure != "GEN":
        words += f" ({SHORT[a.measure]})"
    text = (f"{words} was "
            f"{c.num(est, 'estimate', base + ek, name)} ({level}% CI {c.num(lo, 'ci_lower', base + lk, name)} to "
            f"{c.num(hi, 'ci_upper', base + hk, name)}")
    if with_p and p.test == "z" and p.p_value is not None:
        text += f"; {c.p(p.p_value, base + 'p_value', name)}"
    return text + ")"


def _certainty_words(o: OutcomeResult) -> str:
    reasons = [DOMAIN_LABELS[d].lower() for d in o.certainty.reasons_down()]
    text = o.certainty.level
    if reasons:
        text += f" (rated down for {' and '.join(reasons)})"
    ups = [DOMAIN_LABELS[k].lower() for k, d in o.certainty.domains.items() if d.effective_levels > 0]
    if ups:
        text += f" (rated up for {' and '.join(ups)})"
    return text


def _statement(result: ReviewResult, o: OutcomeResult) -> tuple[str, phrasing.EffectSize]:
    size = phrasing.effect_size(o.analysis, o.spec, result.thresholds)
    r = result.review
    return phrasing.statement(r.intervention, o.spec.phrase, r.comparison, o.certainty.level, size), size


def _studies(c: Claims, o: OutcomeResult) -> str:
    """"6 studies (11 comparisons)" when comparisons of multi-arm trials share a trial id (each number a
    claim), else "11 studies"."""
    name = o.spec.name
    trials = o.shared_trials
    if trials is not None:
        return (f"{c.count(trials, 'studies', 'trials', name)} {'study' if trials == 1 else 'studies'} "
                f"({c.count(o.k, 'comparisons', 'analysis.pooled.k', name)} comparisons)")
    return f"{c.count(o.k, 'studies', 'analysis.pooled.k', name)} {'study' if o.k == 1 else 'studies'}"


def evidence_paragraph(result: ReviewResult, o: OutcomeResult, c: Claims) -> str:
    """Exact figures for one outcome."""
    r, name = result.review, o.spec.name
    head = name + (f" ({o.spec.follow_up})" if o.spec.follow_up else "")
    n = o.participants
    who = _studies(c, o)
    if n is not None:
        who += f" with {c.count(n, 'participants', 'analysis.totals.participants', name)} participants"
    parts = [f"{head}: {who}. The pooled {effect_phrase(o, c)}."]
    a = o.absolute
    if a.kind == "dichotomous" and a.difference is not None:
        d = a.difference
        parts.append(
            f"With {r.intervention}, about {c.per(a.risk, a.per, 'absolute.risk', name)} per {a.per} "  # type: ignore[arg-type]
            f"(between {c.per(a.risk_lower, a.per, 'absolute.risk_lower', name)} and "  # type: ignore[arg-type]
            f"{c.per(a.risk_upper, a.per, 'absolute.risk_upper', name)} per {a.per}) compared with "  # type: ignore[arg-type]
            f"{c.per(a.acr, a.per, 'absolute.acr', name)} per {a.per} with {r.comparison}: "  # type: ignore[arg-type]
            f"{c.add(fmt.format_risk_difference(*d, per=a.per), list(d), 'risk_difference', 'absolute.difference', name)}.")
    elif a.kind == "continuous" and a.control_mean is not None:
        unit = f" {o.spec.units}" if o.spec.units else ""
        parts.append(f"The mean {o.spec.phrase} with {r.comparison} was "
                     f"{c.num(a.control_mean, 'control_mean', 'absolute.control_mean', name)}{unit}.")
    het = o.analysis.heterogeneity
    if o.k >= 2 and het.i2 is not None:
        i2 = c.add(fmt.format_percent(het.i2), het.i2, "i2", "analysis.heterogeneity.i2", name)
        text = f"Heterogeneity: I² = {i2}"
        if het.q_p is not None:
            qp = c.add(fmt.format_p(het.q_p), het.q_p, "p_value", "analysis.heterogeneity.q_p", name)
            text += f", P for heterogeneity {qp}" if qp.startswith("<") else f", P for heterogeneity = {qp}"
        parts.append(text + ".")
    stmt, _ = _statement(result, o)
    level = c.add(o.certainty.level, o.certainty.level, "certainty", "certainty.level", name)
    said = c.add(stmt, o.certainty.level, "statement", "certainty.level", name)
    parts.append(f"Certainty of the evidence: {level}{_certainty_words(o)[len(o.certainty.level):]}. {said}")
    return " ".join(parts)


def subgroup_paragraphs(o: OutcomeResult, c: Claims) -> list[str]:
    out = []
    name = o.spec.name
    for col, bundle in o.subgroups.items():
        sg = bundle.subgroups
        if sg is None:
            continue
        bits = []
        for i, g in enumerate(sg.groups):
            if g.estimate is None or g.ci_lower is None or g.ci_upper is None:
                continue
            est, ek = display_value(bundle, g, "estimate")
            lo, lk = display_value(bundle, g, "ci_lower")
            hi, hk = display_value(bundle, g, "ci_upper")
            src = f"subgroup_analyses.{col}.groups[{i}]."
            label = SHORT.get(bundle.measure, "effect")
            bits.append(f"subgroup '{g.level}': {label} {c.num(est, 'estimate', src + ek, name)} "
                        f"(95% CI {c.num(lo, 'ci_lower', src + lk, name)} to {c.num(hi, 'ci_upper', src + hk, name)}; "
                        f"{c.count(g.k, 'studies', src + 'k', name)} {'study' if g.k == 1 else 'studies'})")
        d = sg.difference
        text = f"{name} by {col}, " + "; ".join(bits) + "."
        if d.q is not None and d.df is not None and d.p_value is not None:
            src = f"subgroup_analyses.{col}.difference."
            text += (f" Test for subgroup differences: Chi² = {c.num(d.q, 'statistic', src + 'q', name)}, "
                     f"df = {c.count(d.df, 'df', src + 'df', name)} ({c.p(d.p_value, src + 'p_value', name)}), "
                     f"I² = {c.add(fmt.format_percent(d.i2, 1), d.i2, 'i2', src + 'i2', name)}.")
            if d.p_value < 0.05:
                text += (" The effect may differ between these subgroups; subgroup findings are observational and "
                         "should be interpreted with caution.")
            else:
                text += " The test gives no clear evidence that the effect differs between these subgroups."
        out.append(text)
    return out


def meta_regression_paragraphs(o: OutcomeResult, c: Claims) -> list[str]:
    out: list[str] = []
    if o.regression is None or o.regression.meta_regression is None:
        return out
    mr, name, a = o.regression.meta_regression, o.spec.name, o.regression
    for i, coef in enumerate(mr.coefficients):
        if (coef.name == "intercept" or coef.estimate is None or coef.ci_lower is None
                or coef.ci_upper is None):
            continue
        unit = f"unit of {coef.name}"
        if coef.name == o.spec.dose_moderator and o.spec.dose_units:
            unit = o.spec.dose_units
        src = f"meta_regression.coefficients[{i}]."
        words = MEASURE_WORDS.get(a.measure, "effect").replace(" ", "-")
        scale = f"log {words}" if a.log_scale else words
        text = (f"Meta-regression of {o.spec.phrase} on {coef.name} ({scale} scale): the regression coefficient was "
                f"{c.num(coef.estimate, 'slope', src + 'estimate', name, 3)} per {unit} (95% CI "
                f"{c.num(coef.ci_lower, 'ci_lower', src + 'ci_lower', name, 3)} to "
                f"{c.num(coef.ci_upper, 'ci_upper', src + 'ci_upper', name, 3)}")
        if mr.test == "z" and coef.p_value is not None:
            text += f"; {c.p(coef.p_value, src + 'p_value', name)}"
        out.append(text + ").")
    return out


def prior_paragraph(result: ReviewResult, o: OutcomeResult, c: Claims) -> str | None:
    pr = o.spec.prior
    if pr is None:
        return None
    name, a = o.spec.name, o.analysis
    i = result.review.outcomes.index(o.spec)
    src = f"review.outcomes[{i}].prior."
    label = SHORT.get(pr.measure or a.measure, "effect")
    text = f"{name}: {pr.source} found {label} {c.num(pr.estimate, 'estimate', src + 'estimate', name)}"
    if pr.ci_lower is not None and pr.ci_upper is not None:
        text += (f" (95% CI {c.num(pr.ci_lower, 'ci_lower', src + 'ci_lower', name)} to "
                 f"{c.num(pr.ci_upper, 'ci_upper', src + 'ci_upper', name)})")
    if pr.studies:
        text += f" from {c.count(pr.studies, 'studies', src + 'studies', name)} studies"
    est, _ = display_value(a, a.pooled, "estimate")
    lo, _ = display_value(a, a.pooled, "ci_lower")
    hi, _ = display_value(a, a.pooled, "ci_upper")
    null = 1.0 if a.log_scale else 0.0
    same_side = (est - null) * (pr.estimate - null) > 0
    # parse_review admits a prior with both CI limits or neither
    overlap = pr.ci_lower is None or pr.ci_upper is None or (pr.ci_lower <= hi and lo <= pr.ci_upper)
    if pr.measure and pr.measure != a.measure:
        verdict = "It used a different effect measure, so the two estimates cannot be compared directly."
    elif same_side and overlap:
        verdict = "The present estimate points the same way and the confidence intervals overlap: it is consistent " \
                  "with that earlier evidence."
    elif overlap:
        verdict = "The confidence intervals overlap, but the point estimates lie on opposite sides of no effect."
    else:
        verdict = "The confidence intervals do not overlap: the present result differs from the earlier evidence."
    return f"{text}. {verdict}"


def plain_paragraph(result: ReviewResult, o: OutcomeResult, c: Claims) -> str:
    r, a, name = result.review, o.absolute, o.spec.name
    stmt, size = _statement(result, o)
    parts = [stmt]
    if a.kind == "dichotomous" and o.certainty.level != "very low":
        parts.append(f"With {r.comparison}, about {c.per(a.acr, a.per, 'absolute.acr', name)} in every {a.per} "  # type: ignore[arg-type]
                     f"had this outcome ({o.spec.phrase}); with {r.intervention}, about "
                     f"{c.per(a.risk, a.per, 'absolute.risk', name)} in every {a.per} would "  # type: ignore[arg-type]
                     f"(between {c.per(a.risk_lower, a.per, 'absolute.risk_lower', name)} and "  # type: ignore[arg-type]
                     f"{c.per(a.risk_upper, a.per, 'absolute.risk_upper', name)}).")  # type: ignore[arg-type]
    elif a.kind == "smd" and not size.includes_no_effect:
        word = phrasing.smd_size(o.analysis.pooled.estimate or 0.0)
        parts.append(f"By the usual conventions for standardised differences, the average difference between the "
                     f"groups is {word}.")
    parts.append(phrasing.confidence_sentence(o.certainty.level, o.certainty.reasons_down()))
    return f"{name}: " + " ".join(parts)


def for_you(result: ReviewResult) -> list[str]:
    r = result.review
    items = []
    for o in result.outcomes:
        stmt, size = _statement(result, o)
        if o.certainty.level in ("high", "moderate") and not size.includes_no_effect:
            tail = "This result is unlikely to change much with more research."
        elif o.certainty.level in ("high", "moderate"):
            tail = "More research is unlikely to change this conclusion much."
        else:
            tail = "More research could change this result."
        items.append(f"{o.spec.name} ({o.spec.importance}): {stmt} {tail}")
    items.append(f"Talk to your health professional about whether {r.intervention} is right for you; these results "
                 f"are averages over the people in the studies ({r.population.lower()}).")
    return items


def common_questions(result: ReviewResult, c: Claims) -> list[tuple[str, str]]:
    qa = []
    sure = []
    for o in result.outcomes:
        sure.append(f"{o.spec.name}: {o.certainty.level} certainty. "
                    + phrasing.confidence_sentence(o.certainty.level, o.certainty.reasons_down()))
    qa.append(("How sure can we be about these results?", " ".join(sure)))
    sub = [p for o in result.outcomes for p in subgroup_paragraphs(o, c)]
    if sub:
        qa.append(("Does the effect differ between groups of people or studies?", " ".join(sub)))
    mr = [p for o in result.outcomes for p in meta_regression_paragraphs(o, c)]
    if mr:
        qa.append(("Does the effect depend on how the intervention was given?", " ".join(mr)))
    pb = []
    for o in result.outcomes:
        d = o.certainty.domains["publication_bias"]
        if o.k < result.thresholds.pb_min_studies:
            pb.append(f"{o.spec.name}: with {c.count(o.k, 'studies', 'analysis.pooled.k', o.spec.name)} "
                      f"{'study' if o.k == 1 else 'studies'} there were too few to test statistically for unpublished "
                      f"studies.")
        else:
            pb.append(f"{o.spec.name}: publication bias {d.judgement}.")
    qa.append(("Could studies that were never published change the picture?", " ".join(pb)))
    qa.append(("What does 'certainty of the evidence' mean?",
               "It is how confident we are that the true effect is close to the effect found in the studies, rated "
               "with GRADE as high, moderate, low or very low."))
    if any(o.spec.importance == "critical" for o in result.outcomes):
        # two analyses of one outcome (e.g. spasticity as MD and as SMD) share a phrase: name it once
        phrases = list(dict.fromkeys(o.spec.phrase for o in result.outcomes if o.spec.importance == "critical"))
        these = "this outcome" if len(phrases) == 1 else "these outcomes"
        qa.append(("Which outcomes matter most?",
                   f"The review authors judged {these} critical: {', '.join(phrases)}."))
    return qa


def study_details(result: ReviewResult, c: Claims) -> list[str]:
    r = result.review
    designs = {o.spec.study_design for o in result.outcomes}
    items = []
    if designs == {"randomised"}:
        items.append("Type: systematic review and meta-analysis of randomised controlled trials.")
        items.append("Level of evidence: systematic review of randomised trials (Oxford CEBM level 1); certainty "
                     "per outcome rated with GRADE.")
    else:
        items.append("Type: systematic review and meta-analysis including non-randomised studies.")
        items.append("Level of evidence: systematic review including non-randomised studies (Oxford CEBM level 2 to "
                     "3); certainty per outcome rated with GRADE.")
    for o in result.outcomes:
        p = o.analysis.pooled
        model = "random-effects" if p.random else "common-effect (fixed)"
        method = p.method
        n = o.participants
        who = _studies(c, o)
        if n is not None:
            who += f", {c.count(n, 'participants', 'analysis.totals.participants', o.spec.name)} participants"
        items.append(f"{o.spec.name}: {who}; {o.analysis.measure_label.lower()}, {model} model ({method}).")
    if r.search_date:
        items.append(f"Search date: {r.search_date}.")
    return items


def build_summary(result: ReviewResult) -> Summary:
    """The evidence summary of a review as blocks of text with their claims."""
    r = result.review
    c = Claims()
    s = Summary(r.title)
    s.blocks.append(("h1", r.title))
    s.blocks.append(("p", f"Evidence summary: {r.intervention} compared with {r.comparison} for {r.population}."))
    c.section("key_takeaway")
    primary = _primary(result)
    stmt, _ = _statement(result, primary)
    takeaway = c.add(stmt.rstrip("."), primary.certainty.level, "statement", "certainty.level", primary.spec.name)
    s.blocks.append(("p", f"Key takeaway: {takeaway} ({phrasing.certainty_phrase(primary.certainty.level)})."))
    c.section("evidence")
    s.blocks.append(("h2", "What the evidence shows"))
    for o in result.outcomes:
        s.blocks.append(("p", evidence_paragraph(result, o, c)))
    c.section("prior_evidence")
    s.blocks.append(("h2", "How this fits with earlier evidence"))
    priors = [p for p in (prior_paragraph(result, o, c) for o in result.outcomes) if p]
    s.blocks += [("p", p) for p in priors] or [("p", "No earlier pooled estimates were given for comparison.")]
    c.section("plain_language")
    s.blocks.append(("h2", "In plain language"))
    for o in result.outcomes:
        s.blocks.append(("p", plain_paragraph(result, o, c)))
    c.section("for_you")
    s.blocks.append(("h2", "What this means for you"))
    s.blocks.append(("ul", for_you(result)))
    c.section("questions")
    s.blocks.append(("h2", "Common questions"))
    for q, a in common_questions(result, c):
        s.blocks.append(("qa", q, a))
    c.section("study_details")
    s.blocks.append(("h2", "About the studies"))
    s.blocks.append(("ul", study_details(result, c)))
    s.claims = c.items
    return s


def write_summary(result: ReviewResult, out_dir: str | Path, *, check: bool = True, docx: bool = True,
                  force: bool = False) -> dict[str, Path]:
    """Write the summary page (Markdown and HTML), ``claims.json``, the SoF table files and the GRADE profile.

    Returns the paths written, keyed by a short name. When the accuracy checker is available
    its report is written to ``check.json``. Everything is prepared first and written together,
    atomically (:class:`evisynth.files.OutputSet`); files in ``out_dir`` that evisynth did not
    write (or that were edited since) are replaced only with ``force``; the review's input files
    never are.
    """
    provenance = result.provenance
    out = OutputSet(out_dir, inputs=[i["path"] for i in provenance["inputs"]], force=force, by="summarize",
                    provenance=provenance)
    s = build_summary(result)
    md = markdown_text(render_summary_markdown(s))
    paths: dict[str, Path] = {}
    paths["summary_md"] = out.add("summary.md", md)
    paths["summary_html"] = out.add("summary.html", render_summary_html(s))
    claims = {"evisynth_version": result.evisynth_version, "review_file": str(result.review.path),
              "claims": s.claims, "provenance": provenance}
    paths["claims"] = out.add_json("claims.json", claims, ensure_ascii=False, default=float)
    paths["result"] = out.add_json("review_result.json", result.to_dict(), ensure_ascii=False, default=str,
                                   allow_nan=True)
    paths.update({f"sof_{k}": v for k, v in write_sof(result, out, docx=docx).items()})
    paths.update({f"profile_{k}": v for k, v in write_profile(result, out).items()})
    if check:
        report = run_checker(plain_text(md), result)
        paths["check"] = out.add_json("check.json", report, ensure_ascii=False, default=str, allow_nan=True)
    out.commit()
    return paths

"""The report of one outcome of a review: its main analysis with its subgroup analyses and meta-regression.

:func:`write_outcome_report` takes an :class:`~evisynth.review.runner.OutcomeResult` (what
:func:`~evisynth.review.runner.run_review` returns per outcome) and writes ``report.html``,
``report.md``, ``analysis.json`` and the figures: those of the main analysis, a RevMan-style
subgrouped forest plot ``figures/forest_<variable>.png``/``.svg`` per subgroup analysis, and a
bubble plot ``figures/bubble_<moderator>.png``/``.svg`` per moderator of the meta-regression.

>>> from evisynth.review.runner import run_review  # doctest: +SKIP
>>> result = run_review("review.toml")  # doctest: +SKIP
>>> write_outcome_report(result.outcomes[0], "out/spasticity")  # doctest: +SKIP
PosixPath('out/spasticity/report.html')
"""

from __future__ import annotations

from pathlib import Path

from evisynth.report.figures import FigureItem, report_figures
from evisynth.report.html_report import write_report
from evisynth.report.options import ReportOptions
from evisynth.report.sections import outcome_sections
from evisynth.review.model import OutcomeSpec
from evisynth.review.runner import OutcomeResult

__all__ = ["outcome_figures", "outcome_options", "spec_options", "write_outcome_report"]


def outcome_options(outcome: OutcomeResult, **names: str | None) -> ReportOptions:
    """Report options from the outcome's settings (its phrase and direction) and the arms' ``names``."""
    return spec_options(outcome.spec, **names)


def spec_options(spec: OutcomeSpec, **names: str | None) -> ReportOptions:
    """Report options from a review outcome's settings (its phrase and direction: ``lower_is_better = false``
    puts "Favours [control]" on the left of the forest plot) and the arms' ``names``."""
    return ReportOptions(outcome=spec.phrase, lower_is_better=spec.lower_is_better,
                         intervention=names.get("intervention"), comparison=names.get("comparison"))


def outcome_figures(outcome: OutcomeResult, options: ReportOptions | None = None) -> list[FigureItem]:
    """Every figure of the outcome report, in report order (layouts only, nothing drawn or written)."""
    o = options or outcome_options(outcome)
    items = report_figures(outcome.analysis, forest_options=o.forest_options(), **o.names())
    for section in outcome_sections(outcome.subgroups, outcome.regression, o):
        items += section.figures
    return items


def write_outcome_report(outcome: OutcomeResult, out_dir: str | Path, options: ReportOptions | None = None, *,
                         force: bool = False) -> Path:
    """Write the outcome's report into ``out_dir``; returns the path of ``report.html``.

    Parameters
    ----------
    outcome : OutcomeResult
        One outcome of :func:`~evisynth.review.runner.run_review`.
    out_dir : str or Path
        Created if needed.
    options : ReportOptions, optional
        Defaults to the outcome's phrase and direction (:func:`outcome_options`).
    """
    o = options or outcome_options(outcome)
    return write_report(outcome.analysis, out_dir, o, subgroups=outcome.subgroups, regression=outcome.regression,
                        force=force, inputs=(outcome.spec.data,))

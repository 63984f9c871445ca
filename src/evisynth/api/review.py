"""A whole review: the review file, GRADE per outcome, summary-of-findings table and evidence summary."""

from __future__ import annotations

from pathlib import Path

from evisynth.errors import InputError
from evisynth.files import OutputSet, written_by_evisynth
from evisynth.report.summary import write_summary
from evisynth.review.file import Review, load_review
from evisynth.review.runner import OutcomeResult, ReviewResult, run_review
from evisynth.review.template import ADVERSE_EXAMPLE, PAIN_EXAMPLE, REVIEW_TEMPLATE, ROB_TEMPLATE

__all__ = ["OutcomeResult", "Review", "ReviewResult", "load_review", "run_review", "write_summary",
           "write_templates"]


def write_templates(folder: str | Path, *, examples: bool = True, force: bool = False) -> list[Path]:
    """Write a commented ``review.toml``, a ``rob.csv`` header and (optionally) example data into ``folder``.

    Existing files are kept unless evisynth wrote them and nobody edited them since, or ``force``:
    the first one found is named in an :class:`InputError` and nothing is written.
    """
    out = Path(folder)
    files = {"review.toml": REVIEW_TEMPLATE, "rob.csv": ROB_TEMPLATE}
    if examples:
        files.update({"pain.csv": PAIN_EXAMPLE, "adverse.csv": ADVERSE_EXAMPLE})
    existing = [name for name in files if (out / name).exists() and not written_by_evisynth(out / name)]
    if existing and not force:
        raise InputError(f"{', '.join(existing)} already exist in {out}; use --force to overwrite")
    with OutputSet(out, force=force, by="init", prune=False, option="DIR") as target:
        return [target.add(name, text) for name, text in files.items()]

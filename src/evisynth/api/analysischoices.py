"""What the web app's analysis form offers: plain labels for the option codes, the measures valid for
the grid's data, the methods valid for the chosen model, a coherent set of settings when the model
changes, and the engine's messages in the page's words.

The codes themselves (and the defaults) come from :mod:`evisynth.options`; the values the form sends
are those codes, unchanged.

>>> coherent({"measure": "MD", "model": "fixed", "method": "REML", "test": "z", "level": "0.95"},
...          "continuous")["method"]
'IV'
>>> page_words("--model multilevel needs --cluster COLUMN: the column naming the study")
'model multilevel needs a Cluster (study/trial id) column: the column naming the study'
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from evisynth import options as opt
from evisynth.analyses.spec import AnalysisSpec

__all__ = ["LABELS", "coherent", "measures_for", "methods_for", "page_words", "valid_tests"]

#: Plain labels of the option codes, per form field (the option values stay the codes).
LABELS: dict[str, dict[str, str]] = {
    "measure": {"MD": "MD — mean difference", "SMD": "SMD — standardised mean difference",
                "OR": "OR — odds ratio", "RR": "RR — risk ratio", "RD": "RD — risk difference",
                "PETO": "PETO — Peto odds ratio", "GEN": "GEN — generic (yi, SE)"},
    "model": {"fixed": "fixed — common effect", "random": "random — random effects",
              "multilevel": "multilevel — three-level"},
    "method": {"IV": "IV — inverse variance", "MH": "MH — Mantel–Haenszel", "PETO": "PETO — Peto",
               "DL": "DL — DerSimonian–Laird", "HE": "HE — Hedges", "HS": "HS — Hunter–Schmidt",
               "SJ": "SJ — Sidik–Jonkman", "ML": "ML — maximum likelihood", "REML": "REML — restricted ML",
               "PM": "PM — Paule–Mandel", "EB": "EB — empirical Bayes"},
    "test": {"z": "z — Wald-type z test", "hksj": "hksj — Hartung–Knapp–Sidik–Jonkman",
             "hksj-adhoc": "hksj-adhoc — HKSJ, ad hoc truncation"},
}

#: The measures each kind of study table can be analysed with (the study-table reader's kinds).
_KIND_MEASURES: dict[str, tuple[str, ...]] = {"continuous": ("MD", "SMD"), "binary": ("OR", "RR", "RD", "PETO"),
                                              "generic": opt.MEASURES}


def measures_for(kind: str | None) -> tuple[str, ...]:
    """The measures valid for a table of ``kind`` (all of them when the table cannot be read)."""
    return _KIND_MEASURES.get(kind or "", opt.MEASURES)


def methods_for(model: str, kind: str | None = None, measure: str = "") -> tuple[str, ...]:
    """The pooling or τ² methods valid for ``model``: IV (and, for dichotomous data, MH and Peto) for a
    common effect, the τ² estimators (and RevMan's M-H random effects) for random effects, REML or ML
    for the multilevel model."""
    dichotomous = kind in (None, "binary")
    mh = dichotomous and measure in ("", *opt.MH_MEASURES)
    if model == "multilevel":
        return opt.MULTILEVEL_METHODS
    if model == "fixed":
        return ("IV", *(("MH",) if mh else ()), *(("PETO",) if dichotomous and measure in ("", "OR", "PETO") else ()))
    return (*opt.TAU2_METHODS, *(("MH",) if mh else ()))


def valid_tests(model: str, robust: bool = False) -> tuple[str, ...]:
    """The tests valid for ``model``: only z for the multilevel model and robust SE (their own inference)."""
    return (opt.DEFAULT_TEST,) if model == "multilevel" or robust else opt.TESTS


def coherent(settings: Mapping[str, str], kind: str | None, base: AnalysisSpec | None = None) -> dict[str, str]:
    """The form's settings with model and method made to fit each other.

    A method the chosen model cannot use is replaced: IV (Peto for the Peto measure) for a common effect,
    the review's own τ² method (``base``) or the default of :mod:`evisynth.options` for random effects,
    REML for the multilevel model; the test becomes z where only z applies, and the cluster column is
    dropped where none is used. An empty model is the default model.
    """
    out = dict(settings)
    model = out.get("model") or (opt.DEFAULT_MODEL if (out.get("measure") or "") != "PETO" else "fixed")
    out["model"] = model
    method = out.get("method") or ""
    if method not in methods_for(model, kind, out.get("measure") or ""):
        if model == "fixed":
            method = "PETO" if out.get("measure") == "PETO" else opt.DEFAULT_FIXED_METHOD
        elif model == "multilevel":
            method = opt.DEFAULT_MULTILEVEL_METHOD
        elif base is not None and base.model == "random" and base.method in opt.TAU2_METHODS:
            method = base.method
        else:
            method = opt.DEFAULT_TAU2_METHOD
    out["method"] = method
    if out.get("test") not in valid_tests(model, bool(out.get("robust"))):
        out["test"] = opt.DEFAULT_TEST
    if model not in opt.ROBUST_MODELS:
        out["robust"] = ""
    if model != "multilevel" and not out.get("robust"):
        out["cluster"] = ""  # only the multilevel model and robust SE use a cluster column
    return out


_WORDS = {"cluster COLUMN": "a Cluster (study/trial id) column", "cluster": "Cluster", "robust": "robust SE",
          "subgroup": "Subgroups by", "moderator": "Meta-regression on", "bias": "publication bias",
          "sensitivity": "sensitivity analyses"}


def page_words(message: str) -> str:
    """An engine message in the page's words: no command-line options (``--method X`` reads ``method X``)."""
    text = re.sub(r"--(cluster COLUMN|[a-z][a-z0-9-]*)",
                  lambda m: _WORDS.get(m.group(1), m.group(1).replace("-", " ")), message)
    return text.replace("tau²", "τ²")

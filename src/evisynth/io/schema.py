"""Column vocabulary of the study table: canonical names and the aliases accepted for each.

Column names are matched case-insensitively after trimming and turning spaces, dots and
dashes into underscores. ``1``/``e`` (experimental, intervention) and ``2``/``c``
(control) mark the arms.

=================  =======================================================================
canonical          also accepted
=================  =======================================================================
``study``          ``study_id``, ``studlab``, ``author``, ``label``, ``trial``, ``study_or_subgroup``
``m1``             ``mean_e``, ``mean1``, ``m1i``, ``mean_exp``, ``experimental_mean``, ``mean_t``
``sd1``            ``sd_e``, ``sd1i``, ``sd_exp``, ``experimental_sd``, ``sd_t``
``n1``             ``total_e``, ``n_e``, ``n1i``, ``n_exp``, ``experimental_total``, ``n_t``
``m2``             ``mean_c``, ``mean2``, ``m2i``, ``mean_ctrl``, ``control_mean``
``sd2``            ``sd_c``, ``sd2i``, ``sd_ctrl``, ``control_sd``
``n2``             ``total_c``, ``n_c``, ``n2i``, ``n_ctrl``, ``control_total``
``events1``        ``events_e``, ``event_e``, ``ai``, ``e1``, ``experimental_events``, ``events_t``
``events2``        ``events_c``, ``event_c``, ``e2``, ``control_events``
``yi``             ``y``, ``te``, ``effect_size``
``vi``             ``v``, ``var``, ``variance``
``sei``            ``se``, ``se_te``, ``std_err``, ``standard_error``
``estimate``       ``est``, ``effect``, ``point_estimate``
``ci_lower``       ``lower``, ``lcl``, ``ci_low``, ``lower_ci``, ``ci_lb``
``ci_upper``       ``upper``, ``ucl``, ``ci_high``, ``upper_ci``, ``ci_ub``
=================  =======================================================================
"""

from __future__ import annotations

import re

ALIASES: dict[str, tuple[str, ...]] = {
    "study": ("study_id", "studlab", "author", "label", "trial", "study_or_subgroup", "slab"),
    "m1": ("mean_e", "mean1", "m1i", "mean_exp", "experimental_mean", "mean_t"),
    "sd1": ("sd_e", "sd1i", "sd_exp", "experimental_sd", "sd_t"),
    "n1": ("total_e", "n_e", "n1i", "n_exp", "experimental_total", "n_t"),
    "m2": ("mean_c", "mean2", "m2i", "mean_ctrl", "control_mean"),
    "sd2": ("sd_c", "sd2i", "sd_ctrl", "control_sd"),
    "n2": ("total_c", "n_c", "n2i", "n_ctrl", "control_total"),
    "events1": ("events_e", "event_e", "ai", "e1", "experimental_events", "events_t"),
    "events2": ("events_c", "event_c", "e2", "control_events"),
    "yi": ("y", "te", "effect_size"),
    "vi": ("v", "var", "variance"),
    "sei": ("se", "se_te", "std_err", "standard_error"),
    "estimate": ("est", "effect", "point_estimate"),
    "ci_lower": ("lower", "lcl", "ci_low", "lower_ci", "ci_lb"),
    "ci_upper": ("upper", "ucl", "ci_high", "upper_ci", "ci_ub"),
}

CONTINUOUS = ("m1", "sd1", "n1", "m2", "sd2", "n2")
BINARY = ("events1", "n1", "events2", "n2")
GENERIC_VAR = ("yi", "vi")
GENERIC_SE = ("yi", "sei")
GENERIC_CI = ("estimate", "ci_lower", "ci_upper")

_LOOKUP: dict[str, str] = {}
for _canon, _alts in ALIASES.items():
    _LOOKUP[_canon] = _canon
    for _alt in _alts:
        _LOOKUP[_alt] = _canon


def normalise_name(name: str) -> str:
    """Lower-case a header and turn spaces, dots and dashes into single underscores."""
    return re.sub(r"[\s.\-]+", "_", str(name).strip().lower()).strip("_")


def canonical_name(name: str) -> str | None:
    """The canonical column a header stands for, or ``None`` if it is not a data column."""
    return _LOOKUP.get(normalise_name(name))

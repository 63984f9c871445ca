"""The one source of the analysis options: their codes, defaults and help texts.

Every place that names an analysis setting derives it from here: :class:`AnalysisSpec`
(`evisynth.analyses.spec`), the command line's options (``evisynth analyze``, ``report``,
``batch``), the review file (TOML) and the demo. A code or default changes here and nowhere
else.

Codes follow RevMan and metafor: measures ``MD``, ``SMD``, ``OR``, ``RR``, ``RD``, ``PETO``,
``GEN``; models ``fixed`` (common effect) and ``random``; methods ``IV``, ``MH``, ``PETO``
(common effect) or a τ² estimator (``DL``, ``REML``, ``ML``, ``PM``, ``SJ``, ``HE``, ``HS``,
``EB``); tests ``z``, ``hksj`` and ``hksj-adhoc`` (metafor's ``test="adhoc"``).

>>> DEFAULT_TAU2_METHOD, DEFAULT_TEST, DEFAULT_LEVEL
('REML', 'z', 0.95)
>>> OPTIONS["method"].choices[:3]
('IV', 'MH', 'PETO')
>>> is_count_method("MH"), is_count_method("REML")
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal, get_args

Measure = Literal["MD", "SMD", "OR", "RR", "RD", "PETO", "GEN"]
Model = Literal["fixed", "random", "multilevel"]
MultilevelMethod = Literal["REML", "ML"]
FixedMethod = Literal["IV", "MH", "PETO"]
Tau2Method = Literal["DL", "HE", "HS", "SJ", "ML", "REML", "PM", "EB"]
Method = Literal[FixedMethod, Tau2Method]
Test = Literal["z", "hksj", "hksj-adhoc"]
SmdVariance = Literal["revman", "large-sample", "unbiased"]
MhContinuity = Literal["revman", "none"]
SubgroupModel = Literal["separate", "common"]
Tau2CiBound = Literal["exact", "metafor"]

MEASURES: Final[tuple[Measure, ...]] = get_args(Measure)
#: Measures analysed on the log scale and reported exponentiated too.
RATIO_MEASURES: Final = frozenset({"OR", "RR", "PETO"})
#: Measures of dichotomous data that the Mantel-Haenszel method pools.
MH_MEASURES: Final[tuple[Measure, ...]] = ("OR", "RR", "RD")
MODELS: Final[tuple[Model, ...]] = get_args(Model)
#: Variance-component estimators of the three-level (multilevel) model (metafor ``rma.mv``).
MULTILEVEL_METHODS: Final[tuple[MultilevelMethod, ...]] = get_args(MultilevelMethod)
#: Models whose pooled inference ``--robust`` can replace by CR2/Satterthwaite inference.
ROBUST_MODELS: Final[tuple[Model, ...]] = ("random", "multilevel")
FIXED_METHODS: Final[tuple[FixedMethod, ...]] = get_args(FixedMethod)
TAU2_METHODS: Final[tuple[Tau2Method, ...]] = get_args(Tau2Method)
METHODS: Final[tuple[Method, ...]] = (*FIXED_METHODS, *TAU2_METHODS)
#: Methods that pool 2x2 counts directly (no per-study inverse-variance model).
COUNT_METHODS: Final[tuple[FixedMethod, ...]] = ("MH", "PETO")
TESTS: Final[tuple[Test, ...]] = get_args(Test)
SMD_VARIANCES: Final[tuple[SmdVariance, ...]] = get_args(SmdVariance)
MH_CONTINUITY: Final[tuple[MhContinuity, ...]] = get_args(MhContinuity)
SUBGROUP_MODELS: Final[tuple[SubgroupModel, ...]] = get_args(SubgroupModel)
TAU2_CI_BOUNDS: Final[tuple[Tau2CiBound, ...]] = get_args(Tau2CiBound)

DEFAULT_MODEL: Final[Model] = "random"
DEFAULT_TAU2_METHOD: Final[Tau2Method] = "REML"
DEFAULT_FIXED_METHOD: Final[FixedMethod] = "IV"
DEFAULT_TEST: Final[Test] = "z"
DEFAULT_LEVEL: Final = 0.95
DEFAULT_SMD_VARIANCE: Final[SmdVariance] = "revman"
DEFAULT_CONTINUITY: Final = 0.5
DEFAULT_MH_CONTINUITY: Final[MhContinuity] = "revman"
DEFAULT_SUBGROUP_MODEL: Final[SubgroupModel] = "separate"
DEFAULT_SEED: Final = 20261124
DEFAULT_TAU2_CI_BOUND: Final[Tau2CiBound] = "exact"
DEFAULT_MULTILEVEL_METHOD: Final[MultilevelMethod] = "REML"

TEST_NAMES: Final[dict[Test, str]] = {
    "z": "Wald-type z test",
    "hksj": "Hartung-Knapp-Sidik-Jonkman",
    "hksj-adhoc": "Hartung-Knapp-Sidik-Jonkman with the ad hoc truncation at 1",
}


def is_count_method(method: str | None) -> bool:
    """Whether ``method`` pools 2x2 counts (Mantel-Haenszel or Peto) rather than study effects."""
    return method in COUNT_METHODS


def is_fixed_method(method: str | None) -> bool:
    """Whether ``method`` is a common-effect method (``IV``, ``MH``, ``PETO``)."""
    return method in FIXED_METHODS


def iv_method(model: str, method: str | None) -> Tau2Method:
    """The τ² code an inverse-variance fit needs: ``method`` for random effects, else the default.

    For a common-effect model the τ² method is unused by the engine (τ² = 0); the default is
    passed so that every call site names the default in one place.
    """
    if model == "random":
        for code in TAU2_METHODS:
            if method == code:
                return code
    return DEFAULT_TAU2_METHOD


@dataclass(frozen=True)
class Option:
    """One analysis option: its field in :class:`AnalysisSpec`, its command-line flag and help.

    ``choices`` are the accepted codes (``None`` for free values); ``default`` is what an
    omitted option means; ``upper`` says codes are given in capitals (``--method dl`` works).
    """

    name: str
    flag: str
    help: str
    default: Any = None
    choices: tuple[str, ...] | None = None
    upper: bool = False
    metavar: str | None = None

    def describe(self) -> str:
        """``--method`` must be one of ... — the accepted values, for messages."""
        return ", ".join(self.choices) if self.choices else ""


#: The analysis options shared by ``analyze``, ``report``, the review file and ``batch``.
OPTIONS: Final[dict[str, Option]] = {o.name: o for o in (
    Option("measure", "--measure", "effect measure (default: MD, OR or GEN by data)", None, MEASURES, upper=True),
    Option("model", "--model", f"fixed (common), random effects (default {DEFAULT_MODEL}) or multilevel "
           "(three-level: comparisons nested in the studies named by --cluster)", None, MODELS),
    Option("method", "--method", f"IV/MH/PETO (fixed; MH with --model random: RevMan's M-H random effects) "
           f"or a tau² estimator (default {DEFAULT_TAU2_METHOD})",
           None, METHODS, upper=True),
    Option("test", "--test", f"inference for the pooled effect (default {DEFAULT_TEST})", DEFAULT_TEST, TESTS),
    Option("level", "--level", f"confidence level as a fraction (default {DEFAULT_LEVEL})", DEFAULT_LEVEL),
    Option("smd_variance", "--smd-variance", f"variance of Hedges' g (default {DEFAULT_SMD_VARIANCE})",
           DEFAULT_SMD_VARIANCE, SMD_VARIANCES),
    Option("continuity", "--continuity",
           f"added to cells of zero-cell studies for OR/RR/RD (0 disables; Peto needs none; "
           f"default {DEFAULT_CONTINUITY})", DEFAULT_CONTINUITY),
    Option("mh_continuity", "--mh-continuity",
           "corrected zero-cell tables in the MH sums (revman) or not (none, as metafor)",
           DEFAULT_MH_CONTINUITY, MH_CONTINUITY),
    Option("subgroup_model", "--subgroup-model",
           "separate tau² per subgroup (RevMan) or a common tau² (mixed-effects)",
           DEFAULT_SUBGROUP_MODEL, SUBGROUP_MODELS),
    Option("tau2_ci_bound", "--tau2-ci-bound",
           "Q-profile limits of tau²: the exact roots (default) or metafor's, reported at its search bound "
           "max(100, 10 tau²) when beyond it", DEFAULT_TAU2_CI_BOUND, TAU2_CI_BOUNDS),
    Option("permutations", "--permutations", "permutation test iterations", 0, metavar="N"),
    Option("seed", "--seed", "random seed for the permutation test", DEFAULT_SEED),
    Option("cluster", "--cluster", "column naming the study of each row (comparison): the clusters of "
           "--model multilevel and --robust", None, metavar="COLUMN"),
    Option("robust", "--robust", "cluster-robust (CR2) SE, t test with Satterthwaite df, P and CI for the pooled "
           "effect of --model random or multilevel (needs --cluster)", False),
)}


def check_choice(name: str, value: Any) -> None:
    """Raise ``ValueError`` naming the option unless ``value`` is one of its codes."""
    option = OPTIONS[name]
    if option.choices is not None and value not in option.choices:
        raise ValueError(f"{option.flag} must be one of {option.describe()}; got {value!r}")


__all__ = [
    "COUNT_METHODS", "DEFAULT_CONTINUITY", "DEFAULT_FIXED_METHOD", "DEFAULT_LEVEL", "DEFAULT_MH_CONTINUITY",
    "DEFAULT_MODEL", "DEFAULT_MULTILEVEL_METHOD", "DEFAULT_SEED", "DEFAULT_SMD_VARIANCE", "DEFAULT_SUBGROUP_MODEL",
    "DEFAULT_TAU2_CI_BOUND", "DEFAULT_TAU2_METHOD", "DEFAULT_TEST", "FIXED_METHODS", "MEASURES", "METHODS",
    "MH_CONTINUITY", "MH_MEASURES", "MODELS", "MULTILEVEL_METHODS", "OPTIONS", "RATIO_MEASURES", "ROBUST_MODELS",
    "SMD_VARIANCES", "SUBGROUP_MODELS", "TAU2_CI_BOUNDS", "TAU2_METHODS", "TESTS", "TEST_NAMES", "FixedMethod",
    "Measure", "Method", "MhContinuity", "Model", "MultilevelMethod", "Option", "SmdVariance", "SubgroupModel",
    "Tau2CiBound", "Tau2Method", "Test", "check_choice", "is_count_method", "is_fixed_method", "iv_method",
]

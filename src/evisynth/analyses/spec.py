"""What to analyse and how: one frozen :class:`AnalysisSpec` per analysis.

The codes, defaults and help texts of every setting come from :mod:`evisynth.options`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from evisynth import options as opt
from evisynth.errors import InputError

#: Re-exported for callers that list the accepted methods.
FIXED_METHODS = opt.FIXED_METHODS
METHODS = opt.METHODS
SUBGROUP_MODELS = opt.SUBGROUP_MODELS


@dataclass(frozen=True)
class AnalysisSpec:
    """Settings of one analysis; :meth:`resolved` fills in the defaults that depend on others.

    ``model`` is ``"random"`` or ``"fixed"``; ``method`` is a τ² estimator code for random
    effects or ``IV``/``MH``/``PETO`` for a common-effect analysis (choosing one of those
    implies ``model="fixed"``; ``MH`` with ``model="random"`` is RevMan 5's "M-H, Random"
    analysis). ``model="multilevel"`` is the three-level model of comparisons nested in the
    studies named by the column ``cluster`` (``method`` REML or ML); ``robust`` replaces the
    pooled inference of a random-effects or multilevel model by the cluster-robust (CR2,
    Satterthwaite) one, clustered by ``cluster``. ``level`` is a fraction (0.95).

    >>> AnalysisSpec(measure="or", method="mh").resolved().model
    'fixed'
    >>> AnalysisSpec().resolved().method
    'REML'
    """

    measure: str | None = None
    model: str | None = None
    method: str | None = None
    test: str = opt.DEFAULT_TEST
    level: float = opt.DEFAULT_LEVEL
    smd_variance: str = opt.DEFAULT_SMD_VARIANCE
    continuity: float = opt.DEFAULT_CONTINUITY
    mh_continuity: str = opt.DEFAULT_MH_CONTINUITY
    drop_double_zero: bool | None = None
    tau2_ci_bound: str = opt.DEFAULT_TAU2_CI_BOUND
    log_scale: bool = False
    subgroup: str | None = None
    subgroup_model: str = opt.DEFAULT_SUBGROUP_MODEL
    moderators: tuple[str, ...] = ()
    reference: tuple[tuple[str, str], ...] = ()
    predict: tuple[tuple[tuple[str, Any], ...], ...] = ()
    permutations: int = 0
    seed: int = opt.DEFAULT_SEED
    bias: bool = False
    sensitivity: bool = False
    order: str | None = None
    cluster: str | None = None
    robust: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def count_method(self) -> bool:
        """Whether the method pools 2x2 counts (Mantel-Haenszel or Peto)."""
        return opt.is_count_method(self.method)

    @property
    def tau2_method(self) -> str:
        """The τ² estimator an inverse-variance fit of this spec uses (see :func:`options.iv_method`)."""
        return opt.iv_method(self.model or opt.DEFAULT_MODEL, self.method)

    def resolved(self) -> AnalysisSpec:
        """Check every setting and return the spec with ``model`` and ``method`` decided."""
        measure = self.measure.upper() if self.measure else None
        method = self.method.upper() if self.method else None
        model = self.model
        for name, value in (("measure", measure), ("method", method), ("model", model)):
            if value is not None:
                _check(name, value, self)
        if model == "multilevel" or self.robust:
            return _dependent(self, measure, model, method)
        if method == "MH" and model == "random":
            pass  # RevMan's "M-H, Random": DerSimonian-Laird with the M-H-centred Q (models.revman_random)
        elif method in opt.FIXED_METHODS:
            if model == "random":
                raise InputError(
                    f"--method {method} is a common-effect (fixed) method; use --model fixed or a "
                    f"tau² method ({', '.join(opt.TAU2_METHODS)}) for random effects"
                )
            model = "fixed"
        elif method is not None:
            if model == "fixed":
                raise InputError(
                    f"--method {method} estimates tau² for random effects; with --model fixed use "
                    "--method IV, MH or PETO"
                )
            model = "random"
        model = model or ("fixed" if measure == "PETO" else opt.DEFAULT_MODEL)
        if method is None:
            method = ("PETO" if measure == "PETO" else opt.DEFAULT_FIXED_METHOD) if model == "fixed" \
                else opt.DEFAULT_TAU2_METHOD
        if method == "MH" and measure not in (None, *opt.MH_MEASURES):
            raise InputError(f"--method MH needs --measure OR, RR or RD; got {measure}")
        if method == "PETO" and measure not in (None, "OR", "PETO"):
            raise InputError(f"--method PETO needs --measure PETO (or OR); got {measure}")
        if method == "PETO":
            measure = "PETO"
        for name in ("test", "smd_variance", "mh_continuity", "subgroup_model", "tau2_ci_bound"):
            _check(name, getattr(self, name), self)
        if not (0 < float(self.level) < 1):
            raise InputError(f"--level must be a fraction between 0 and 1, e.g. 0.95; got {self.level!r}")
        if self.permutations < 0:
            raise InputError(f"--permutations must be >= 0; got {self.permutations}")
        return replace(self, measure=measure, model=model, method=method, level=float(self.level))

    def settings(self) -> dict[str, Any]:
        """The settings as plain JSON-ready values (every field but ``extra``, in field order)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "extra":
                continue
            value = getattr(self, f.name)
            if f.name == "moderators":
                value = list(value)
            elif f.name == "reference":
                value = dict(value)
            elif f.name == "predict":
                value = [dict(p) for p in value]
            out[f.name] = value
        return out

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> AnalysisSpec:
        """The spec a :meth:`settings` dictionary describes (keys it does not know are ignored)."""
        known = {f.name for f in fields(cls)} - {"extra"}
        values = {k: v for k, v in settings.items() if k in known}
        if "moderators" in values:
            values["moderators"] = tuple(values["moderators"] or ())
        if "reference" in values:
            values["reference"] = tuple((values["reference"] or {}).items())
        if "predict" in values:
            values["predict"] = tuple(tuple(p.items()) for p in values["predict"] or ())
        return cls(**values)


def _dependent(spec: AnalysisSpec, measure: str | None, model: str | None, method: str | None) -> AnalysisSpec:
    """Resolve a multilevel or cluster-robust analysis; every combination that makes no sense is refused.

    As in metafor, the three-level model (``rma.mv``) estimates its variance components by REML or
    ML and tests with z; ``--robust`` (clubSandwich's CR2 with Satterthwaite df, as metafor's
    ``robust(..., clubSandwich = TRUE)``) is offered for the random-effects and multilevel models.
    clubSandwich also accepts common-effect ``rma.uni`` fits, but a common effect is rarely a
    credible working model for dependent comparisons, and Mantel-Haenszel and Peto have no
    inverse-variance working model to make robust: those are refused.
    """
    cluster = spec.cluster.strip() if isinstance(spec.cluster, str) else spec.cluster
    if model == "multilevel":
        method = method or opt.DEFAULT_MULTILEVEL_METHOD
        if method not in opt.MULTILEVEL_METHODS:
            raise InputError(f"--method {method} does not apply to --model multilevel; its variance components are "
                             f"estimated by {' or '.join(opt.MULTILEVEL_METHODS)}")
        if not cluster:
            raise InputError("--model multilevel needs --cluster COLUMN: the column naming the study of each "
                             "comparison (row)")
    else:
        model = model or ("fixed" if method in opt.FIXED_METHODS or measure == "PETO" else opt.DEFAULT_MODEL)
        if model not in opt.ROBUST_MODELS or method in opt.FIXED_METHODS:
            shown = f"--method {method}" if method in opt.FIXED_METHODS else f"--model {model}"
            raise InputError(f"--robust applies to --model random or multilevel, not to {shown}; for dependent "
                             "comparisons use --model random or multilevel with --robust")
        method = method or opt.DEFAULT_TAU2_METHOD
    if spec.robust and not cluster:
        raise InputError("--robust needs --cluster COLUMN: the column naming the study (cluster) of each row")
    if spec.test != opt.DEFAULT_TEST:
        what = "--robust (its CR2 t test has Satterthwaite df)" if spec.robust else "--model multilevel"
        raise InputError(f"--test {spec.test} does not apply to {what}; use the default --test z")
    if measure == "PETO":
        raise InputError("--measure PETO is pooled by Peto's common-effect method; use --measure OR for "
                         f"{'--robust' if spec.robust else '--model multilevel'}")
    for flag, value in (("--subgroup", spec.subgroup), ("--moderator", spec.moderators), ("--bias", spec.bias),
                        ("--sensitivity", spec.sensitivity)):
        if value:
            what, instead = (("--model multilevel", "--model random") if model == "multilevel"
                             else ("--robust", "without --robust"))
            raise InputError(f"{flag} is not available with {what} yet; run it {instead} in a separate analysis")
    for name in ("smd_variance", "mh_continuity", "subgroup_model", "tau2_ci_bound"):
        _check(name, getattr(spec, name), spec)
    if not (0 < float(spec.level) < 1):
        raise InputError(f"--level must be a fraction between 0 and 1, e.g. 0.95; got {spec.level!r}")
    return replace(spec, measure=measure, model=model, method=method, level=float(spec.level), cluster=cluster)


def _check(name: str, value: Any, spec: AnalysisSpec) -> None:
    try:
        opt.check_choice(name, value)
    except ValueError as exc:
        shown = getattr(spec, name)
        raise InputError(str(exc).replace(repr(value), repr(shown))) from None

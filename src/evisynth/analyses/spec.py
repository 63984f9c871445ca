"""What to analyse and how: one frozen :class:`AnalysisSpec` per analysis."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from evisynth.effects.compute import SMD_VARIANCES
from evisynth.effects.table import MEASURES
from evisynth.errors import InputError
from evisynth.models.mantel_haenszel import MH_CONTINUITY
from evisynth.models.pool import MODELS, TESTS
from evisynth.models.tau2 import TAU2_ESTIMATORS

FIXED_METHODS = ("IV", "MH", "PETO")
METHODS = (*FIXED_METHODS, *TAU2_ESTIMATORS)
SUBGROUP_MODELS = ("separate", "common")


@dataclass(frozen=True)
class AnalysisSpec:
    """Settings of one analysis; :meth:`resolved` fills in the defaults that depend on others.

    ``model`` is ``"random"`` or ``"fixed"``; ``method`` is a τ² estimator code for random
    effects or ``IV``/``MH``/``PETO`` for a common-effect analysis (choosing one of those
    implies ``model="fixed"``). ``level`` is a fraction (0.95).
    """

    measure: str | None = None
    model: str | None = None
    method: str | None = None
    test: str = "z"
    level: float = 0.95
    smd_variance: str = "revman"
    continuity: float = 0.5
    mh_continuity: str = "revman"
    drop_double_zero: bool | None = None
    log_scale: bool = False
    subgroup: str | None = None
    subgroup_model: str = "separate"
    moderators: tuple[str, ...] = ()
    reference: tuple[tuple[str, str], ...] = ()
    predict: tuple[tuple[tuple[str, Any], ...], ...] = ()
    permutations: int = 0
    seed: int = 20261124
    bias: bool = False
    sensitivity: bool = False
    order: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def resolved(self) -> AnalysisSpec:
        """Check every setting and return the spec with ``model`` and ``method`` decided."""
        if self.measure is not None and self.measure.upper() not in MEASURES:
            raise InputError(f"--measure must be one of {', '.join(MEASURES)}; got {self.measure!r}")
        measure = self.measure.upper() if self.measure else None
        method = self.method.upper() if self.method else None
        if method is not None and method not in METHODS:
            raise InputError(f"--method must be one of {', '.join(METHODS)}; got {self.method!r}")
        model = self.model
        if model is not None and model not in MODELS:
            raise InputError(f"--model must be one of {', '.join(MODELS)}; got {model!r}")
        if method in FIXED_METHODS:
            if model == "random":
                raise InputError(
                    f"--method {method} is a common-effect (fixed) method; use --model fixed or a "
                    f"tau² method ({', '.join(TAU2_ESTIMATORS)}) for random effects"
                )
            model = "fixed"
        elif method is not None:
            if model == "fixed":
                raise InputError(
                    f"--method {method} estimates tau² for random effects; with --model fixed use "
                    "--method IV, MH or PETO"
                )
            model = "random"
        model = model or ("fixed" if measure == "PETO" else "random")
        if method is None:
            method = ("PETO" if measure == "PETO" else "IV") if model == "fixed" else "REML"
        if method == "MH" and measure not in (None, "OR", "RR", "RD"):
            raise InputError(f"--method MH needs --measure OR, RR or RD; got {measure}")
        if method == "PETO" and measure not in (None, "OR", "PETO"):
            raise InputError(f"--method PETO needs --measure PETO (or OR); got {measure}")
        if method == "PETO":
            measure = "PETO"
        if self.test not in TESTS:
            raise InputError(f"--test must be one of {', '.join(TESTS)}; got {self.test!r}")
        if not (0 < float(self.level) < 1):
            raise InputError(f"--level must be a fraction between 0 and 1, e.g. 0.95; got {self.level!r}")
        if self.smd_variance not in SMD_VARIANCES:
            raise InputError(f"--smd-variance must be one of {', '.join(SMD_VARIANCES)}; got {self.smd_variance!r}")
        if self.mh_continuity not in MH_CONTINUITY:
            raise InputError(f"--mh-continuity must be one of {', '.join(MH_CONTINUITY)}; got {self.mh_continuity!r}")
        if self.subgroup_model not in SUBGROUP_MODELS:
            raise InputError(
                f"--subgroup-model must be one of {', '.join(SUBGROUP_MODELS)}; got {self.subgroup_model!r}"
            )
        if self.permutations < 0:
            raise InputError(f"--permutations must be >= 0; got {self.permutations}")
        return replace(self, measure=measure, model=model, method=method, level=float(self.level))

    def settings(self) -> dict[str, Any]:
        """The settings as plain JSON-ready values."""
        return {
            "measure": self.measure,
            "model": self.model,
            "method": self.method,
            "test": self.test,
            "level": self.level,
            "smd_variance": self.smd_variance,
            "continuity": self.continuity,
            "mh_continuity": self.mh_continuity,
            "drop_double_zero": self.drop_double_zero,
            "log_scale": self.log_scale,
            "subgroup": self.subgroup,
            "subgroup_model": self.subgroup_model,
            "moderators": list(self.moderators),
            "reference": dict(self.reference),
            "predict": [dict(p) for p in self.predict],
            "permutations": self.permutations,
            "seed": self.seed,
            "bias": self.bias,
            "sensitivity": self.sensitivity,
            "order": self.order,
        }

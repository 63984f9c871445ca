"""The effect table: one row per comparison with its effect estimate and sampling variance."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: Effect measure codes, as in RevMan/metafor.
MEASURES = ("MD", "SMD", "OR", "RR", "RD", "PETO", "GEN")
#: Measures analysed on the log scale and reported exponentiated too.
RATIO_MEASURES = frozenset({"OR", "RR", "PETO"})

MEASURE_LABELS = {
    "MD": "Mean Difference",
    "SMD": "Std. Mean Difference",
    "OR": "Odds Ratio",
    "RR": "Risk Ratio",
    "RD": "Risk Difference",
    "PETO": "Peto Odds Ratio",
    "GEN": "Effect",
}


@dataclass(frozen=True)
class EffectTable:
    """Study effects on the analysis scale (log scale for ratio measures).

    Attributes
    ----------
    study : tuple of str
        Study labels in input order.
    yi, vi : ndarray
        Effect estimates and sampling variances (``nan`` where not estimable).
    measure : str
        One of :data:`MEASURES`.
    log_scale : bool
        Whether ``yi`` is a log ratio (exponentiate for display).
    included : ndarray of bool
        Studies that enter the analysis (estimable and not dropped).
    notes : tuple of str
        Per study, what was done to its data ("" when nothing), e.g. the zero-cell correction.
    data : dict
        The arm-level input columns (``m1``, ``sd1``, ``n1``, ``events1``, ...), as given.
    extra : dict
        Other columns of the study table (subgroup variables and moderators).
    source : str
        Where the data came from (file name), for messages and provenance.
    decimals : dict
        Per arm-level column, per row: the decimals the value was entered with, or ``None`` when
        it was derived (:attr:`evisynth.io.tabular.StudyTable.decimals`).
    """

    study: tuple[str, ...]
    yi: np.ndarray
    vi: np.ndarray
    measure: str
    log_scale: bool
    included: np.ndarray
    notes: tuple[str, ...]
    data: dict[str, np.ndarray] = field(default_factory=dict)
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    source: str = ""
    kind: str = "generic"
    decimals: dict[str, tuple[int | None, ...]] = field(default_factory=dict)

    @property
    def k(self) -> int:
        """Number of rows, included or not."""
        return len(self.study)

    def subset(self, keep: np.ndarray) -> EffectTable:
        """A table with only the rows where ``keep`` is true (boolean mask or indices)."""
        idx = np.arange(self.k)[keep]
        return EffectTable(
            study=tuple(self.study[i] for i in idx),
            yi=self.yi[idx],
            vi=self.vi[idx],
            measure=self.measure,
            log_scale=self.log_scale,
            included=self.included[idx],
            notes=tuple(self.notes[i] for i in idx),
            data={k: v[idx] for k, v in self.data.items()},
            extra={k: v[idx] for k, v in self.extra.items()},
            source=self.source,
            kind=self.kind,
            decimals={k: tuple(v[i] for i in idx) for k, v in self.decimals.items()},
        )

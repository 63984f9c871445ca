"""Synthetic analyses and fixtures for the figure and report tests (built with the engine, so results are real).

The fixtures are :class:`~evisynth.analyses.bundle.AnalysisBundle` objects (the typed results every
layout reads); ``bundle.to_dict()`` is the analysis document.

Shared by every test through ``tests/conftest.py``.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from evisynth.analyses.bundle import AnalysisBundle
from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec

#: Committed study tables shared by the figure, report and engine tests (see ``tests/data/README.md``).
SAMPLES = Path(__file__).resolve().parent / "data"


def continuous_frame(k: int, *, seed: int = 1, subgroups: bool = False, long_labels: bool = False,
                     rob: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n1 = rng.integers(8, 60, k)
    n2 = rng.integers(8, 60, k)
    sd1 = np.round(rng.uniform(0.5, 1.5, k), 2)
    sd2 = np.round(rng.uniform(0.5, 1.5, k), 2)
    m2 = np.round(rng.normal(3.0, 0.5, k), 2)
    m1 = np.round(m2 - 0.25 + rng.normal(0, 0.35, k), 2)
    names = [f"Study {i + 1} {1990 + i % 30}" for i in range(k)]
    if long_labels:
        names = [f"{n} (multicentre trial of repetitive transcranial magnetic stimulation, cohort {i})"
                 for i, n in enumerate(names)]
    df = pd.DataFrame({"study": names, "m1": m1, "sd1": sd1, "n1": n1, "m2": m2, "sd2": sd2, "n2": n2,
                       "year": [1990 + (i * 7) % 30 for i in range(k)]})
    if subgroups:
        df["dose"] = ["high" if i % 3 else "low" for i in range(k)]
    if rob:
        levels = np.array(["Low", "Some concerns", "High", "No information"])
        for d in ("D1", "D2", "D3", "D4", "D5"):
            df[d] = levels[rng.integers(0, 4, k)]
        df["Overall"] = levels[rng.integers(0, 3, k)]
    return df


def analyse(df: pd.DataFrame, **spec: Any) -> AnalysisBundle:
    """The analysis of ``df`` with the settings ``spec`` (warnings silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_analysis(df, AnalysisSpec(**spec), source="synthetic")


@pytest.fixture(scope="session")
def doc_small() -> AnalysisBundle:
    """Risk ratio, Mantel-Haenszel, common effect; one double-zero study."""
    return analyse(pd.read_csv(SAMPLES / "binary.csv"), measure="RR", method="MH", model="fixed")


@pytest.fixture(scope="session")
def doc_subgroup() -> AnalysisBundle:
    """Mean difference, random effects (REML), subgroups by hemisphere."""
    return analyse(pd.read_csv(SAMPLES / "continuous.csv"), subgroup="hemisphere")


@pytest.fixture(scope="session")
def doc_or_subgroup() -> AnalysisBundle:
    """Odds ratio, random effects (REML), subgroups by risk; one double-zero study."""
    return analyse(pd.read_csv(SAMPLES / "binary.csv"), measure="OR", subgroup="risk")


@pytest.fixture(scope="session")
def doc18() -> AnalysisBundle:
    return analyse(continuous_frame(18, subgroups=True), subgroup="dose")


@pytest.fixture(scope="session")
def doc60() -> AnalysisBundle:
    return analyse(continuous_frame(60, seed=3, long_labels=True))

"""Helpers of the dependent-effects reference suites: load a case and compare numbers."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
DATA = REFERENCE / "dependent"

#: Absolute tolerance (relative above 1 in magnitude): the issue's 1e-6.
TOL = 1e-6


def case_files(folder: str) -> list[Path]:
    return sorted((REFERENCE / folder).glob("*.json"))


def load(path: Path) -> tuple[dict[str, Any], pd.DataFrame, np.ndarray]:
    """Expected document, the rows of its dataset that R used, and the design matrix R built."""
    expected = json.loads(path.read_text(encoding="utf-8"))
    case = expected["header"]["case"]
    data = pd.read_csv(DATA / f"{case['data']}.csv").iloc[expected["rows_used"]].reset_index(drop=True)
    X = np.column_stack([np.atleast_1d(col) for col in expected["x"]]).astype(float)
    return expected, data, X


def close(actual: Any, expected: Any, name: str, problems: list[str], tol: float = TOL) -> None:
    """Compare scalars or sequences; ``None`` expected requires ``None``."""
    if isinstance(expected, list) or isinstance(actual, (list, tuple, np.ndarray)):
        exp = expected if isinstance(expected, list) else [expected]
        act = list(np.atleast_1d(np.asarray(actual, dtype=object)))
        if len(exp) != len(act):
            problems.append(f"{name}: {len(act)} values, expected {len(exp)}")
            return
        for i, (a, e) in enumerate(zip(act, exp, strict=True)):
            close(a, e, f"{name}[{i}]", problems, tol)
        return
    if expected is None:
        if actual is not None and not (isinstance(actual, float) and math.isnan(actual)):
            problems.append(f"{name}: {actual!r}, expected null")
        return
    if actual is None or not math.isfinite(float(actual)):
        problems.append(f"{name}: {actual!r}, expected {expected!r}")
        return
    if abs(float(actual) - expected) > tol * max(1.0, abs(expected)):
        problems.append(f"{name}: {float(actual)!r}, expected {expected!r} (difference {float(actual) - expected:.3g})")

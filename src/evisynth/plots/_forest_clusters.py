"""Comparisons grouped under their study in the forest plot (an analysis with ``--cluster``).

The cluster of each row is read from the study rows' other columns
(:attr:`~evisynth.analyses.results.StudyRow.moderators`), under the name the analysis gave
(``spec.cluster``; matched without regard to case, and ``trial`` finds the reader's ``trial_id``).

>>> groups = cluster_groups(["a", "b", "a", "c"], [0, 1, 2, 3])
>>> groups
[('a', [0, 2]), ('b', [1]), ('c', [3])]
>>> indented("Trial 03: 1 Hz")
'    Trial 03: 1 Hz'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from evisynth.analyses.bundle import AnalysisBundle

#: Indentation of a comparison's label under its study's header row.
INDENT = "    "


def indented(label: str) -> str:
    """A comparison's label as shown under its study's header."""
    return INDENT + label


def _label(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, float):
        return f"{x:g}"
    return str(x).strip()


def cluster_of(bundle: AnalysisBundle) -> list[str] | None:
    """Each study row's cluster label (``""`` when missing), or ``None`` without a cluster column."""
    name = bundle.spec.cluster
    if not name:
        return None
    keys = {k for s in bundle.studies for k in s.moderators}
    key = name if name in keys else {k.lower(): k for k in keys}.get(name.lower())
    if key is None and name.lower() == "trial" and "trial_id" in keys:
        key = "trial_id"
    if key is None:
        return None
    return [_label(s.moderators.get(key)) for s in bundle.studies]


def cluster_groups(labels: Sequence[str], order: Sequence[int]) -> list[tuple[str, list[int]]]:
    """The rows of ``order`` grouped by cluster, clusters in order of first appearance.

    Rows keep their relative order within a cluster; a row without a label is its own group.
    """
    groups: dict[str, list[int]] = {}
    out: list[tuple[str, list[int]]] = []
    for i in order:
        lab = labels[i]
        if lab == "":
            out.append(("", [i]))
            continue
        if lab not in groups:
            groups[lab] = []
            out.append((lab, groups[lab]))
        groups[lab].append(i)
    return out

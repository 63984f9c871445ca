"""Arm-level data as the reviewer entered them: the cells of the forest plot and the study table.

RevMan shows each mean, SD and count with the decimals it was entered with. Values evisynth
derived (an SD from a standard error or a confidence interval, a mean from a median, a shared
control group split between comparisons) are written with the decimals entered elsewhere in the
same column (else in the related mean/SD columns, else 2) and marked with :data:`DERIVED_MARK`;
:func:`derived_legend` is the note that explains the mark. Nothing here computes a statistic.
"""

from __future__ import annotations

from collections.abc import Sequence

from evisynth import format as fmt
from evisynth.analyses.results import StudyRow

#: Appended to a derived value (``0.98†``); explained by :func:`derived_legend`.
DERIVED_MARK = "†"
_COUNTS = ("n1", "n2", "events1", "events2")
_RELATED = {"m1": ("m2", "sd1", "sd2"), "m2": ("m1", "sd2", "sd1"), "sd1": ("sd2", "m1", "m2"),
            "sd2": ("sd1", "m2", "m1")}


def _fallback(studies: Sequence[StudyRow], key: str) -> int:
    """Decimals for a derived value of column ``key``: those entered in the column, else related columns, else 2."""
    for column in (key, *_RELATED.get(key, ())):
        entered = [s.decimals[column] for s in studies if column in s.decimals]
        if entered:
            return max(entered)
    return 2


def arm_cells(studies: Sequence[StudyRow], keys: Sequence[str]) -> list[dict[str, str]]:
    """Per study, the text of each arm-level column in ``keys`` (entered decimals; derived values marked).

    >>> row = StudyRow("A", 0.1, 0.2, None, None, None, 50.0, True, data={"m1": 14.0, "sd1": 2.345, "n1": 20.0},
    ...                decimals={"m1": 1, "n1": 0}, derived=("sd1",))
    >>> arm_cells([row], ["m1", "sd1", "n1"])
    [{'m1': '14.0', 'sd1': '2.3†', 'n1': '20'}]
    """
    fallback = {key: _fallback(studies, key) for key in keys}
    out = []
    for s in studies:
        cells = {}
        for key in keys:
            value = s.data.get(key)
            if key in s.derived:
                whole = isinstance(value, (int, float)) and float(value).is_integer()
                decimals = 0 if key in _COUNTS and whole else (None if key in _COUNTS else fallback[key])
                cells[key] = fmt.format_entered(value, decimals) + DERIVED_MARK
            else:
                cells[key] = fmt.format_entered(value, s.decimals.get(key))
        out.append(cells)
    return out


def has_derived(studies: Sequence[StudyRow], keys: Sequence[str]) -> bool:
    """Whether any of ``keys`` is a derived value in some study."""
    return any(k in s.derived for s in studies for k in keys)


def derived_legend() -> str:
    """The note explaining :data:`DERIVED_MARK`."""
    return (f"{DERIVED_MARK} Derived by evisynth from other reported statistics (e.g. SD from SE, CI or "
            "median/IQR; shared control group split); see the study notes")

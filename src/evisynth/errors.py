"""Exceptions and warning categories used throughout evisynth.

::

    EvisynthError                 base of every error evisynth raises on purpose
    ├── InputError                bad user data or arguments (file, row, column, what is accepted)
    ├── ConvergenceError          an iterative estimator could not produce a defined value
    └── UnsupportedAnalysisError  a combination of settings the method does not define

    EvisynthWarning               base of every warning evisynth issues
    ├── FewStudiesWarning         too few studies for the method (e.g. k < 3 with random effects)
    ├── ZeroCellWarning           zero cells corrected or double-zero studies dropped
    ├── ConvergenceWarning        an iterative estimator stopped before meeting its tolerance
    ├── DataWarning               suspicious but usable data (e.g. a control arm counted twice)
    │   └── DuplicateLabelWarning two rows with one study label, made unique ("Smith 1992a", "... b")
    └── DegenerateDataWarning     a statistic is undefined for these data (e.g. identical effects)
                                  and reported as null; see evisynth.models.undefined
"""

from __future__ import annotations


class EvisynthError(Exception):
    """Base class of all errors raised deliberately by evisynth."""


class InputError(EvisynthError, ValueError):
    """Invalid user input: the message names where the problem is and what is accepted."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        line: int | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.line = line
        self.column = column
        self.detail = message
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}" + (f" (line {self.line})" if self.line is not None else ""))
        if self.column:
            where.append(f"column '{self.column}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.detail}" if prefix else self.detail

    def with_file(self, file: str) -> InputError:
        """Return a copy of this error that also names ``file``."""
        return InputError(self.detail, file=file, row=self.row, column=self.column, line=self.line)


class ConvergenceError(EvisynthError):
    """An iterative algorithm failed and no defined value can be returned."""


class UnsupportedAnalysisError(EvisynthError):
    """The requested combination of settings is not defined for this method."""


class EvisynthWarning(UserWarning):
    """Base class of all evisynth warnings."""


class FewStudiesWarning(EvisynthWarning):
    """Too few studies for the method to be reliable."""


class ZeroCellWarning(EvisynthWarning):
    """Zero cells were corrected, or double-zero studies were dropped."""


class ConvergenceWarning(EvisynthWarning):
    """An iterative estimator did not meet its convergence criterion."""


class DataWarning(EvisynthWarning):
    """The data are usable but look suspicious."""


class DuplicateLabelWarning(DataWarning):
    """Two or more rows have the same study label; they were made unique ("Smith 1992a", "Smith 1992b")."""


class DegenerateDataWarning(EvisynthWarning):
    """A statistic is undefined for these data and is reported as null (JSON ``null``).

    Raised for the flags of :class:`evisynth.models.undefined.Undefined` (e.g. every study effect
    identical: the Hartung-Knapp standard error, Egger's and Begg's tests are 0/0)."""


__all__ = [
    "ConvergenceError",
    "ConvergenceWarning",
    "DataWarning",
    "DegenerateDataWarning",
    "DuplicateLabelWarning",
    "EvisynthError",
    "EvisynthWarning",
    "FewStudiesWarning",
    "InputError",
    "UnsupportedAnalysisError",
    "ZeroCellWarning",
]

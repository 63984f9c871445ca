"""Combining the arms of a trial and splitting a shared control group among comparisons.

Part of the data-extraction conversions; :mod:`evisynth.io.conversions` re-exports every name.

Sources
-------
Higgins JPT, Li T, Deeks JJ (eds). Cochrane Handbook for Systematic Reviews of Interventions,
version 6, table 6.5.a (combining groups) and §23.3.4 (multi-arm trials, splitting a shared
group). Version 5.1: table 7.7.a, §16.5.4.
"""

from __future__ import annotations

import numpy as np

from evisynth.errors import InputError
from evisynth.io._conversion_base import ArrayLike, _arr, _check_n


def combine_groups(n1: ArrayLike, m1: ArrayLike, sd1: ArrayLike,
                   n2: ArrayLike, m2: ArrayLike, sd2: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Combine two groups' (n, mean, SD) into one group (Cochrane Handbook table 6.5.a).

    ``N = N1 + N2``; ``M = (N1M1 + N2M2)/N``;
    ``SD = √{[(N1−1)SD1² + (N2−1)SD2² + (N1N2/N)(M1² + M2² − 2M1M2)] / (N − 1)}``.
    The result equals the mean and sample SD of the pooled raw data exactly. Apply repeatedly
    for more than two groups.

    Returns
    -------
    (n, mean, sd)

    Examples
    --------
    >>> n, m, s = combine_groups(2, 1.0, 2 ** 0.5, 2, 5.0, 2 ** 0.5)   # raw data 0, 2 and 4, 6
    >>> float(n), float(m), round(float(s) ** 2, 6)
    (4.0, 3.0, 6.666667)
    """
    n1, m1, sd1, n2, m2, sd2 = (_arr(x) for x in (n1, m1, sd1, n2, m2, sd2))
    _check_n("n1", n1, 1)
    _check_n("n2", n2, 1)
    n = n1 + n2
    mean = (n1 * m1 + n2 * m2) / n
    var = ((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2 + n1 * n2 / n * (m1**2 + m2**2 - 2 * m1 * m2)) / (n - 1)
    return n, mean, np.sqrt(var)


def combine_binary(events1: ArrayLike, n1: ArrayLike, events2: ArrayLike, n2: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Combine two groups' events and totals by adding them (Handbook table 6.5.a)."""
    return _arr(events1) + _arr(events2), _arr(n1) + _arr(n2)


def split_counts(total: int, parts: int) -> list[int]:
    """Split a whole number into ``parts`` whole numbers that differ by at most one (first ones larger).

    >>> split_counts(25, 2)
    [13, 12]
    """
    if parts < 1:
        raise InputError(f"cannot split into {parts} parts")
    base, rem = divmod(int(total), parts)
    return [base + (1 if i < rem else 0) for i in range(parts)]


def split_shared_group(n: int, parts: int, events: int | None = None) -> list[tuple[int, int | None]]:
    """Divide a shared (e.g. control) group among ``parts`` comparisons of a multi-arm trial.

    The participants are split as evenly as whole numbers allow, so the group is not counted
    more than once (Cochrane Handbook v6 §23.3.4; v5.1 §16.5.4). Events are split in proportion
    to the participants (largest-remainder rounding, totals preserved, never above the arm size).
    Means and SDs stay as reported.

    Returns
    -------
    list of (n, events)

    Examples
    --------
    >>> split_shared_group(25, 2, events=7)
    [(13, 4), (12, 3)]
    """
    sizes = split_counts(n, parts)
    if events is None:
        return [(s, None) for s in sizes]
    if not 0 <= events <= n:
        raise InputError(f"events {events} must be between 0 and the group size {n}")
    exact = [events * s / n for s in sizes] if n else [0.0] * parts
    counts = [int(np.floor(x)) for x in exact]
    order = sorted(range(parts), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: events - sum(counts)]:
        counts[i] += 1
    return [(s, min(c, s)) for s, c in zip(sizes, counts, strict=True)]


__all__ = ["combine_binary", "combine_groups", "split_counts", "split_shared_group"]

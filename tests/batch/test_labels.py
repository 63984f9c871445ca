"""The numpy label helpers of the streaming reader agree with pyarrow.compute."""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from evisynth.batch._labels import MAX_WIDTH, labels_of

WORDS = ["a", "b", "ab", "a\x00", "", " ", "  x", "\tT", "=1+1", "-3", "+", "@x", "ünï", "ü", "日本", "a" * MAX_WIDTH]


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("large", [False, True])
def test_labels_agree_with_pyarrow_compute(seed: int, large: bool) -> None:
    rng = np.random.default_rng(seed)
    words = np.array(WORDS, dtype=object)[rng.integers(0, len(WORDS), 400)]
    arr = pa.array(list(words), type=pa.large_string() if large else pa.string()).slice(3, 390)  # an offset
    fast = labels_of(arr)
    assert fast is not None
    n = len(arr)
    expect_changes = pc.not_equal(arr.slice(1), arr.slice(0, n - 1)).to_numpy(zero_copy_only=False)
    assert fast.changes().tolist() == expect_changes.tolist()
    rows = np.sort(rng.choice(n, 50, replace=False))
    assert fast.take(rows).equals(arr.take(pa.array(rows)))
    assert fast.all_distinct() == (pc.count_distinct(arr).as_py() == n)
    unique = pc.unique(arr)
    assert labels_of(unique).all_distinct()
    blank = pc.any(pc.equal(pc.utf8_trim_whitespace(arr), "")).as_py()
    if fast.surely_not_blank():
        assert not blank
    risky = pc.any(pc.match_substring_regex(arr, r"^[=+\-@\t\r]")).as_py()
    if fast.surely_safe_in_csv():
        assert not risky


def test_labels_that_do_not_apply() -> None:
    assert labels_of(pa.array([1, 2])) is None
    assert labels_of(pa.array(["a", None])) is None
    assert labels_of(pa.array(["a" * (MAX_WIDTH + 1)])) is None
    empty = labels_of(pa.array(["", ""]))
    assert empty is not None and empty.changes().tolist() == [False] and not empty.all_distinct()
    assert not empty.surely_not_blank()
    assert empty.take(np.array([1])).equals(pa.array([""]))

"""Long tables, streamed files, the ``evisynth batch`` command and the Dask path."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from evisynth.batch import COLUMNS, batch_file, from_long
from evisynth.cli.main import main
from evisynth.errors import InputError
from evisynth.models.pool import pool


@pytest.fixture
def long_df() -> pd.DataFrame:
    rng = np.random.default_rng(42)
    sizes = rng.integers(1, 15, 60)
    sizes[10] = 40  # one large meta-analysis among small ones
    labels = np.repeat([f"MA{i:03d}" for i in range(sizes.size)], sizes)
    n = labels.size
    return pd.DataFrame({"review": labels, "yi": rng.normal(0.1, 0.5, n), "vi": rng.uniform(0.01, 0.2, n)})


def _check_against_single(res: pd.DataFrame, df: pd.DataFrame, group: str = "review", **settings) -> None:
    assert list(res.columns) == [group, *COLUMNS]
    for _, row in res.iterrows():
        sub = df[df[group] == row[group]]
        one = pool(sub["yi"].to_numpy(), sub["vi"].to_numpy(), **settings)
        assert row["k"] == len(sub)
        for name in ("estimate", "se", "tau2", "i2", "q", "p_value", "ci_lower", "ci_upper"):
            assert row[name] == pytest.approx(getattr(one, name), rel=1e-10, abs=1e-12, nan_ok=True)


def test_from_long_pandas_any_order(long_df):
    res = from_long(long_df, group="review", method="REML", test="hksj")
    _check_against_single(res, long_df, method="REML", test="hksj", heterogeneity_ci=False)
    shuffled = long_df.sample(frac=1.0, random_state=3)
    res2 = from_long(shuffled, group="review", method="REML", test="hksj").sort_values("review")
    pd.testing.assert_frame_equal(res.sort_values("review").reset_index(drop=True),
                                  res2.reset_index(drop=True), rtol=1e-10)


def test_from_long_arrow_parquet_csv_and_sei(long_df, tmp_path):
    ref = from_long(long_df, group="review", method="DL")
    table = pa.Table.from_pandas(long_df, preserve_index=False)
    pd.testing.assert_frame_equal(from_long(table, group="review", method="DL"), ref)
    pq.write_table(table, tmp_path / "l.parquet")
    long_df.to_csv(tmp_path / "l.csv", index=False)
    pd.testing.assert_frame_equal(from_long(tmp_path / "l.parquet", group="review", method="DL"), ref)
    pd.testing.assert_frame_equal(from_long(tmp_path / "l.csv", group="REVIEW", method="DL"), ref)
    se = long_df.assign(sei=np.sqrt(long_df["vi"])).drop(columns="vi")
    res = from_long(se, group="review", sei="sei", method="DL")
    np.testing.assert_allclose(res["estimate"], ref["estimate"], rtol=1e-12)
    d = from_long(long_df, group="review", method="DL", as_frame=False)
    assert set(d) == {"review", *COLUMNS}


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_batch_file_streams_in_chunks(long_df, tmp_path, suffix):
    inp = tmp_path / f"in.{suffix}"
    if suffix == "csv":
        long_df.to_csv(inp, index=False)
    else:
        pq.write_table(pa.Table.from_pandas(long_df, preserve_index=False), inp, row_group_size=50)
    out = tmp_path / f"out.{suffix}"
    # chunks of 17 rows: many groups span chunk boundaries, the 40-study one spans several
    summary = batch_file(inp, out, "review", method="PM", test="hksj", chunk_rows=17, progress=False)
    assert (summary.rows, summary.groups, summary.not_converged) == (len(long_df), 60, 0)
    got = pd.read_csv(out) if suffix == "csv" else pd.read_parquet(out)
    ref = from_long(long_df, group="review", method="PM", test="hksj")
    assert got["review"].tolist() == ref["review"].tolist()
    for name in COLUMNS:
        np.testing.assert_allclose(got[name].to_numpy(dtype=float), ref[name].to_numpy(dtype=float),
                                   rtol=1e-10, atol=1e-300)


def test_batch_file_refuses_ungrouped_input(long_df, tmp_path):
    inp, out = tmp_path / "in.csv", tmp_path / "out.csv"
    pd.concat([long_df.iloc[:100], long_df.iloc[300:], long_df.iloc[100:300]]).to_csv(inp, index=False)
    with pytest.raises(InputError, match="not grouped by 'review'"):
        batch_file(inp, out, "review", chunk_rows=64, progress=False)
    assert not out.exists() and not list(tmp_path.glob(".*partial"))


def test_batch_file_bad_inputs_are_input_errors(tmp_path):
    empty, bad, nan = tmp_path / "empty.csv", tmp_path / "bad.csv", tmp_path / "nan.csv"
    empty.write_text("review,yi,vi\n")
    bad.write_text("review,yi,vi\na,0.1,0.01\na,x,0.02\n")
    nan.write_text("review,yi,vi\na,0.1,0.01\nb,0.2,-1\n")
    with pytest.raises(InputError, match="no data rows"):
        batch_file(empty, tmp_path / "o.csv", "review", progress=False)
    with pytest.raises(InputError, match="could not be read"):
        batch_file(bad, tmp_path / "o.csv", "review", progress=False)
    with pytest.raises(InputError, match=r"row 2.*must be positive"):
        batch_file(nan, tmp_path / "o.csv", "review", progress=False)
    assert not list(tmp_path.glob("*o.csv*"))


def test_cli_batch(long_df, tmp_path, capsys):
    inp, out = tmp_path / "in.csv", tmp_path / "res.parquet"
    long_df.assign(se=np.sqrt(long_df["vi"])).to_csv(inp, index=False)
    rc = main(["batch", str(inp), "--group", "review", "--sei", "se", "--method", "dl", "--test", "hksj",
               "--level", "0.9", "--out", str(out), "--chunk-rows", "100", "--no-progress"])
    assert rc == 0
    assert "60 meta-analyses" in capsys.readouterr().err
    got = pd.read_parquet(out)
    ref = from_long(long_df, group="review", method="DL", test="hksj", level=0.9)
    np.testing.assert_allclose(got["ci_lower"], ref["ci_lower"], rtol=1e-10)
    assert main(["batch", str(inp), "--group", "nope", "--out", str(out)]) == 2
    assert "no column 'nope'" in capsys.readouterr().err
    assert main(["batch", str(inp), "--group", "review", "--out", str(tmp_path / "x.txt")]) == 2


def test_dask_local_cluster_matches_in_memory(long_df):
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("dask.distributed")
    from evisynth.batch import dask_meta_analysis

    ddf = dd.from_pandas(long_df, npartitions=4)  # groups split across partitions on purpose
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None):
        got = dask_meta_analysis(ddf, group="review", method="REML").compute()
    got = got.sort_values("review").reset_index(drop=True)
    ref = from_long(long_df, group="review", method="REML").sort_values("review").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, ref, rtol=1e-10, check_dtype=False)


def test_facade_exposes_batch_names():
    import evisynth
    import evisynth.batch

    assert evisynth.batch_meta_analysis is evisynth.batch.batch_meta_analysis
    assert evisynth.from_long is evisynth.batch.from_long


def test_import_evisynth_is_light():
    code = ("import sys, evisynth, evisynth.batch, evisynth.models.pool; "
            "bad = [m for m in ('pandas', 'scipy', 'matplotlib', 'pyarrow', 'dask', 'tqdm') if m in sys.modules]; "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""

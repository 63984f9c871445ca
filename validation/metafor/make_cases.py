"""Write ``validation/metafor/cases.json``: the grid of reference cases.

Each case is ``{id, data, args, requires}``: ``data`` is a CSV under ``tests/reference/data``,
``args`` the exact ``evisynth analyze`` options, and ``requires`` the engine modules the case
needs beyond pooling (``meta_regression``, ``publication_bias``, ``sensitivity``), so the test
can skip it only while that module does not exist.

Run ``python validation/metafor/make_cases.py`` after editing the grid, then
``validation/metafor/regenerate.sh`` to recompute the expected values with metafor.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

TAU2 = ("DL", "REML", "ML", "PM", "SJ", "HE", "HS", "EB")
TESTS = ("z", "hksj", "hksj-adhoc")

cases: list[dict] = []


def add(cid: str, data: str, *args: str) -> None:
    args_l = list(args)
    requires = []
    if "--moderator" in args_l:
        requires.append("meta_regression")
    if "--bias" in args_l:
        requires.append("publication_bias")
    if "--sensitivity" in args_l:
        requires.append("sensitivity")
    if any(c["id"] == cid for c in cases):
        raise ValueError(f"duplicate case id {cid}")
    cases.append({"id": cid, "data": data, "args": args_l, "requires": requires})


def t(test: str) -> list[str]:
    return [] if test == "z" else ["--test", test]


# --- A. tau² estimators x tests --------------------------------------------------------------
for m in TAU2:
    for test in TESTS:
        add(f"bcg_rr_{m}_{test}", "bcg.csv", "--measure", "RR", "--method", m, *t(test))
        add(f"cont_md_{m}_{test}", "continuous_depression.csv", "--measure", "MD", "--method", m, *t(test))
    add(f"gen_yivi_{m}", "generic_yi_vi.csv", "--method", m)
    add(f"gen_homog_{m}", "generic_homogeneous.csv", "--method", m)
    add(f"cont_k3_{m}", "continuous_k3.csv", "--method", m)
for m in ("DL", "REML", "PM"):
    add(f"gen_yivi_{m}_hksj", "generic_yi_vi.csv", "--method", m, "--test", "hksj")
add("gen_homog_REML_adhoc", "generic_homogeneous.csv", "--method", "REML", "--test", "hksj-adhoc")
add("gen_homog_DL_hksj", "generic_homogeneous.csv", "--method", "DL", "--test", "hksj")
add("cont_k3_REML_hksj", "continuous_k3.csv", "--test", "hksj")
add("cont_k3_DL_adhoc", "continuous_k3.csv", "--method", "DL", "--test", "hksj-adhoc")
for m in ("DL", "REML", "ML", "PM", "SJ", "HE"):
    add(f"cont_k2_{m}", "continuous_k2.csv", "--method", m)
add("cont_k2_REML_hksj", "continuous_k2.csv", "--method", "REML", "--test", "hksj")
add("cont_k2_fixed", "continuous_k2.csv", "--model", "fixed")
add("bin_k3_default", "binary_k3.csv")
add("bin_k3_DL", "binary_k3.csv", "--method", "DL")
add("bin_k3_REML_hksj", "binary_k3.csv", "--test", "hksj")
add("bin_k3_MH", "binary_k3.csv", "--method", "MH")
add("bin_k3_RR_fixed", "binary_k3.csv", "--measure", "RR", "--model", "fixed")

# --- B. default and fixed (common-effect) models ---------------------------------------------
add("cont_default", "continuous_depression.csv")
add("cont_fixed", "continuous_depression.csv", "--model", "fixed")
add("cont_fixed_IV", "continuous_depression.csv", "--method", "IV")
add("cont_fixed_hksj", "continuous_depression.csv", "--model", "fixed", "--test", "hksj")
add("cont_fixed_adhoc", "continuous_depression.csv", "--model", "fixed", "--test", "hksj-adhoc")
add("bcg_default", "bcg.csv")
add("bcg_rr_fixed", "bcg.csv", "--measure", "RR", "--model", "fixed")
add("bcg_rr_fixed_hksj", "bcg.csv", "--measure", "RR", "--model", "fixed", "--test", "hksj")
add("gen_yivi_fixed", "generic_yi_vi.csv", "--model", "fixed")
add("gen_homog_fixed", "generic_homogeneous.csv", "--model", "fixed")
add("cont_homog_md_fixed", "continuous_homogeneous.csv", "--measure", "MD", "--model", "fixed")
add("cont_homog_md_REML", "continuous_homogeneous.csv", "--measure", "MD")
add("cont_k3_fixed", "continuous_k3.csv", "--model", "fixed")

# --- C. generic input forms -------------------------------------------------------------------
for m in ("REML", "DL", "PM"):
    add(f"gen_sei_log_{m}", "generic_yi_sei.csv", "--measure", "GEN", "--log-scale", "--method", m)
add("gen_sei_log_fixed", "generic_yi_sei.csv", "--measure", "GEN", "--log-scale", "--model", "fixed")
add("gen_sei_linear_REML", "generic_yi_sei.csv")
for m in ("REML", "DL", "EB"):
    add(f"gen_ci_log_{m}", "generic_ratio_ci.csv", "--log-scale", "--method", m)
add("gen_ci_log_fixed", "generic_ratio_ci.csv", "--log-scale", "--model", "fixed")
add("gen_ci_log_hksj", "generic_ratio_ci.csv", "--log-scale", "--test", "hksj")
add("gen_ci_linear_REML", "generic_ratio_ci.csv")

# --- D. dichotomous measures, MH, Peto, zero cells --------------------------------------------
for data, short in (("binary_zero_cells.csv", "binz"), ("binary_rare.csv", "rare"), ("bcg.csv", "bcg")):
    for meas in ("OR", "RR", "RD", "PETO"):
        add(f"{short}_{meas}_REML", data, "--measure", meas)
        add(f"{short}_{meas}_DL", data, "--measure", meas, "--method", "DL")
        add(f"{short}_{meas}_IV", data, "--measure", meas, "--method", "IV")
    for meas in ("OR", "RR", "RD"):
        add(f"{short}_{meas}_MH_revman", data, "--measure", meas, "--method", "MH")
        add(f"{short}_{meas}_MH_none", data, "--measure", meas, "--method", "MH", "--mh-continuity", "none")
    add(f"{short}_PETO_method", data, "--method", "PETO")
    add(f"{short}_PETO_measure_default", data, "--measure", "PETO")
for meas in ("OR", "RR", "PETO"):
    add(f"binz_{meas}_keep00_REML", "binary_zero_cells.csv", "--measure", meas, "--keep-double-zero")
    add(f"rare_{meas}_keep00_IV", "binary_rare.csv", "--measure", meas, "--method", "IV", "--keep-double-zero")
add("binz_RD_drop00_REML", "binary_zero_cells.csv", "--measure", "RD", "--drop-double-zero")
add("binz_OR_MH_keep00_revman", "binary_zero_cells.csv", "--method", "MH", "--keep-double-zero")
add("binz_OR_MH_keep00_none", "binary_zero_cells.csv", "--method", "MH", "--keep-double-zero", "--mh-continuity", "none")
add("binz_RR_MH_keep00_revman", "binary_zero_cells.csv", "--measure", "RR", "--method", "MH", "--keep-double-zero")
add("binz_PETO_keep00", "binary_zero_cells.csv", "--method", "PETO", "--keep-double-zero")
add("binz_RD_MH_drop00", "binary_zero_cells.csv", "--measure", "RD", "--method", "MH", "--drop-double-zero")
add("binz_RD_MH_drop00_none", "binary_zero_cells.csv", "--measure", "RD", "--method", "MH", "--drop-double-zero",
    "--mh-continuity", "none")
add("rare_RD_MH_drop00_none", "binary_rare.csv", "--measure", "RD", "--method", "MH", "--drop-double-zero",
    "--mh-continuity", "none")
add("binz_OR_cc0_REML", "binary_zero_cells.csv", "--continuity", "0")
add("binz_OR_cc0_IV", "binary_zero_cells.csv", "--continuity", "0", "--method", "IV")
add("binz_RR_cc0_DL", "binary_zero_cells.csv", "--measure", "RR", "--continuity", "0", "--method", "DL")
add("binz_OR_MH_cc0_none", "binary_zero_cells.csv", "--method", "MH", "--continuity", "0", "--mh-continuity", "none")
add("binz_OR_MH_cc0_revman", "binary_zero_cells.csv", "--method", "MH", "--continuity", "0")
add("binz_OR_cc025_REML", "binary_zero_cells.csv", "--continuity", "0.25")
add("binz_OR_MH_cc025_revman", "binary_zero_cells.csv", "--method", "MH", "--continuity", "0.25")
add("binz_OR_hksj", "binary_zero_cells.csv", "--test", "hksj")
add("rare_OR_PM_adhoc", "binary_rare.csv", "--method", "PM", "--test", "hksj-adhoc")

# --- E. SMD variances ----------------------------------------------------------------------------
for var in ("revman", "large-sample", "unbiased"):
    vs = ["--smd-variance", var]
    add(f"cont_smd_{var}_REML", "continuous_depression.csv", "--measure", "SMD", *vs)
    add(f"cont_smd_{var}_DL", "continuous_depression.csv", "--measure", "SMD", "--method", "DL", *vs)
    add(f"cont_smd_{var}_fixed", "continuous_depression.csv", "--measure", "SMD", "--model", "fixed", *vs)
    add(f"homog_smd_{var}_REML", "continuous_homogeneous.csv", "--measure", "SMD", *vs)
    add(f"k3_smd_{var}_PM", "continuous_k3.csv", "--measure", "SMD", "--method", "PM", *vs)
add("cont_smd_default_hksj", "continuous_depression.csv", "--measure", "SMD", "--test", "hksj")
add("k2_smd_default", "continuous_k2.csv", "--measure", "smd")

# --- F. confidence level ----------------------------------------------------------------------
for lvl in ("0.90", "0.99"):
    tag = lvl[2:]
    add(f"bcg_rr_REML_level{tag}", "bcg.csv", "--measure", "RR", "--level", lvl)
    add(f"bcg_rr_DL_hksj_level{tag}", "bcg.csv", "--measure", "RR", "--method", "DL", "--test", "hksj", "--level", lvl)
    add(f"cont_fixed_level{tag}", "continuous_depression.csv", "--model", "fixed", "--level", lvl)
    add(f"binz_OR_MH_level{tag}", "binary_zero_cells.csv", "--method", "MH", "--level", lvl)
    add(f"binz_PETO_level{tag}", "binary_zero_cells.csv", "--method", "PETO", "--level", lvl)
    add(f"gen_ci_log_level{tag}", "generic_ratio_ci.csv", "--log-scale", "--level", lvl)
    add(f"cont_sub_sep_level{tag}", "continuous_depression.csv", "--subgroup", "region", "--level", lvl)
    add(f"cont_sub_common_level{tag}", "continuous_depression.csv", "--subgroup", "region", "--subgroup-model", "common",
        "--level", lvl)

# --- G. subgroups -------------------------------------------------------------------------------
for sm in ("separate", "common"):
    s = "sep" if sm == "separate" else "common"
    sg = ["--subgroup-model", sm]
    add(f"cont_sub_{s}_REML", "continuous_depression.csv", "--subgroup", "region", *sg)
    add(f"cont_sub_{s}_DL", "continuous_depression.csv", "--subgroup", "region", "--method", "DL", *sg)
    add(f"cont_sub_{s}_PM_hksj", "continuous_depression.csv", "--subgroup", "region", "--method", "PM",
        "--test", "hksj", *sg)
    add(f"cont_sub_{s}_fixed", "continuous_depression.csv", "--subgroup", "region", "--model", "fixed", *sg)
    add(f"cont_sub_{s}_setting_ML", "continuous_depression.csv", "--subgroup", "setting", "--method", "ML", *sg)
    add(f"bcg_sub_{s}_alloc", "bcg.csv", "--measure", "RR", "--subgroup", "alloc", *sg)
    add(f"bcg_sub_{s}_alloc_hksj", "bcg.csv", "--measure", "RR", "--subgroup", "alloc", "--test", "hksj", *sg)
    add(f"gen_sub_{s}_continent", "generic_yi_vi.csv", "--subgroup", "continent", *sg)
    add(f"gen_sub_{s}_design_SJ", "generic_yi_vi.csv", "--subgroup", "design", "--method", "SJ", *sg)
    add(f"binz_sub_{s}_OR", "binary_zero_cells.csv", "--subgroup", "risk_of_bias", *sg)
    add(f"ci_sub_{s}_region", "generic_ratio_ci.csv", "--log-scale", "--subgroup", "region", *sg)
    add(f"homog_sub_{s}_smd", "continuous_homogeneous.csv", "--measure", "SMD", "--subgroup", "arm_type", *sg)
add("binz_sub_sep_MH", "binary_zero_cells.csv", "--subgroup", "risk_of_bias", "--method", "MH")
add("binz_sub_sep_MH_none", "binary_zero_cells.csv", "--subgroup", "risk_of_bias", "--method", "MH",
    "--mh-continuity", "none")
add("binz_sub_sep_PETO", "binary_zero_cells.csv", "--subgroup", "risk_of_bias", "--method", "PETO")
add("rare_sub_sep_RR_MH", "binary_rare.csv", "--measure", "RR", "--subgroup", "comparator", "--method", "MH")
add("rare_sub_sep_RD_IV", "binary_rare.csv", "--measure", "RD", "--subgroup", "comparator", "--method", "IV")
add("bcg_sub_sep_alloc_HE", "bcg.csv", "--measure", "RR", "--subgroup", "alloc", "--method", "HE")
add("cont_sub_sep_dose_numeric", "continuous_depression.csv", "--subgroup", "dose_mg")

# --- H. meta-regression -------------------------------------------------------------------------
add("bcg_mr_ablat", "bcg.csv", "--measure", "RR", "--moderator", "ablat", "--predict", "ablat=10", "--predict", "ablat=50")
add("bcg_mr_ablat_DL", "bcg.csv", "--measure", "RR", "--method", "DL", "--moderator", "ablat", "--predict", "ablat=33.5")
add("bcg_mr_ablat_ML_hksj", "bcg.csv", "--measure", "RR", "--method", "ML", "--test", "hksj", "--moderator", "ablat",
    "--predict", "ablat=20")
add("bcg_mr_ablat_PM_adhoc", "bcg.csv", "--measure", "RR", "--method", "PM", "--test", "hksj-adhoc", "--moderator", "ablat")
add("bcg_mr_ablat_fixed", "bcg.csv", "--measure", "RR", "--model", "fixed", "--moderator", "ablat", "--predict", "ablat=40")
add("bcg_mr_ablat_year", "bcg.csv", "--measure", "RR", "--moderator", "ablat", "--moderator", "year",
    "--predict", "ablat=30,year=1970")
add("bcg_mr_alloc", "bcg.csv", "--measure", "RR", "--moderator", "alloc")
add("bcg_mr_alloc_ref", "bcg.csv", "--measure", "RR", "--moderator", "alloc", "--reference", "alloc=random",
    "--predict", "alloc=systematic")
add("bcg_mr_ablat_alloc_ref", "bcg.csv", "--measure", "RR", "--moderator", "ablat", "--moderator", "alloc",
    "--reference", "alloc=random", "--predict", "ablat=20,alloc=alternate", "--predict", "ablat=50,alloc=random")
add("bcg_mr_ablat_SJ_level90", "bcg.csv", "--measure", "RR", "--method", "SJ", "--level", "0.90", "--moderator", "ablat",
    "--predict", "ablat=25")
add("bcg_mr_ablat_perm", "bcg.csv", "--measure", "RR", "--moderator", "ablat", "--permutations", "200")
add("cont_mr_dose", "continuous_depression.csv", "--moderator", "dose_mg", "--predict", "dose_mg=40")
add("cont_mr_dose_setting", "continuous_depression.csv", "--moderator", "dose_mg", "--moderator", "setting",
    "--predict", "dose_mg=20,setting=outpatient")
add("cont_mr_setting_ref_hksj", "continuous_depression.csv", "--moderator", "setting", "--reference", "setting=primary care",
    "--test", "hksj")
add("cont_mr_region_smd_DL", "continuous_depression.csv", "--measure", "SMD", "--method", "DL", "--moderator", "region")
add("gen_mr_quality_design", "generic_yi_vi.csv", "--moderator", "quality", "--moderator", "design",
    "--predict", "quality=5,design=RCT")
add("gen_mr_design_ref_HE", "generic_yi_vi.csv", "--method", "HE", "--moderator", "design", "--reference", "design=RCT")
add("gen_mr_quality_EB", "generic_yi_vi.csv", "--method", "EB", "--moderator", "quality", "--predict", "quality=9")
add("gen_mr_quality_fixed_hksj", "generic_yi_vi.csv", "--model", "fixed", "--test", "hksj", "--moderator", "quality")
add("homog_mr_dose", "generic_homogeneous.csv", "--moderator", "dose", "--predict", "dose=0.5")
add("binz_mr_year_OR", "binary_zero_cells.csv", "--moderator", "year")
add("rare_mr_followup_RD", "binary_rare.csv", "--measure", "RD", "--method", "DL", "--moderator", "followup_months")
add("sei_mr_size_log", "generic_yi_sei.csv", "--log-scale", "--moderator", "sample_size", "--predict", "sample_size=1000")

# --- I. publication bias ------------------------------------------------------------------------
add("bcg_bias_REML", "bcg.csv", "--measure", "RR", "--bias")
add("bcg_bias_DL", "bcg.csv", "--measure", "RR", "--method", "DL", "--bias")
add("bcg_bias_fixed", "bcg.csv", "--measure", "RR", "--model", "fixed", "--bias")
add("bcg_bias_hksj", "bcg.csv", "--measure", "RR", "--test", "hksj", "--bias")
add("bcg_bias_OR_PM", "bcg.csv", "--measure", "OR", "--method", "PM", "--bias")
add("cont_bias_REML", "continuous_depression.csv", "--bias")
add("cont_bias_smd_DL", "continuous_depression.csv", "--measure", "SMD", "--method", "DL", "--bias")
add("cont_bias_level90", "continuous_depression.csv", "--bias", "--level", "0.90")
add("gen_bias_REML", "generic_yi_vi.csv", "--bias")
add("gen_bias_fixed", "generic_yi_vi.csv", "--model", "fixed", "--bias")
add("gen_bias_ML_adhoc", "generic_yi_vi.csv", "--method", "ML", "--test", "hksj-adhoc", "--bias")
add("homog_bias", "generic_homogeneous.csv", "--bias")
add("binz_bias_OR", "binary_zero_cells.csv", "--bias")
add("ci_bias_log", "generic_ratio_ci.csv", "--log-scale", "--bias")
add("sei_bias_log_DL", "generic_yi_sei.csv", "--log-scale", "--method", "DL", "--bias")

# --- J. sensitivity -------------------------------------------------------------------------------
add("bcg_sens_REML_order_year", "bcg.csv", "--measure", "RR", "--sensitivity", "--order", "year")
add("bcg_sens_DL", "bcg.csv", "--measure", "RR", "--method", "DL", "--sensitivity")
add("bcg_sens_fixed", "bcg.csv", "--measure", "RR", "--model", "fixed", "--sensitivity", "--order", "ablat")
add("bcg_sens_hksj", "bcg.csv", "--measure", "RR", "--test", "hksj", "--sensitivity")
add("cont_sens_REML_order_year", "continuous_depression.csv", "--sensitivity", "--order", "year")
add("cont_sens_PM_level90", "continuous_depression.csv", "--method", "PM", "--sensitivity", "--level", "0.90")
add("gen_sens_REML_order_pub_year", "generic_yi_vi.csv", "--sensitivity", "--order", "pub_year")
add("gen_sens_SJ", "generic_yi_vi.csv", "--method", "SJ", "--sensitivity")
add("homog_sens_REML", "generic_homogeneous.csv", "--sensitivity")
add("binz_sens_OR_order_year", "binary_zero_cells.csv", "--sensitivity", "--order", "year")
add("ci_sens_log_fixed", "generic_ratio_ci.csv", "--log-scale", "--model", "fixed", "--sensitivity")
add("cont_all_sections", "continuous_depression.csv", "--subgroup", "region", "--moderator", "dose_mg", "--bias",
    "--sensitivity", "--order", "year")

# --- K. edge cases ----------------------------------------------------------------------------------
# a subgroup level with a single study (metafor: tau² = 0 and a z test for k = 1)
add("k3_sub_sep_single_REML", "continuous_k3.csv", "--subgroup", "population")
add("k3_sub_sep_single_hksj", "continuous_k3.csv", "--subgroup", "population", "--test", "hksj")
add("k3_sub_sep_single_fixed", "continuous_k3.csv", "--subgroup", "population", "--model", "fixed")
add("k3_sub_common_single_DL", "continuous_k3.csv", "--subgroup", "population", "--subgroup-model", "common",
    "--method", "DL")
add("binz_RD_cc0_REML", "binary_zero_cells.csv", "--measure", "RD", "--continuity", "0")
add("binz_RD_MH_cc0_drop00", "binary_zero_cells.csv", "--measure", "RD", "--method", "MH", "--continuity", "0",
    "--drop-double-zero")
add("binz_PETO_measure_DL", "binary_zero_cells.csv", "--measure", "PETO", "--method", "DL")
add("binz_sub_sep_MH_keep00", "binary_zero_cells.csv", "--subgroup", "risk_of_bias", "--method", "MH",
    "--keep-double-zero")
add("cont_sub_common_fixed_hksj", "continuous_depression.csv", "--subgroup", "region", "--subgroup-model", "common",
    "--model", "fixed", "--test", "hksj")
add("cont_sub_common_adhoc_level99", "continuous_depression.csv", "--subgroup", "region", "--subgroup-model", "common",
    "--test", "hksj-adhoc", "--level", "0.99")
add("gen_sub_sep_continent_HS_adhoc", "generic_yi_vi.csv", "--subgroup", "continent", "--method", "HS",
    "--test", "hksj-adhoc")
add("bcg_bias_hksj_level90", "bcg.csv", "--measure", "RR", "--test", "hksj", "--level", "0.90", "--bias")
add("gen_bias_REML_level99", "generic_yi_vi.csv", "--bias", "--level", "0.99")
add("gen_mr_design_continent", "generic_yi_vi.csv", "--moderator", "design", "--moderator", "continent",
    "--reference", "continent=Europe", "--predict", "design=cohort,continent=Asia")
add("cont_mr_setting_year_level99", "continuous_depression.csv", "--moderator", "setting", "--moderator", "year",
    "--level", "0.99", "--predict", "setting=inpatient,year=2010")
add("gen_sens_REML_hksj_order_quality", "generic_yi_vi.csv", "--test", "hksj", "--sensitivity", "--order", "quality")

# --- L. stress data: variances over 3.5 orders of magnitude; all-events and double-zero tables ----------
for m in TAU2:
    add(f"extreme_{m}", "generic_extreme.csv", "--method", m)
    add(f"extreme_{m}_hksj", "generic_extreme.csv", "--method", m, "--test", "hksj")
add("extreme_fixed", "generic_extreme.csv", "--model", "fixed")
add("extreme_sub_sep_REML", "generic_extreme.csv", "--subgroup", "risk")
add("extreme_sub_common_ML", "generic_extreme.csv", "--subgroup", "risk", "--subgroup-model", "common", "--method", "ML")
add("extreme_mr_exposure_REML", "generic_extreme.csv", "--moderator", "exposure_years", "--predict", "exposure_years=5")
add("extreme_bias_REML", "generic_extreme.csv", "--bias")
add("extreme_sens_PM", "generic_extreme.csv", "--method", "PM", "--sensitivity", "--order", "exposure_years")
for meas in ("OR", "RR", "RD", "PETO"):
    add(f"mixed_{meas}_REML", "binary_mixed.csv", "--measure", meas)
    add(f"mixed_{meas}_keep00_DL", "binary_mixed.csv", "--measure", meas, "--method", "DL", "--keep-double-zero")
for meas in ("OR", "RR", "RD"):
    add(f"mixed_{meas}_MH", "binary_mixed.csv", "--measure", meas, "--method", "MH")
    add(f"mixed_{meas}_MH_none", "binary_mixed.csv", "--measure", meas, "--method", "MH", "--mh-continuity", "none")
add("mixed_PETO", "binary_mixed.csv", "--method", "PETO")
add("mixed_sub_sep_ward_MH", "binary_mixed.csv", "--subgroup", "ward", "--method", "MH")
add("bin_k3_bias", "binary_k3.csv", "--bias")
add("bin_k3_sens", "binary_k3.csv", "--sensitivity")

# identical study effects: Q = 0, and under HKSJ SE = 0 with an undefined statistic
add("identical_REML", "generic_identical.csv")
add("identical_REML_hksj", "generic_identical.csv", "--test", "hksj")
add("identical_DL_adhoc", "generic_identical.csv", "--method", "DL", "--test", "hksj-adhoc")

# Peto and MH without continuity correction, double-zero tables kept: k counts every table in the sums
add("rare_PETO_cc0_keep00", "binary_rare.csv", "--method", "PETO", "--continuity", "0", "--keep-double-zero")
add("rare_OR_MH_cc0_keep00", "binary_rare.csv", "--method", "MH", "--continuity", "0", "--keep-double-zero")


def main() -> None:
    doc = {
        "about": "Reference cases for tests/reference/test_metafor_reference.py; generated by "
                 "validation/metafor/make_cases.py, expected values by validation/metafor/run_metafor.R.",
        "cases": cases,
    }
    out = HERE / "cases.json"
    out.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(cases)} cases to {out}")


if __name__ == "__main__":
    main()

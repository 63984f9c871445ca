"""The commented review-file template written by ``evisynth init``."""

from __future__ import annotations

REVIEW_TEMPLATE = '''\
# evisynth review file: the question and one [[outcomes]] table per outcome.
# Paths are relative to this file. Run:  evisynth summarize review.toml --out summary/
# Every key is documented in docs/grade.md.

[review]
title = "Exercise for chronic low back pain"            # title of the evidence summary
population = "adults with chronic low back pain"
intervention = "supervised exercise"
comparison = "usual care"
setting = "primary care"                                 # optional
study_design = "randomised"                              # randomised (starts high) | observational (starts low)
risk_of_bias = "rob.csv"                                 # RoB 2 judgements per study (optional)
# search_date = "2026-01-31"

# Optional: change the rule-of-thumb thresholds behind the GRADE suggestions (defaults shown).
# [thresholds]
# rob_not_low_serious = 0.5      # serious when > 50% of the weight is from studies not at low risk of bias
# rob_high_very_serious = 0.8    # very serious when > 80% of the weight is from studies at high risk
# i2_serious = 50                # I² above which a PI / estimates crossing no effect make inconsistency serious
# i2_always_serious = 75
# i2_very_serious = 90
# imprecision_target = "null"   # "null" (CI vs no effect) or "mid" (minimally contextualised, GRADE Guidance 34)
# appreciable_benefit_ratio = 0.75   # RR/OR thresholds used when no MID is given
# appreciable_harm_ratio = 1.25
# smd_mid = 0.5                  # MID on the SMD scale (and 0.5 SD for MDs without an MID)
# ois_rrr = 0.25                 # relative risk reduction behind the optimal information size
# pb_min_studies = 10            # small-study tests only from this many studies
# pb_p = 0.10                    # Egger P below which publication bias is strongly suspected

[[outcomes]]
name = "Pain"                          # as shown in the tables
data = "pain.csv"                      # study table (CSV or Excel), relative to this file
measure = "MD"                         # MD, SMD, OR, RR, RD, PETO, GEN
# model = "random"                     # random | fixed
# method = "REML"                      # REML, DL, ... or IV / MH / PETO (common effect)
# test = "z"                           # z | hksj | hksj-adhoc
lower_is_better = true                 # direction: is a lower value better for patients?
importance = "critical"                # critical | important | limited (or 1-9)
mid = 1.0                              # minimal important difference (units for MD, SD for SMD, ratio for RR/OR)
units = "points"
follow_up = "12 weeks"
# control_mean = 5.2                   # comparator mean for the SoF table (default: mean of control groups)
# subgroups = ["setting"]              # columns of the data file to analyse as subgroups
# moderators = ["dose"]                # meta-regression moderators
# dose_moderator = "dose"              # a significant slope suggests a dose-response gradient
# dose_units = "session per week"
# regression_method = "REML"         # meta-regression tau² method (default: the outcome's method)
# regression_test = "hksj"           # meta-regression test (default: the outcome's test)

# Optional: a pooled estimate from an earlier review ("how this fits prior evidence").
# [outcomes.prior]
# source = "an earlier Cochrane review (2019)"
# estimate = -0.8
# ci_lower = -1.2
# ci_upper = -0.4
# studies = 12

# Optional: reviewer judgements that replace evisynth's suggestions (each needs a reason).
# [outcomes.grade]
# indirectness = { judgement = "serious", reason = "most trials recruited younger adults than the question" }
# publication_bias = { judgement = "strongly suspected", reason = "several registered trials never reported" }

[[outcomes]]
name = "Serious adverse events"
data = "adverse.csv"
measure = "RR"
lower_is_better = true
importance = "critical"
# assumed_control_risk = 0.05          # risk with comparator for the absolute effects (default: pooled control risk)
follow_up = "12 weeks"
'''

ROB_TEMPLATE = """\
study,outcome,D1,D2,D3,D4,D5,overall
"""

PAIN_EXAMPLE = """\
study,m1,sd1,n1,m2,sd2,n2
Example A 2016,4.1,2.0,40,5.0,2.1,41
Example B 2018,3.8,2.2,55,4.3,2.0,52
Example C 2021,4.6,1.9,30,5.1,2.3,33
"""

ADVERSE_EXAMPLE = """\
study,events1,n1,events2,n2
Example A 2016,2,40,3,41
Example B 2018,4,55,3,52
Example C 2021,1,30,2,33
"""

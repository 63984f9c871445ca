#!/usr/bin/env Rscript
# Reference values for evisynth.models.multilevel (three-level random-effects model) computed with
# metafor's rma.mv(yi, vi, mods, random = ~ 1 | study/esid), confint() and anova().
#
# Usage (from the repository root):
#   Rscript validation/multilevel/rma_mv.R [DATA_DIR] [OUT_DIR]
# defaults: tests/reference/dependent and tests/reference/multilevel.
# One JSON file per case: header (R and metafor versions, the case), the design matrix columns and
# the expected values. metafor is GPL and used only as an oracle: no metafor code is ported.
suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})
argv <- commandArgs(trailingOnly = TRUE)
data_dir <- if (length(argv) >= 1) argv[1] else "tests/reference/dependent"
out_dir <- if (length(argv) >= 2) argv[2] else "tests/reference/multilevel"
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

# nlminb on log(sigma2) with metafor's default tolerances (rel.tol 1e-10): tighter ones make nlminb
# report false non-convergence on some of these data. The optimum is reached to about 1e-9 (see README).
CTRL <- list(iter.max = 10000, eval.max = 20000)
CI_CTRL <- list(tol = 1e-12)

cases <- list(
  list(id = "konstantopoulos_REML", data = "konstantopoulos2011", mods = NULL, method = "REML", test = "z"),
  list(id = "konstantopoulos_ML", data = "konstantopoulos2011", mods = NULL, method = "ML", test = "z"),
  list(id = "konstantopoulos_year_REML_t", data = "konstantopoulos2011", mods = "~ I(year - 1990)", method = "REML", test = "t"),
  list(id = "assink_REML", data = "assink2016", mods = NULL, method = "REML", test = "z"),
  list(id = "assink_ML_t", data = "assink2016", mods = NULL, method = "ML", test = "t"),
  list(id = "assink_mods_REML", data = "assink2016", mods = "~ deltype + year", method = "REML", test = "z"),
  list(id = "assink_mods_ML", data = "assink2016", mods = "~ pubstatus + year", method = "ML", test = "z"),
  list(id = "bornmann_REML", data = "bornmann2007", mods = NULL, method = "REML", test = "z"),
  list(id = "bornmann_type_REML", data = "bornmann2007", mods = "~ type", method = "REML", test = "z"),
  list(id = "bornmann_disc_ML_t", data = "bornmann2007", mods = "~ discipline", method = "ML", test = "t"),
  list(id = "berkey_REML", data = "berkey1998", mods = NULL, method = "REML", test = "z"),
  list(id = "berkey_outcome_REML", data = "berkey1998", mods = "~ esid", method = "REML", test = "z"),
  list(id = "knapp_REML", data = "knapp2017", mods = NULL, method = "REML", test = "z"),
  list(id = "knapp_difficulty_ML", data = "knapp2017", mods = "~ difficulty", method = "ML", test = "t"),
  list(id = "satcoaching_REML", data = "satcoaching", mods = NULL, method = "REML", test = "z"),
  list(id = "satcoaching_test_REML_t", data = "satcoaching", mods = "~ test + hrs", method = "REML", test = "t"),
  list(id = "corrdat_REML", data = "corrdat", mods = NULL, method = "REML", test = "z"),
  list(id = "corrdat_mods_REML", data = "corrdat", mods = "~ males + college + binge", method = "REML", test = "z"),
  list(id = "hierdat_ML", data = "hierdat", mods = NULL, method = "ML", test = "z"),
  list(id = "hierdat_mods_REML_t", data = "hierdat", mods = "~ binge + followup + sreport", method = "REML", test = "t"),
  list(id = "dropout_REML", data = "dropoutprevention", mods = NULL, method = "REML", test = "z"),
  list(id = "dropout_mods_REML", data = "dropoutprevention", mods = "~ study_design + attrition + male_pct", method = "REML", test = "z")
)

num <- function(x) { x <- as.numeric(x); ifelse(is.finite(x), x, NA_real_) }

source("validation/multilevel/polish.R")

one <- function(cs) {
  d <- read.csv(file.path(data_dir, paste0(cs$data, ".csv")), stringsAsFactors = FALSE)
  all_rows <- nrow(d)
  keep <- rep(TRUE, all_rows)
  if (!is.null(cs$mods)) keep <- complete.cases(model.frame(as.formula(cs$mods), d, na.action = na.pass))
  d <- d[keep, ]
  fit <- function(sigma2 = c(NA, NA)) {
    args <- list(yi = d$yi, V = d$vi, random = ~ 1 | study / esid, data = d, method = cs$method,
                 test = cs$test, sigma2 = sigma2, control = CTRL)
    if (!is.null(cs$mods)) args$mods <- as.formula(cs$mods)
    do.call(rma.mv, args)
  }
  res <- polish(fit(), fit)
  red_cluster <- polish(fit(c(0, NA)), fit)
  red_within <- polish(fit(c(NA, 0)), fit)
  a1 <- anova(res$unpolished, red_cluster$unpolished)
  a2 <- anova(res$unpolished, red_within$unpolished)
  lrt <- function(red) 2 * (as.numeric(logLik(res)) - as.numeric(logLik(red)))
  ci1 <- confint(res$unpolished, sigma2 = 1, control = CI_CTRL)$random
  ci2 <- confint(res$unpolished, sigma2 = 2, control = CI_CTRL)$random
  # multilevel I^2 as documented on the metafor website ("I^2 for multilevel and multivariate models",
  # after Cheung 2014): typical sampling variance (k - p)/tr(P) with P from the common-effect weights.
  X <- model.matrix(res)
  W <- diag(1 / d$vi)
  P <- W - W %*% X %*% solve(t(X) %*% W %*% X) %*% t(X) %*% W
  typical <- (res$k - res$p) / sum(diag(P))
  i2 <- 100 * res$sigma2 / (sum(res$sigma2) + typical)
  fs <- res$fitstats_estimated
  list(
    header = list(r_version = R.version.string, metafor_version = as.character(packageVersion("metafor")),
                  case = cs[c("id", "data", "method", "test")], mods = if (is.null(cs$mods)) "" else cs$mods,
                  control = "rma.mv control: nlminb defaults (rel.tol 1e-10); confint tol 1e-12"),
    rows_used = which(keep) - 1L,
    coef_names = colnames(X),
    x = lapply(seq_len(ncol(X)), function(j) unname(X[, j])),
    polish_shift = res$polish_shift, k = res$k, p = res$p, n_clusters = res$s.nlevels[1], n_within = res$s.nlevels[2],
    estimate = num(res$beta), se = num(res$se), statistic = num(res$zval), p_value = num(res$pval),
    ci_lower = num(res$ci.lb), ci_upper = num(res$ci.ub), df = if (cs$test == "t") num(res$ddf[1]) else NA,
    vcov = lapply(seq_len(ncol(X)), function(j) unname(num(vcov(res)[, j]))),
    sigma2_cluster = num(res$sigma2[1]), sigma2_within = num(res$sigma2[2]),
    sigma2_cluster_ci = num(ci1[1, 2:3]), sigma2_within_ci = num(ci2[1, 2:3]),
    sigma_cluster_ci = num(ci1[2, 2:3]), sigma_within_ci = num(ci2[2, 2:3]),
    loglik = num(fs["logLik:", 1]), deviance = num(fs["deviance:", 1]), aic = num(fs["AIC:", 1]),
    bic = num(fs["BIC:", 1]), aicc = num(fs["AICc:", 1]),
    qe = num(res$QE), qe_p = num(res$QEp), qm = num(res$QM), qm_p = num(res$QMp), qm_df = num(res$QMdf[1]),
    i2_total = num(sum(i2)), i2_cluster = num(i2[1]), i2_within = num(i2[2]), typical_variance = num(typical),
    lrt_cluster = list(statistic = num(lrt(red_cluster)), df = num(a1$parms.f - a1$parms.r),
                       p_value = num(pchisq(lrt(red_cluster), a1$parms.f - a1$parms.r, lower.tail = FALSE)),
                       anova_statistic = num(a1$LRT), loglik_reduced = num(logLik(red_cluster)),
                       sigma2_reduced = num(red_cluster$sigma2[2])),
    lrt_within = list(statistic = num(lrt(red_within)), df = num(a2$parms.f - a2$parms.r),
                      p_value = num(pchisq(lrt(red_within), a2$parms.f - a2$parms.r, lower.tail = FALSE)),
                      anova_statistic = num(a2$LRT), loglik_reduced = num(logLik(red_within)),
                      sigma2_reduced = num(red_within$sigma2[1]))
  )
}

for (cs in cases) {
  val <- one(cs)
  txt <- toJSON(val, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null", na = "null")
  writeLines(txt, file.path(out_dir, paste0(cs$id, ".json")))
}
cat(length(cases), "cases written to", out_dir, "\n")

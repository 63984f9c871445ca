# Reference values for meta-regression, publication bias and sensitivity analyses.
# Run from the repository root:  Rscript validation/metafor/stats_refs.R
# Writes tests/reference/sections_refs.json (R and metafor versions recorded inside).
# Convergence: evisynth solves iterative estimators tightly, so every fit uses CTRL below.
suppressMessages(library(metafor))
suppressMessages(library(jsonlite))
source("validation/metafor/stats_datasets.R")
CTRL <- list(threshold = 1e-12, tol = 1e-13, maxiter = 10000)
TESTS <- c(z = "z", hksj = "knha", "hksj-adhoc" = "adhoc")
ALL_METHODS <- c("REML", "DL", "FE", "ML", "PM", "SJ", "HE", "HS", "EB")
# (method, test, level) combinations: every estimator and test on BCG, the main ones elsewhere
combos <- function(dn) {
  out <- list()
  methods <- if (dn == "bcg") ALL_METHODS else c("REML", "DL", "FE")
  tests <- if (dn == "bcg") names(TESTS) else c("z", "hksj")
  for (m in methods) for (t in tests) out[[length(out) + 1]] <- list(method = m, test = t, level = 95)
  if (dn == "bcg") for (m in c("REML", "FE")) out[[length(out) + 1]] <- list(method = m, test = "z", level = 90)
  out
}

fit <- function(d, method, test, mods = NULL, level = 95) {
  if (is.null(mods)) return(rma(yi, vi, data = d, method = method, test = test, slab = study, level = level,
                                control = CTRL))
  rma(yi, vi, mods = mods, data = d, method = method, test = test, slab = study, level = level, control = CTRL)
}
coefs <- function(r) list(estimate = c(r$beta), se = r$se, statistic = r$zval, p_value = r$pval,
                          ci_lower = r$ci.lb, ci_upper = r$ci.ub)

## ---- meta-regression ----------------------------------------------------------------------
mr_cases <- list(
  list(data = "bcg", mods = c("ablat", "alloc"), formula = ~ ablat + alloc, reference = NULL,
       predict = list(list(ablat = 30, alloc = "random"), list(ablat = 50, alloc = "systematic")),
       newmods = rbind(c(30, 1, 0), c(50, 0, 1))),
  list(data = "bcg", mods = c("alloc"), formula = ~ relevel(factor(alloc), ref = "random"),
       reference = list(alloc = "random"), predict = list(list(alloc = "alternate")), newmods = rbind(c(1, 0))),
  list(data = "bcg", mods = c("ablat", "year"), formula = ~ ablat + year, reference = NULL,
       predict = list(list(ablat = 20, year = 1960)), newmods = rbind(c(20, 1960))),
  list(data = "normand", mods = c("n", "country"), formula = ~ n + country, reference = NULL,
       predict = list(list(n = 100, country = "UK")), newmods = rbind(c(100, 0, 1))),
  list(data = "bangert", mods = c("length", "grade"), formula = ~ length + grade, reference = NULL,
       predict = list(list(length = 10, grade = "g3")), newmods = rbind(c(10, 0, 1, 0)))
)
mr <- list()
for (cs in mr_cases) for (cb in combos(cs$data)) {
  method <- cb$method; tn <- cb$test
  d <- datasets[[cs$data]]
  r <- fit(d, method, TESTS[[tn]], cs$formula, cb$level)
  pr <- predict(r, newmods = cs$newmods)
  mr[[length(mr) + 1]] <- list(
    data = cs$data, moderators = cs$mods, reference = cs$reference, predict = cs$predict,
    method = method, test = tn, level = cb$level / 100, coef_names = rownames(r$beta), coefficients = coefs(r),
    qm = r$QM, qm_df = r$QMdf[1], qm_p = r$QMp, qe = r$QE, qe_p = r$QEp, tau2 = r$tau2,
    tau2_se = if (method == "FE") NULL else r$se.tau2, i2 = r$I2, r2 = r$R2,
    predictions = list(estimate = c(pr$pred), se = c(pr$se), ci_lower = c(pr$ci.lb), ci_upper = c(pr$ci.ub),
                       pi_lower = c(pr$pi.lb), pi_upper = c(pr$pi.ub)))
}
## exact permutation tests (the number of distinct permutations is below iter, so metafor enumerates them)
perm <- list()
for (method in c("REML", "DL", "FE")) for (tn in names(TESTS)) {
  r <- fit(datasets$normand, method, TESTS[[tn]], ~ country)
  pt <- suppressWarnings(permutest(r, iter = 1000, progbar = FALSE, control = list()))
  perm[[length(perm) + 1]] <- list(data = "normand", moderators = "country", method = method, test = tn,
                                   permutation_p = pt$pval, permutation_qm_p = pt$QMp, iterations = 756)
}

## ---- publication bias ---------------------------------------------------------------------
pb <- list()
for (dn in names(datasets)) for (cb in combos(dn)) {
  method <- cb$method; tn <- cb$test
  d <- datasets[[dn]]
  r <- fit(d, method, TESTS[[tn]], level = cb$level)
  eg <- regtest(r, model = "lm")
  egfit <- eg$fit
  em <- regtest(r, model = "rma", control = CTRL)
  rk <- suppressWarnings(ranktest(r))
  tf <- trimfill(r, control = CTRL)
  tfr <- trimfill(r, estimator = "R0", control = CTRL)
  tfo <- lapply(list(tf, tfr), function(t) list(
    k0 = t$k0, side = t$side, estimate = c(t$beta), se = t$se, ci_lower = t$ci.lb, ci_upper = t$ci.ub,
    p_value = t$pval, tau2 = t$tau2, k0_se = t$se.k0, filled_yi = if (t$k0 > 0) t$yi[t$fill] else list()))
  pb[[length(pb) + 1]] <- list(
    data = dn, method = method, test = tn, level = cb$level / 100,
    egger = list(statistic = eg$zval, df = eg$dfs, p_value = eg$pval,
                 bias = coef(summary(egfit))[2, 1], bias_se = coef(summary(egfit))[2, 2], limit_estimate = eg$est,
                 limit_ci_lower = eg$ci.lb, limit_ci_upper = eg$ci.ub),
    egger_mixed = list(statistic = em$zval, p_value = em$pval, bias = c(em$fit$beta)[2], bias_se = em$fit$se[2]),
    begg = list(kendall_tau = unname(rk$tau), p_value = rk$pval),
    trim_and_fill = tfo[[1]], trim_and_fill_r0 = tfo[[2]],
    fail_safe_n = list(rosenthal = fsn(yi, vi, data = d)$fsnum, orwin = fsn(yi, vi, data = d, type = "Orwin")$fsnum,
                       rosenberg = fsn(yi, vi, data = d, type = "Rosenberg")$fsnum))
}

## ---- sensitivity --------------------------------------------------------------------------
sens <- list()
for (dn in names(datasets)) for (cb in combos(dn)) {
  method <- cb$method; tn <- cb$test
  d <- datasets[[dn]]
  r <- fit(d, method, TESTS[[tn]], level = cb$level)
  l1 <- leave1out(r)
  cu <- cumul(r)
  ord <- if (dn == "bcg") "ablat" else if (dn == "normand") "n" else "length"
  cuo <- cumul(r, order = d[[ord]])
  inf <- influence(r)
  row <- function(x) list(estimate = x$estimate, se = x$se, p_value = x$pval, ci_lower = x$ci.lb,
                          ci_upper = x$ci.ub, tau2 = if (is.null(x$tau2)) rep(0, length(x$estimate)) else x$tau2,
                          i2 = x$I2, q = x$Q)
  sens[[length(sens) + 1]] <- list(
    data = dn, method = method, test = tn, level = cb$level / 100, order_column = ord,
    leave_one_out = row(l1), cumulative = row(cu), cumulative_ordered = c(row(cuo), list(added = cuo$slab)),
    influence = list(rstudent = inf$inf$rstudent, dffits = inf$inf$dffits, cook_d = inf$inf$cook.d,
                     cov_r = inf$inf$cov.r, tau2_deleted = inf$inf$tau2.del, q_deleted = inf$inf$QE.del,
                     hat = inf$inf$hat, weight_percent = inf$inf$weight, dfbetas = inf$dfbs$intrcpt,
                     influential = inf$is.infl))
}

## Mantel-Haenszel and Peto leave-one-out and cumulative analyses (BCG counts)
mh <- list()
for (spec in list(list(method = "MH", measure = "RR"), list(method = "MH", measure = "OR"), list(method = "PETO", measure = "PETO"))) {
  r <- if (spec$method == "MH") {
    rma.mh(ai = events1, n1i = n1, ci = events2, n2i = n2, data = bcgc, measure = spec$measure, slab = study)
  } else {
    rma.peto(ai = events1, n1i = n1, ci = events2, n2i = n2, data = bcgc, slab = study)
  }
  row <- function(x) list(estimate = x$estimate, se = x$se, p_value = x$pval, ci_lower = x$ci.lb, ci_upper = x$ci.ub)
  mh[[length(mh) + 1]] <- list(method = spec$method, measure = spec$measure,
                               leave_one_out = row(leave1out(r)), cumulative = row(cumul(r)))
}

out <- list(r_version = R.version.string, metafor_version = as.character(packageVersion("metafor")),
            control = CTRL, datasets = lapply(datasets, function(d) d),
            meta_regression = mr, permutation = perm, mh_peto = mh, publication_bias = pb, sensitivity = sens)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, null = "null", na = "null", pretty = FALSE),
           "tests/reference/sections_refs.json")

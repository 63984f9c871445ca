#!/usr/bin/env Rscript
# metafor's numbers on degenerate and extreme-scale data, for tests/engine/test_degenerate.py.
#
# Usage (from the repository root):
#   Rscript validation/metafor/degenerate.R [OUT]   (default tests/engine/data/degenerate_metafor.json)
#
# Each case is a small data set (effects yi, variances vi, optional moderator x) where the
# statistics are 0/0 in exact arithmetic (identical effects, identical up to rounding, effects
# exactly on a line) or the data sit at extreme scales. For each the script records what
# metafor 3.8.1 returns (numbers, or the error message when it stops): rma() with z / knha /
# adhoc tests, confint() (tau² Q-profile), meta-regression, regtest() (lm and rma), ranktest()
# and trimfill(). evisynth reports the 0/0 statistics as undefined (null with a named warning;
# see evisynth.models.undefined) where metafor prints a number computed from rounding noise or a
# zero-width interval; the test asserts both sides. metafor is used as an oracle only (GPL).

suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})
argv <- commandArgs(trailingOnly = TRUE)
out <- if (length(argv) >= 1) argv[1] else "tests/engine/data/degenerate_metafor.json"
CTRL <- list(threshold = 1e-12, tol = 1e-13, maxiter = 10000)

num <- function(x) if (is.null(x) || length(x) == 0) NULL else as.numeric(x)  # non-finite: "NaN"/"Inf" strings
safe <- function(expr) tryCatch(suppressWarnings(expr), error = function(e) list(error = conditionMessage(e)))

fit_rma <- function(yi, vi, method, test) {
  safe({
    r <- rma(yi, vi, method = method, test = test, control = CTRL)
    ci <- tryCatch(suppressWarnings(confint(r, control = list(tol = 1e-13))$random), error = function(e) NULL)
    list(estimate = num(r$b[1]), se = num(r$se), statistic = num(r$zval), p_value = num(r$pval),
         ci_lower = num(r$ci.lb), ci_upper = num(r$ci.ub), tau2 = num(r$tau2), q = num(r$QE), i2 = num(r$I2),
         h2 = num(r$H2), tau2_ci_lower = if (is.null(ci)) NULL else num(ci[1, "ci.lb"]),
         tau2_ci_upper = if (is.null(ci)) NULL else num(ci[1, "ci.ub"]))
  })
}

fit_mr <- function(yi, vi, x, method, test) {
  safe({
    r <- rma(yi, vi, mods = ~x, method = method, test = test, control = CTRL)
    list(beta = num(r$b), se = num(r$se), statistic = num(r$zval), p_value = num(r$pval), qm = num(r$QM),
         qm_p = num(r$QMp), qe = num(r$QE), tau2 = num(r$tau2), r2 = num(r$R2))
  })
}

bias <- function(yi, vi, test) {
  r <- suppressWarnings(rma(yi, vi, method = "REML", test = test, control = CTRL))
  list(
    egger_lm = safe({e <- regtest(r, model = "lm"); list(statistic = num(e$zval), p_value = num(e$pval),
                                                         bias = num(coef(e$fit)[2]))}),
    egger_rma = safe({e <- regtest(r, model = "rma"); list(statistic = num(e$zval), p_value = num(e$pval),
                                                           bias = num(e$fit$beta[2]))}),
    rank = safe({k <- ranktest(r); list(kendall_tau = num(k$tau), p_value = num(k$pval))}),
    trimfill = safe({t <- trimfill(suppressWarnings(rma(yi, vi, method = "FE"))); list(k0 = num(t$k0), se_k0 = num(t$se.k0))})
  )
}

v4 <- c(0.04, 0.09, 0.02, 0.05)
cases <- list(
  identical_k3 = list(yi = rep(0.3, 3), vi = v4[1:3]),
  identical_k4 = list(yi = rep(0.3, 4), vi = v4),
  # differences at rounding level: 0.1 + 0.2 and 0.3 - 1 ulp
  near_identical_k4 = list(yi = c(0.3, 0.1 + 0.2, 0.3, 0.3 - 2^-54), vi = v4),
  identical_log_or = list(yi = rep(log(2), 5), vi = c(0.1, 0.2, 0.15, 0.3, 0.25)),
  tiny_variances = list(yi = rep(0.25, 4), vi = rep(1e-200, 4)),
  tiny_variances_spread = list(yi = c(0.25, 0.26, 0.24, 0.25), vi = c(1e-200, 2e-200, 3e-200, 4e-200))
)
res <- list()
for (id in names(cases)) {
  d <- cases[[id]]
  one <- list(yi = d$yi, vi = d$vi, rma = list())
  for (m in c("REML", "DL", "PM", "SJ")) for (t in c("z", "knha", "adhoc")) {
    one$rma[[paste(m, t, sep = "_")]] <- fit_rma(d$yi, d$vi, m, t)
  }
  if (length(d$yi) >= 4 && !grepl("tiny", id)) one$bias <- list(z = bias(d$yi, d$vi, "z"), knha = bias(d$yi, d$vi, "knha"))
  res[[id]] <- one
}
# meta-regression: identical effects, and effects exactly on a line in x
x6 <- c(1, 2, 3, 4, 5, 6)
v6 <- c(0.01, 0.02, 0.03, 0.04, 0.05, 0.06)
for (id in c("mr_identical", "mr_on_a_line")) {
  yi <- if (id == "mr_identical") rep(0.3, 6) else 0.1 * x6
  one <- list(yi = yi, vi = v6, x = x6, mr = list())
  for (m in c("REML", "DL", "FE")) for (t in c("z", "knha", "adhoc")) {
    one$mr[[paste(m, t, sep = "_")]] <- fit_mr(yi, v6, x6, m, t)
  }
  res[[id]] <- one
}

# JSON with every double at full precision (%.17g); jsonlite stops at 15 digits
to_json <- function(x, indent = "") {
  inner <- paste0(indent, "  ")
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (length(x) == 0) return(if (is.null(names(x))) "[]" else "{}")
    parts <- vapply(seq_along(x), function(i) to_json(x[[i]], inner), "")
    if (!is.null(names(x))) parts <- paste0(vapply(names(x), function(n) toJSON(n, auto_unbox = TRUE), ""), ": ", parts)
    open <- if (is.null(names(x))) "[" else "{"
    close <- if (is.null(names(x))) "]" else "}"
    return(paste0(open, "\n", inner, paste(parts, collapse = paste0(",\n", inner)), "\n", indent, close))
  }
  if (is.character(x)) return(if (length(x) == 1) toJSON(x, auto_unbox = TRUE) else toJSON(x))
  if (is.logical(x)) return(if (length(x) == 1) tolower(as.character(x)) else paste0("[", paste(tolower(x), collapse = ", "), "]"))
  x <- as.numeric(x)
  vals <- ifelse(is.finite(x), sprintf("%.17g", x), ifelse(is.na(x), "\"NaN\"", ifelse(x > 0, "\"Inf\"", "\"-Inf\"")))
  if (length(x) == 1) vals else paste0("[", paste(vals, collapse = ", "), "]")
}
header <- list(generator = "validation/metafor/degenerate.R", r_version = R.version.string,
               metafor_version = as.character(packageVersion("metafor")))
writeLines(to_json(list(header = header, cases = res)), out)

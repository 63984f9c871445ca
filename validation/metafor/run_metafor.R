#!/usr/bin/env Rscript
# Reference values for evisynth's `analyze --json` document, computed with metafor.
#
# Usage (from the repository root):
#   Rscript validation/metafor/run_metafor.R [CASES.json] [OUT_DIR] [DATA_DIR]
# defaults: validation/metafor/cases.json, tests/reference/expected and tests/reference/data.
#
# Each case is {id, data, args}: `data` is a CSV under tests/reference/data/ and `args` the
# exact evisynth command-line options. The script interprets those options with metafor
# (conventions in validation/metafor/README.md) and writes OUT_DIR/<id>.json holding a header
# (R and metafor versions, the case) and the expected contract keys. Numbers are written with
# sprintf("%.17g"), keys in a fixed order, so the files are byte-stable for a given R/metafor.
#
# metafor is used here only as an oracle (GPL); no metafor code is copied into evisynth.

suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})

argv <- commandArgs(trailingOnly = TRUE)
cases_file <- if (length(argv) >= 1) argv[1] else "validation/metafor/cases.json"
out_dir <- if (length(argv) >= 2) argv[2] else "tests/reference/expected"
data_dir <- if (length(argv) >= 3) argv[3] else "tests/reference/data"
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

# Tight convergence for the iterative estimators (see README: "Convergence").
CTRL <- list(threshold = 1e-12, tol = 1e-13, maxiter = 10000)
CI_CTRL <- list(tol = 1e-13)
NOTES <- list()  # per-case remarks written to the header (censored Q-profile limits)

# ---------------------------------------------------------------------------------------------
# JSON writer: ordered keys, %.17g numbers, null for NA/NaN/Inf/NULL.
# Values: NULL -> null; logical(1) -> true/false; numeric(1) -> number; character(1) -> string;
# named list -> object (names in the given order); unnamed list -> array.
json_str <- function(s) {
  s <- gsub("\\\\", "\\\\\\\\", s)
  s <- gsub("\"", "\\\\\"", s)
  s <- gsub("\n", "\\\\n", s)
  s <- gsub("\t", "\\\\t", s)
  paste0("\"", s, "\"")
}
json_num <- function(x) {
  if (is.null(x) || length(x) == 0 || is.na(x) || !is.finite(x)) return("null")
  x <- as.numeric(x)
  if (x == 0) return("0")  # also maps -0 to 0
  if (x == round(x) && abs(x) < 1e15) return(sprintf("%.0f", x))
  sprintf("%.17g", x)
}
to_json <- function(x, indent = 0) {
  pad <- strrep("  ", indent + 1)
  end <- strrep("  ", indent)
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (length(x) == 0) return(if (is.null(names(x))) "[]" else "{}")
    items <- vapply(seq_along(x), function(i) to_json(x[[i]], indent + 1), "")
    if (!is.null(names(x))) {
      items <- paste0(json_str(names(x)), ": ", items)
      return(paste0("{\n", pad, paste(items, collapse = paste0(",\n", pad)), "\n", end, "}"))
    }
    return(paste0("[\n", pad, paste(items, collapse = paste0(",\n", pad)), "\n", end, "]"))
  }
  if (length(x) != 1) stop("to_json: vectors must be wrapped in lists")
  if (is.logical(x)) return(if (is.na(x)) "null" else if (x) "true" else "false")
  if (is.character(x) || is.factor(x)) return(json_str(as.character(x)))
  json_num(x)
}
num <- function(x) if (is.null(x) || length(x) == 0) NA_real_ else as.numeric(x)[1]

# ---------------------------------------------------------------------------------------------
# Command-line options of `evisynth analyze` (exact spellings).
parse_args <- function(args) {
  o <- list(measure = NULL, log_scale = FALSE, model = NULL, method = NULL, test = "z", level = 0.95,
            smd_variance = "revman", continuity = 0.5, mh_continuity = "revman", drop00 = NULL,
            subgroup = NULL, subgroup_model = "separate", moderators = character(0), reference = list(),
            predict = list(), permutations = 0, bias = FALSE, sensitivity = FALSE, order = NULL)
  i <- 1
  val <- function() { i <<- i + 1; args[[i]] }
  while (i <= length(args)) {
    a <- args[[i]]
    switch(a,
      "--measure" = { o$measure <- toupper(val()) },
      "--log-scale" = { o$log_scale <- TRUE },
      "--model" = { o$model <- val() },
      "--method" = { o$method <- toupper(val()) },
      "--test" = { o$test <- val() },
      "--level" = { o$level <- as.numeric(val()) },
      "--smd-variance" = { o$smd_variance <- val() },
      "--continuity" = { o$continuity <- as.numeric(val()) },
      "--mh-continuity" = { o$mh_continuity <- val() },
      "--drop-double-zero" = { o$drop00 <- TRUE },
      "--keep-double-zero" = { o$drop00 <- FALSE },
      "--subgroup" = { o$subgroup <- val() },
      "--subgroup-model" = { o$subgroup_model <- val() },
      "--moderator" = { o$moderators <- c(o$moderators, val()) },
      "--reference" = {
        kv <- strsplit(val(), "=", fixed = TRUE)[[1]]
        o$reference[[trimws(kv[1])]] <- trimws(paste(kv[-1], collapse = "="))
      },
      "--predict" = {
        parts <- strsplit(val(), ",", fixed = TRUE)[[1]]
        pt <- list()
        for (p in parts) {
          kv <- strsplit(p, "=", fixed = TRUE)[[1]]
          pt[[trimws(kv[1])]] <- trimws(paste(kv[-1], collapse = "="))
        }
        o$predict[[length(o$predict) + 1]] <- pt
      },
      "--permutations" = { o$permutations <- as.integer(val()) },
      "--bias" = { o$bias <- TRUE },
      "--sensitivity" = { o$sensitivity <- TRUE },
      "--order" = { o$order <- val() },
      stop("unknown option in case args: ", a)
    )
    i <- i + 1
  }
  o
}

# ---------------------------------------------------------------------------------------------
# Reading the study table: canonical columns (case-insensitive, the aliases our fixtures use).
ALIASES <- list(
  study = c("study"), m1 = c("m1", "mean_e"), sd1 = c("sd1", "sd_e"), n1 = c("n1", "total_e"),
  m2 = c("m2", "mean_c"), sd2 = c("sd2", "sd_c"), n2 = c("n2", "total_c"),
  events1 = c("events1", "events_e"), events2 = c("events2", "events_c"),
  yi = c("yi"), vi = c("vi"), sei = c("sei", "se"), estimate = c("estimate"),
  ci_lower = c("ci_lower"), ci_upper = c("ci_upper")
)
read_table <- function(path) {
  raw <- read.csv(path, colClasses = "character", check.names = FALSE, strip.white = TRUE)
  low <- tolower(names(raw))
  cols <- list()
  used <- character(0)
  for (canon in names(ALIASES)) {
    hit <- which(low %in% ALIASES[[canon]])
    if (length(hit)) {
      cols[[canon]] <- if (canon == "study") raw[[hit[1]]] else as.numeric(raw[[hit[1]]])
      used <- c(used, names(raw)[hit[1]])
    }
  }
  extra <- list()
  for (nm in setdiff(names(raw), used)) {
    v <- raw[[nm]]
    nv <- suppressWarnings(as.numeric(v))
    extra[[nm]] <- if (all(!is.na(nv) | v == "")) nv else v
  }
  kind <- if (!is.null(cols$events1)) "binary" else if (!is.null(cols$m1)) "continuous" else "generic"
  list(cols = cols, extra = extra, kind = kind, study = cols$study, k = length(cols$study))
}
find_extra <- function(tab, name) {
  hit <- which(tolower(names(tab$extra)) == tolower(name))
  if (!length(hit)) stop("no column ", name)
  tab$extra[[hit[1]]]
}

# ---------------------------------------------------------------------------------------------
# Settings resolved as evisynth's AnalysisSpec.resolved() does.
resolve <- function(o, kind) {
  if (is.null(o$measure)) o$measure <- c(continuous = "MD", binary = "OR", generic = "GEN")[[kind]]
  fixed_methods <- c("IV", "MH", "PETO")
  if (!is.null(o$method) && o$method %in% fixed_methods) o$model <- "fixed"
  if (!is.null(o$method) && !(o$method %in% fixed_methods)) o$model <- "random"
  if (is.null(o$model)) o$model <- if (o$measure == "PETO") "fixed" else "random"
  if (is.null(o$method)) o$method <- if (o$model == "fixed") (if (o$measure == "PETO") "PETO" else "IV") else "REML"
  if (o$method == "PETO") o$measure <- "PETO"
  if (is.null(o$drop00)) o$drop00 <- o$measure != "RD"
  o$log <- o$measure %in% c("OR", "RR", "PETO") || (o$measure == "GEN" && o$log_scale)
  o$mf_test <- c(z = "z", hksj = "knha", `hksj-adhoc` = "adhoc")[[o$test]]
  o
}

# Study effects (escalc stage). Returns yi, vi (NA where not estimable) and `included`.
effects <- function(tab, o) {
  c <- tab$cols
  if (tab$kind == "continuous") {
    if (o$measure == "MD") {
      e <- escalc("MD", m1i = c$m1, sd1i = c$sd1, n1i = c$n1, m2i = c$m2, sd2i = c$sd2, n2i = c$n2)
      yi <- as.numeric(e$yi); vi <- as.numeric(e$vi)
    } else if (o$smd_variance == "revman") {
      # RevMan 5: Hedges' g with J = 1 - 3/(4N - 9), Var = N/(n1 n2) + g^2 / (2 (N - 3.94))
      N <- c$n1 + c$n2
      sp <- sqrt(((c$n1 - 1) * c$sd1^2 + (c$n2 - 1) * c$sd2^2) / (N - 2))
      yi <- (1 - 3 / (4 * N - 9)) * (c$m1 - c$m2) / sp
      vi <- N / (c$n1 * c$n2) + yi^2 / (2 * (N - 3.94))
    } else {
      vt <- c(`large-sample` = "LS", unbiased = "UB")[[o$smd_variance]]
      e <- escalc("SMD", m1i = c$m1, sd1i = c$sd1, n1i = c$n1, m2i = c$m2, sd2i = c$sd2, n2i = c$n2, vtype = vt)
      yi <- as.numeric(e$yi); vi <- as.numeric(e$vi)
    }
  } else if (tab$kind == "binary") {
    # Peto's (O - E)/V needs no continuity correction: evisynth shows the uncorrected study row,
    # as RevMan does (escalc's default add = 1/2 would apply to PETO too, so pass add = 0).
    add <- if (o$measure == "PETO") 0 else o$continuity
    e <- suppressWarnings(escalc(o$measure, ai = c$events1, n1i = c$n1, ci = c$events2, n2i = c$n2,
                                 add = add, to = "only0", drop00 = o$drop00))
    yi <- as.numeric(e$yi); vi <- as.numeric(e$vi)
  } else {
    if (!is.null(c$yi)) {
      yi <- c$yi
      vi <- if (!is.null(c$vi)) c$vi else c$sei^2
    } else {
      z <- qnorm(0.975)  # estimate + 95% CI input: SE = width / (2 z_0.975), on the log scale if --log-scale
      if (o$log) {
        yi <- log(c$estimate); vi <- ((log(c$ci_upper) - log(c$ci_lower)) / (2 * z))^2
      } else {
        yi <- c$estimate; vi <- ((c$ci_upper - c$ci_lower) / (2 * z))^2
      }
    }
  }
  inc <- is.finite(yi) & is.finite(vi) & vi > 0
  list(yi = yi, vi = vi, included = inc)
}

# ---------------------------------------------------------------------------------------------
# Model fitting on a subset of rows (logical or index vector over the table).
fit_model <- function(tab, eff, o, rows) {
  lvl <- o$level * 100
  if (o$method %in% c("MH", "PETO")) {
    c <- tab$cols
    # drop00 drops the per-study outcomes (Q, study rows); the sums keep every table (metafor's
    # default drop00 = c(TRUE, FALSE)), except RevMan's corrected MH sums, which would otherwise
    # take a dropped double-zero table in through its continuity correction.
    revman_sums <- o$method == "MH" && o$mh_continuity == "revman" && o$continuity > 0
    drop <- c(o$drop00, o$drop00 && revman_sums)
    if (o$method == "MH") {
      add2 <- if (o$mh_continuity == "revman") o$continuity else 0
      to2 <- if (o$mh_continuity == "revman") "only0" else "none"
      res <- suppressWarnings(rma.mh(ai = c$events1[rows], n1i = c$n1[rows], ci = c$events2[rows], n2i = c$n2[rows],
                                     measure = o$measure, add = c(o$continuity, add2), to = c("only0", to2),
                                     drop00 = drop, level = lvl, slab = tab$study[rows]))
    } else {
      # add[1] only makes the observed study outcomes (and so k.yi, the df of Q): uncorrected, as the rows
      res <- suppressWarnings(rma.peto(ai = c$events1[rows], n1i = c$n1[rows], ci = c$events2[rows], n2i = c$n2[rows],
                                       add = c(0, 0), to = c("only0", "none"), drop00 = drop,
                                       level = lvl, slab = tab$study[rows]))
    }
    res$k <- if (is.logical(rows)) sum(rows) else length(rows)  # every table counts in k, as metafor's default
    return(res)
  }
  idx <- which(rows & eff$included)
  method <- if (o$model == "fixed") "EE" else o$method
  suppressWarnings(rma(yi = eff$yi[idx], vi = eff$vi[idx], method = method, test = o$mf_test, level = lvl,
                       slab = tab$study[idx], control = CTRL))
}
is_counts <- function(res) inherits(res, "rma.mh") || inherits(res, "rma.peto")
q_df <- function(res) if (is_counts(res)) max(res$k.yi - 1, 0) else res$k - res$p

# ---------------------------------------------------------------------------------------------
# Sections of the document.
exp_twins <- function(d, keys) {
  for (key in keys) if (key %in% names(d)) d[[paste0(key, "_exp")]] <- if (is.na(d[[key]])) NA else exp(d[[key]])
  d
}

studies_section <- function(tab, eff, o, res) {
  z <- qnorm(1 - (1 - o$level) / 2)
  w <- rep(NA_real_, tab$k)
  ww <- weights(res)
  if (is_counts(res)) {
    # rma.mh / rma.peto: weights() drops the tables outside the sums (not.na = FALSE)
    w[res$not.na] <- as.numeric(ww)
  } else {
    w[eff$included] <- as.numeric(ww)
  }
  # rma.mh / rma.peto count every table (k), so every row is part of the analysis; a double-zero
  # table dropped by drop00 has no outcome of its own ("not estimable")
  inc <- if (is_counts(res)) rep(TRUE, tab$k) else eff$included
  lapply(seq_len(tab$k), function(i) {
    yi <- eff$yi[i]; vi <- eff$vi[i]
    fin <- is.finite(yi) && is.finite(vi)
    se <- if (is.finite(vi)) sqrt(vi) else NA
    d <- list(study = tab$study[i], yi = if (is.finite(yi)) yi else NA, vi = if (is.finite(vi)) vi else NA,
              se = se, ci_lower = if (fin) yi - z * se else NA, ci_upper = if (fin) yi + z * se else NA,
              weight_percent = if (inc[i]) w[i] else NA, included = inc[i])
    if (o$log) d <- exp_twins(d, c("yi", "ci_lower", "ci_upper"))
    d
  })
}

pooled_section <- function(res, o) {
  random <- o$model == "random" && !is_counts(res)
  d <- list(k = res$k, estimate = num(res$beta), se = num(res$se), statistic = num(res$zval),
            df = if (!is_counts(res) && res$test != "z") num(res$ddf) else NA,
            p_value = num(res$pval), ci_lower = num(res$ci.lb), ci_upper = num(res$ci.ub),
            pi_lower = NA, pi_upper = NA, pi_lower_t = NA, pi_upper_t = NA)
  if (random) {
    p <- predict(res)
    d$pi_lower <- num(p$pi.lb); d$pi_upper <- num(p$pi.ub)
    if (res$k >= 3) {
      pr <- predict(res, pi.type = "riley")
      d$pi_lower_t <- num(pr$pi.lb); d$pi_upper_t <- num(pr$pi.ub)
    }
  }
  if (o$log) d <- exp_twins(d, c("estimate", "ci_lower", "ci_upper", "pi_lower", "pi_upper", "pi_lower_t", "pi_upper_t"))
  d
}

heterogeneity_section <- function(res, o) {
  random <- o$model == "random" && !is_counts(res)
  d <- list(tau2 = 0, tau2_se = NA, tau2_ci_lower = NA, tau2_ci_upper = NA, tau = 0, tau_ci_lower = NA,
            tau_ci_upper = NA, i2 = num(res$I2), i2_ci_lower = NA, i2_ci_upper = NA, h2 = num(res$H2),
            h2_ci_lower = NA, h2_ci_upper = NA, q = num(res$QE), q_df = q_df(res), q_p = num(res$QEp))
  if (random) {
    d$tau2 <- num(res$tau2); d$tau <- sqrt(num(res$tau2)); d$tau2_se <- num(res$se.tau2)
    full <- tryCatch(suppressWarnings(suppressMessages(confint(res, control = CI_CTRL))), error = function(e) NULL)
    ci <- if (is.null(full)) NULL else full$random
    if (!is.null(full) && (nzchar(full$lb.sign) || nzchar(full$ub.sign))) {
      # metafor censors a Q-profile limit at the end of its search interval (printed as ">100").
      # Keep metafor's value as the expectation, and record the root found in a wider interval.
      ext <- NULL
      for (tmax in c(1e4, 1e6, 1e8)) {
        e2 <- suppressWarnings(suppressMessages(confint(res, control = c(CI_CTRL, list(tau2.max = tmax)))))
        ext <- e2$random
        if (!nzchar(e2$ub.sign)) break
      }
      keys <- c("tau2", "tau", "i2", "h2")
      for (j in 1:4) for (side in c("lb", "ub")) {
        if (nzchar(full[[paste0(side, ".sign")]])) {
          col <- paste0("ci.", side)
          NOTES[[paste0("heterogeneity.", keys[j], "_ci_", if (side == "lb") "lower" else "upper")]] <<- list(
            metafor = ci[j, col], metafor_sign = full[[paste0(side, ".sign")]], exact_root = ext[j, col])
        }
      }
    }
    if (!is.null(ci)) {
      d$tau2_ci_lower <- ci[1, "ci.lb"]; d$tau2_ci_upper <- ci[1, "ci.ub"]
      d$tau_ci_lower <- ci[2, "ci.lb"]; d$tau_ci_upper <- ci[2, "ci.ub"]
      d$i2_ci_lower <- ci[3, "ci.lb"]; d$i2_ci_upper <- ci[3, "ci.ub"]
      d$h2_ci_lower <- ci[4, "ci.lb"]; d$h2_ci_upper <- ci[4, "ci.ub"]
    }
  }
  d
}

group_labels <- function(tab, o, variable) {
  raw <- find_extra(tab, variable)
  if (is.numeric(raw)) ifelse(is.na(raw), "", format(raw, trim = TRUE, drop0trailing = TRUE)) else trimws(raw)
}

subgroups_section <- function(tab, eff, o) {
  lab <- group_labels(tab, o, o$subgroup)
  levels <- unique(lab[eff$included])
  groups <- list()
  if (o$subgroup_model == "separate") {
    est <- se <- numeric(0)
    for (lv in levels) {
      res <- fit_model(tab, eff, o, lab == lv)
      g <- list(level = lv, k = res$k, estimate = num(res$beta), se = num(res$se), statistic = num(res$zval),
                p_value = num(res$pval), ci_lower = num(res$ci.lb), ci_upper = num(res$ci.ub),
                tau2 = if (o$model == "random" && !is_counts(res)) num(res$tau2) else 0,
                i2 = num(res$I2), q = num(res$QE), q_df = q_df(res), q_p = num(res$QEp))
      if (o$log) g <- exp_twins(g, c("estimate", "ci_lower", "ci_upper"))
      groups[[length(groups) + 1]] <- g
      if (is.finite(num(res$se)) && num(res$se) > 0) { est <- c(est, num(res$beta)); se <- c(se, num(res$se)) }
    }
    if (length(est) >= 2) {
      dt <- rma(yi = est, sei = se, method = "EE")
      q <- num(dt$QE); df <- length(est) - 1
      diff <- list(q = q, df = df, p_value = num(dt$QEp), i2 = if (q > 0) max(0, (q - df) / q) * 100 else 0)
    } else {
      diff <- list(q = NA, df = NA, p_value = NA, i2 = NA)
    }
  } else {
    idx <- which(eff$included)
    g <- factor(lab[idx], levels = levels)
    method <- if (o$model == "fixed") "EE" else o$method
    lvl <- o$level * 100
    m0 <- suppressWarnings(rma(yi = eff$yi[idx], vi = eff$vi[idx], mods = ~ g - 1, method = method, test = o$mf_test,
                               level = lvl, control = CTRL))
    m1 <- suppressWarnings(rma(yi = eff$yi[idx], vi = eff$vi[idx], mods = ~ g, method = method, test = o$mf_test,
                               level = lvl, control = CTRL))
    for (j in seq_along(levels)) {
      sub <- idx[g == levels[j]]
      within <- suppressWarnings(rma(yi = eff$yi[sub], vi = eff$vi[sub], method = "EE"))
      gr <- list(level = levels[j], k = length(sub), estimate = m0$beta[j], se = m0$se[j], statistic = m0$zval[j],
                 p_value = m0$pval[j], ci_lower = m0$ci.lb[j], ci_upper = m0$ci.ub[j], tau2 = num(m0$tau2),
                 i2 = num(within$I2), q = num(within$QE), q_df = within$k - 1, q_p = num(within$QEp))
      if (o$log) gr <- exp_twins(gr, c("estimate", "ci_lower", "ci_upper"))
      groups[[j]] <- gr
    }
    q <- num(m1$QM); df <- m1$QMdf[1]
    diff <- list(q = q, df = df, p_value = num(m1$QMp), i2 = if (q > 0) max(0, (q - df) / q) * 100 else 0)
  }
  list(variable = o$subgroup, groups = groups, difference = diff)
}

# Treatment-coded design for --moderator columns (reference = first level of R's factor(), i.e.
# sorted in the collation of the session, unless --reference). Returns the matrix (without intercept) and a row builder for --predict.
moderator_design <- function(tab, o, idx) {
  X <- NULL
  builders <- list()
  for (mod in o$moderators) {
    raw <- find_extra(tab, mod)
    if (is.numeric(raw)) {
      col <- matrix(raw[idx], ncol = 1, dimnames = list(NULL, mod))
      builders[[mod]] <- local({ m <- mod; function(pt) as.numeric(pt[[m]]) })
    } else {
      v <- trimws(raw[idx])
      lv <- levels(factor(v))  # R's factor() order (locale collation; see README "Categorical moderators")
      ref <- o$reference[[mod]]
      if (is.null(ref)) ref <- lv[1]
      others <- setdiff(lv, ref)
      col <- sapply(others, function(l) as.numeric(v == l))
      col <- matrix(col, ncol = length(others), dimnames = list(NULL, paste0(mod, "_", others)))
      builders[[mod]] <- local({ m <- mod; oth <- others; function(pt) as.numeric(oth == pt[[m]]) })
    }
    X <- cbind(X, col)
  }
  list(X = X, row = function(pt) unlist(lapply(o$moderators, function(m) builders[[m]](pt))))
}

meta_regression_section <- function(tab, eff, o) {
  idx <- which(eff$included)
  des <- moderator_design(tab, o, idx)
  method <- if (o$model == "fixed") "EE" else o$method
  res <- suppressWarnings(rma(yi = eff$yi[idx], vi = eff$vi[idx], mods = des$X, method = method, test = o$mf_test,
                              level = o$level * 100, control = CTRL))
  names_out <- c("intercept", colnames(des$X))
  coefs <- lapply(seq_along(names_out), function(j)
    list(name = names_out[j], estimate = res$beta[j], se = res$se[j], statistic = res$zval[j], p_value = res$pval[j],
         ci_lower = res$ci.lb[j], ci_upper = res$ci.ub[j]))
  preds <- lapply(o$predict, function(pt) {
    p <- predict(res, newmods = matrix(des$row(pt), nrow = 1))
    list(estimate = num(p$pred), se = num(p$se), ci_lower = num(p$ci.lb), ci_upper = num(p$ci.ub),
         pi_lower = if (is.null(p$pi.lb)) NA else num(p$pi.lb), pi_upper = if (is.null(p$pi.ub)) NA else num(p$pi.ub))
  })
  list(coefficients = coefs, qm = num(res$QM), qm_df = res$QMdf[1], qm_p = num(res$QMp),
       r2 = if (is.null(res$R2)) NA else num(res$R2), tau2 = num(res$tau2), predictions = preds)
}

publication_bias_section <- function(tab, eff, o, res) {
  idx <- which(eff$included)
  eg <- regtest(res, model = "lm")
  cf <- coef(summary(eg$fit))
  em <- regtest(res)
  rk <- suppressWarnings(ranktest(res))
  tf <- suppressWarnings(trimfill(res, control = CTRL))
  fs <- function(type) suppressWarnings(fsn(yi = eff$yi[idx], vi = eff$vi[idx], type = type))$fsnum
  list(
    egger = list(statistic = num(eg$zval), df = num(eg$dfs), p_value = num(eg$pval), bias = cf[2, 1], bias_se = cf[2, 2]),
    egger_mixed = list(statistic = num(em$zval), p_value = num(em$pval), bias = num(coef(em$fit)[2])),
    begg = list(kendall_tau = num(rk$tau), p_value = num(rk$pval)),
    trim_and_fill = list(k0 = tf$k0, side = tf$side, estimate = num(tf$beta), se = num(tf$se), ci_lower = num(tf$ci.lb),
                         ci_upper = num(tf$ci.ub), p_value = num(tf$pval)),
    fail_safe_n = list(rosenthal = fs("Rosenthal"), orwin = fs("Orwin"), rosenberg = fs("Rosenberg"))
  )
}

sensitivity_section <- function(tab, eff, o, res) {
  idx <- which(eff$included)
  # partial matching: cumul() in metafor 3.8 names its p-values "pvals"
  get <- function(obj, nm, i) { v <- obj[[nm, exact = FALSE]]; if (is.null(v)) NA else num(v[i]) }
  l1 <- suppressWarnings(leave1out(res))
  loo <- lapply(seq_along(idx), function(i)
    list(omitted = tab$study[idx[i]], estimate = get(l1, "estimate", i), se = get(l1, "se", i),
         ci_lower = get(l1, "ci.lb", i), ci_upper = get(l1, "ci.ub", i), p_value = get(l1, "pval", i),
         tau2 = if (is.null(l1$tau2)) 0 else num(l1$tau2[i]), i2 = get(l1, "I2", i), q = get(l1, "Q", i)))
  ordvec <- if (is.null(o$order)) seq_along(idx) else as.numeric(find_extra(tab, o$order))[idx]
  cu <- suppressWarnings(do.call(cumul, list(res, order = ordvec)))
  perm <- order(ordvec)
  cum <- lapply(seq_along(idx), function(i)
    list(added = tab$study[idx[perm[i]]], estimate = get(cu, "estimate", i), se = get(cu, "se", i),
         ci_lower = get(cu, "ci.lb", i), ci_upper = get(cu, "ci.ub", i), p_value = get(cu, "pval", i),
         tau2 = if (is.null(cu$tau2)) 0 else num(cu$tau2[i]), i2 = get(cu, "I2", i), q = get(cu, "Q", i)))
  inf <- suppressWarnings(influence(res))
  I <- inf$inf
  infl <- lapply(seq_along(idx), function(i)
    list(study = tab$study[idx[i]], rstudent = num(I$rstudent[i]), dffits = num(I$dffits[i]), cook_d = num(I$cook.d[i]),
         cov_r = num(I$cov.r[i]), tau2_deleted = num(I$tau2.del[i]), q_deleted = num(I$QE.del[i]), hat = num(I$hat[i]),
         weight_percent = num(I$weight[i]), dfbetas = num(inf$dfbs[[1]][i]), influential = identical(I$inf[i], "*")))
  list(leave_one_out = loo, cumulative = cum, influence = infl)
}

# ---------------------------------------------------------------------------------------------
run_case <- function(case) {
  NOTES <<- list()
  tab <- read_table(file.path(data_dir, case$data))
  o <- resolve(parse_args(unlist(case$args)), tab$kind)
  eff <- effects(tab, o)
  all_rows <- rep(TRUE, tab$k)
  res <- fit_model(tab, eff, o, all_rows)
  doc <- list(studies = studies_section(tab, eff, o, res), pooled = pooled_section(res, o),
              heterogeneity = heterogeneity_section(res, o))
  if (!is.null(o$subgroup)) doc$subgroups <- subgroups_section(tab, eff, o)
  if (length(o$moderators)) doc$meta_regression <- meta_regression_section(tab, eff, o)
  if (o$bias) doc$publication_bias <- publication_bias_section(tab, eff, o, res)
  if (o$sensitivity) doc$sensitivity <- sensitivity_section(tab, eff, o, res)
  doc
}

cases <- fromJSON(cases_file, simplifyVector = FALSE)$cases
header_common <- list(generator = "validation/metafor/run_metafor.R", r_version = R.version.string,
                      metafor_version = as.character(packageVersion("metafor")),
                      collation = Sys.getlocale("LC_COLLATE"))
failed <- character(0)
for (case in cases) {
  doc <- tryCatch(run_case(case), error = function(e) { message(case$id, ": ERROR ", conditionMessage(e)); NULL })
  if (is.null(doc)) { failed <- c(failed, case$id); next }
  hdr <- c(header_common, list(case = list(id = case$id, data = case$data, args = as.list(unlist(case$args)))))
  if (length(NOTES)) hdr$censored_bounds <- NOTES
  out <- list(header = hdr, expected = doc)
  writeLines(to_json(out), file.path(out_dir, paste0(case$id, ".json")), useBytes = TRUE)
}
cat(sprintf("wrote %d of %d cases to %s\n", length(cases) - length(failed), length(cases), out_dir))
if (length(failed)) { cat("failed:", failed, "\n"); quit(status = 1) }

#!/usr/bin/env Rscript
# Reference values for evisynth.models.robust (CR2 cluster-robust tests with Satterthwaite df, the
# HTZ Wald test, and robumeta's correlated-effects model), computed with clubSandwich and robumeta on
# metafor fits.
#
# Usage (from the repository root):
#   Rscript validation/robust/robust.R [DATA_DIR] [OUT_DIR]
# defaults: tests/reference/dependent and tests/reference/robust.
# clubSandwich, robumeta and metafor are GPL and used only as oracles: none of their code is ported.
suppressPackageStartupMessages({
  library(metafor)
  library(clubSandwich)
  library(robumeta)
  library(jsonlite)
})
argv <- commandArgs(trailingOnly = TRUE)
data_dir <- if (length(argv) >= 1) argv[1] else "tests/reference/dependent"
out_dir <- if (length(argv) >= 2) argv[2] else "tests/reference/robust"
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
source("validation/multilevel/polish.R")
UNI_CTRL <- list(threshold = 1e-13, maxiter = 10000, stepadj = 0.5)

cases <- list(
  list(id = "sat_uni", data = "satcoaching", model = "uni", mods = NULL),
  list(id = "sat_uni_mods", data = "satcoaching", model = "uni", mods = "~ test + study_type"),
  list(id = "sat_mv", data = "satcoaching", model = "mv", mods = NULL),
  list(id = "sat_mv_mods", data = "satcoaching", model = "mv", mods = "~ test + hrs"),
  list(id = "sat_robu", data = "satcoaching", model = "robu", mods = NULL, rho = 0.8),
  list(id = "sat_robu_mods", data = "satcoaching", model = "robu", mods = "~ test + study_type", rho = 0.5),
  list(id = "corrdat_uni", data = "corrdat", model = "uni", mods = NULL),
  list(id = "corrdat_mv_mods", data = "corrdat", model = "mv", mods = "~ males + college + binge"),
  list(id = "corrdat_robu", data = "corrdat", model = "robu", mods = NULL, rho = 0.8),
  list(id = "corrdat_robu_mods", data = "corrdat", model = "robu", mods = "~ males + college + binge", rho = 0.8),
  list(id = "corrdat_robu_rho02", data = "corrdat", model = "robu", mods = "~ males + college + binge", rho = 0.2),
  list(id = "hierdat_uni_mods", data = "hierdat", model = "uni", mods = "~ binge + followup + sreport"),
  list(id = "hierdat_mv", data = "hierdat", model = "mv", mods = NULL),
  list(id = "hierdat_robu", data = "hierdat", model = "robu", mods = "~ binge + followup + sreport", rho = 0.8),
  list(id = "dropout_uni_mods", data = "dropoutprevention", model = "uni", mods = "~ study_design + attrition + male_pct"),
  list(id = "dropout_mv", data = "dropoutprevention", model = "mv", mods = NULL),
  list(id = "dropout_mv_mods", data = "dropoutprevention", model = "mv", mods = "~ study_design + attrition + male_pct"),
  list(id = "dropout_robu_mods", data = "dropoutprevention", model = "robu", mods = "~ study_design + attrition + male_pct", rho = 0.8),
  list(id = "assink_uni", data = "assink2016", model = "uni", mods = NULL),
  list(id = "assink_mv_mods", data = "assink2016", model = "mv", mods = "~ deltype + year"),
  list(id = "assink_robu", data = "assink2016", model = "robu", mods = "~ deltype + year", rho = 0.6),
  list(id = "konstantopoulos_mv", data = "konstantopoulos2011", model = "mv", mods = NULL),
  list(id = "konstantopoulos_robu", data = "konstantopoulos2011", model = "robu", mods = NULL, rho = 0.8),
  list(id = "bornmann_uni_type", data = "bornmann2007", model = "uni", mods = "~ type"),
  list(id = "bornmann_mv_disc", data = "bornmann2007", model = "mv", mods = "~ discipline"),
  list(id = "bornmann_robu_disc", data = "bornmann2007", model = "robu", mods = "~ discipline", rho = 0.8)
)

num <- function(x) { x <- as.numeric(x); ifelse(is.finite(x), x, NA_real_) }

one <- function(cs) {
  d <- read.csv(file.path(data_dir, paste0(cs$data, ".csv")), stringsAsFactors = FALSE)
  keep <- rep(TRUE, nrow(d))
  if (!is.null(cs$mods)) keep <- complete.cases(model.frame(as.formula(cs$mods), d, na.action = na.pass))
  d <- d[keep, ]
  X <- if (is.null(cs$mods)) matrix(1, nrow(d), 1, dimnames = list(NULL, "intrcpt")) else
    model.matrix(as.formula(cs$mods), d)
  if (!is.null(cs$mods)) colnames(X)[1] <- "intrcpt"
  out <- list(header = list(r_version = R.version.string, metafor_version = as.character(packageVersion("metafor")),
                            clubSandwich_version = as.character(packageVersion("clubSandwich")),
                            robumeta_version = as.character(packageVersion("robumeta")),
                            case = cs[c("id", "data", "model")], mods = if (is.null(cs$mods)) "" else cs$mods,
                            rho = if (is.null(cs$rho)) NA else cs$rho),
              rows_used = which(keep) - 1L, coef_names = colnames(X),
              x = lapply(seq_len(ncol(X)), function(j) unname(X[, j])))
  if (cs$model == "robu") {
    f <- as.formula(paste("yi", if (is.null(cs$mods)) "~ 1" else cs$mods))
    fit <- do.call(robu, list(formula = f, data = d, studynum = d$study, var.eff.size = d$vi,
                              modelweights = "CORR", rho = cs$rho, small = TRUE))
    rt <- fit$reg_table
    out$robumeta <- list(estimate = num(rt$b.r), se = num(rt$SE), statistic = num(rt$t), df = num(rt$dfs),
                         p_value = num(rt$prob), ci_lower = num(rt$CI.L), ci_upper = num(rt$CI.U),
                         tau2 = num(fit$mod_info$tau.sq), i2 = num(fit$mod_info$I.2), qe = num(fit$mod_info$QE),
                         n_clusters = fit$M, k = fit$N)
    ct <- coef_test(fit, vcov = "CR2")
    out$club_on_robu <- list(se = num(ct$SE), df = num(ct$df_Satt), p_value = num(ct$p_Satt))
    return(out)
  }
  if (cs$model == "uni") {
    args <- list(yi = d$yi, vi = d$vi, method = "REML", control = UNI_CTRL)
    if (!is.null(cs$mods)) args$mods <- X[, -1, drop = FALSE]
    fit <- do.call(rma.uni, args)
    out$tau2 <- num(fit$tau2)
  } else {
    mvfit <- function(sigma2 = c(NA, NA)) {
      args <- list(yi = d$yi, V = d$vi, random = ~ 1 | study / esid, data = d, method = "REML", sigma2 = sigma2)
      if (!is.null(cs$mods)) args$mods <- X[, -1, drop = FALSE]
      do.call(rma.mv, args)
    }
    fit <- polish(mvfit(), mvfit)
    out$sigma2 <- num(fit$sigma2)
  }
  ct <- coef_test(fit, vcov = "CR2", cluster = d$study, test = "Satterthwaite")
  ci <- conf_int(fit, vcov = "CR2", cluster = d$study, level = 0.95)
  out$estimate <- num(ct$beta)
  out$se <- num(ct$SE)
  out$statistic <- num(ct$tstat)
  out$df <- num(ct$df_Satt)
  out$p_value <- num(ct$p_Satt)
  out$ci_lower <- num(ci$CI_L)
  out$ci_upper <- num(ci$CI_U)
  V <- as.matrix(vcovCR(fit, cluster = d$study, type = "CR2"))
  out$vcov <- lapply(seq_len(ncol(V)), function(j) unname(num(V[, j])))
  if (ncol(X) > 1) {
    q <- ncol(X)
    for (tst in c("HTZ", "chi-sq")) {
      w <- Wald_test(fit, constraints = constrain_zero(2:q), vcov = "CR2", cluster = d$study, test = tst)
      out[[paste0("wald_", gsub("-", "", tst))]] <- list(test = tst, coefficients = 2:q - 1L, Fstat = num(w$Fstat),
                                                        df_num = num(w$df_num), df_denom = num(w$df_denom),
                                                        p_value = num(w$p_val))
    }
  }
  out
}

for (cs in cases) {
  val <- one(cs)
  txt <- toJSON(val, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null", na = "null")
  writeLines(txt, file.path(out_dir, paste0(cs$id, ".json")))
}
cat(length(cases), "cases written to", out_dir, "\n")

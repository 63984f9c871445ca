#!/usr/bin/env Rscript
# Export the published datasets with dependent effects used by the multilevel and robust reference
# suites to tests/reference/dependent/<name>.csv (columns: study, esid, yi, vi, moderators).
# Sources are cited in tests/reference/dependent/README.md. Run from the repository root.
suppressPackageStartupMessages({
  library(metafor)
  library(clubSandwich)
  library(robumeta)
})
out <- if (length(commandArgs(TRUE))) commandArgs(TRUE)[1] else "tests/reference/dependent"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
put <- function(name, d) {
  write.csv(d, file.path(out, paste0(name, ".csv")), row.names = FALSE, quote = TRUE)
}
fmt <- function(x) as.numeric(sprintf("%.15g", x))

d <- dat.konstantopoulos2011
put("konstantopoulos2011", data.frame(study = d$district, esid = d$school, yi = d$yi, vi = d$vi, year = d$year))

d <- dat.assink2016
put("assink2016", data.frame(study = d$study, esid = d$esid, yi = d$yi, vi = d$vi, pubstatus = d$pubstatus,
                             year = d$year, deltype = d$deltype))

d <- escalc(measure = "OR", ai = waward, n1i = wtotal, ci = maward, n2i = mtotal, data = dat.bornmann2007)
put("bornmann2007", data.frame(study = d$study, esid = d$obs, yi = fmt(d$yi), vi = fmt(d$vi), type = d$type,
                               discipline = d$discipline))

d <- dat.berkey1998
put("berkey1998", data.frame(study = d$trial, esid = d$outcome, yi = d$yi, vi = d$vi, year = d$year))

d <- dat.knapp2017
put("knapp2017", data.frame(study = d$study, esid = seq_len(nrow(d)), yi = d$yi, vi = d$vi, difficulty = d$difficulty))

data(SATcoaching, package = "clubSandwich")
d <- SATcoaching
put("satcoaching", data.frame(study = d$study, esid = ave(seq_len(nrow(d)), d$study, FUN = seq_along), yi = d$d,
                              vi = d$V, test = d$test, study_type = d$study_type, hrs = d$hrs))

data(dropoutPrevention, package = "clubSandwich")
d <- dropoutPrevention
put("dropoutprevention", data.frame(study = d$studyID, esid = seq_len(nrow(d)), yi = d$LOR1, vi = d$varLOR,
                                    study_design = d$study_design, outcome = d$outcome,
                                    program_site = d$program_site, attrition = d$attrition,
                                    male_pct = d$male_pct, average_age = d$average_age))

data(corrdat, package = "robumeta")
d <- corrdat
# esid repeats within some studies in corrdat; rows are numbered instead so each row is one comparison
put("corrdat", data.frame(study = d$studyid, esid = seq_len(nrow(d)), original_esid = d$esid, yi = d$effectsize, vi = d$var, males = d$males,
                          college = d$college, binge = d$binge, followup = d$followup))

data(hierdat, package = "robumeta")
d <- hierdat
put("hierdat", data.frame(study = d$studyid, esid = d$esid, yi = d$effectsize, vi = d$var, binge = d$binge,
                          sreport = d$sreport, males = d$males, age = d$age, followup = d$followup))

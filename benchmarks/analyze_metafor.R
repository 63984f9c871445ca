# The same analysis as `evisynth analyze eighteen_studies.csv --measure OR --method REML`, with metafor:
# log odds ratios, REML random effects, Wald z test, Q-profile CI for tau^2 / I^2, prediction interval.
args <- commandArgs(trailingOnly = TRUE)
suppressPackageStartupMessages(library(metafor))
d <- read.csv(args[1], check.names = FALSE)
es <- escalc(measure = "OR", ai = events1, n1i = n1, ci = events2, n2i = n2, data = d, slab = study)
fit <- rma(yi, vi, data = es, method = "REML")
print(fit)
print(confint(fit))
print(predict(fit, transf = exp))

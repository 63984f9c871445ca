source("validation/metafor/stats_datasets.R")
for (nm in names(datasets)) write.csv(datasets[[nm]], sprintf("tests/engine/data/%s.csv", nm), row.names = FALSE)
write.csv(bcgc, "tests/engine/data/bcg_counts.csv", row.names = FALSE)

#!/bin/sh
# Recompute the reference values of the dependent-effects suites (see validation/multilevel/README.md):
#   tests/reference/dependent/*.csv   the published datasets (export_datasets.R)
#   tests/reference/multilevel/*.json metafor rma.mv, confint, anova (rma_mv.R)
#   tests/reference/robust/*.json     clubSandwich CR2 / Wald_test and robumeta CORR (../robust/robust.R)
# Installs R, metafor, clubSandwich, robumeta and jsonlite from Debian packages when missing (needs root).
set -eu
cd "$(dirname "$0")/../.."
if ! Rscript -e 'library(metafor); library(clubSandwich); library(robumeta); library(jsonlite)' >/dev/null 2>&1; then
    apt-get update
    apt-get install -y --no-install-recommends r-base-core r-cran-metafor r-cran-clubsandwich r-cran-robumeta \
        r-cran-jsonlite
fi
Rscript validation/multilevel/export_datasets.R tests/reference/dependent
rm -f tests/reference/multilevel/*.json tests/reference/robust/*.json
Rscript validation/multilevel/rma_mv.R tests/reference/dependent tests/reference/multilevel
Rscript validation/robust/robust.R tests/reference/dependent tests/reference/robust

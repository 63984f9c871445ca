#!/bin/sh
# Recompute tests/reference/expected/*.json with R/metafor (see validation/metafor/README.md).
# Installs R, metafor and jsonlite from Debian packages when they are missing (needs root).
set -eu
cd "$(dirname "$0")/../.."
if ! command -v Rscript >/dev/null 2>&1 || ! Rscript -e 'library(metafor); library(jsonlite)' >/dev/null 2>&1; then
    apt-get update
    apt-get install -y --no-install-recommends r-base-core r-cran-metafor r-cran-jsonlite
fi
PY="${PYTHON:-python3}"
if command -v "$PY" >/dev/null 2>&1; then
    "$PY" validation/metafor/make_cases.py
fi
rm -f tests/reference/expected/*.json
Rscript validation/metafor/run_metafor.R validation/metafor/cases.json tests/reference/expected

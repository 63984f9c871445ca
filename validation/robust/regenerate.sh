#!/bin/sh
# The robust suite shares the datasets and the polishing of rma.mv fits with the multilevel suite:
# one script regenerates both (validation/multilevel/regenerate.sh).
set -eu
exec "$(dirname "$0")/../multilevel/regenerate.sh"

#!/usr/bin/env bash
# The main job: install what is missing, build rangectl, then validate and plan every example
# manifest in manifests/ (no engine needed). Usage: scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RANGECTL_SKIP_PYTHON=1 bash scripts/setup.sh
swift build -c release --product rangectl
bin=.build/release/rangectl
for m in manifests/*.yaml manifests/*.json; do
    echo "== $m"
    "$bin" validate "$m"
    "$bin" plan --offline "$m"
done

#!/usr/bin/env bash
# The main job: install what is missing, build rangectl, validate and plan every example manifest,
# bring up a local engine if none answers, apply the seed lab and show its status.
# Usage: scripts/run.sh            (scripts/run.sh --destroy removes the seed lab again)
set -euo pipefail
cd "$(dirname "$0")/.."
RANGECTL_SKIP_PYTHON=1 bash scripts/setup.sh
# Swift's runtime linked in: a command starts in a third of the time (no symbol binding of
# twenty shared libraries) and calls it directly (README, "Performance").
swift build -c release --static-swift-stdlib --product rangectl
bin=.build/release/rangectl
for m in manifests/*.yaml manifests/*.json; do
    echo "== validate and plan --offline $m"
    "$bin" validate "$m"
    "$bin" plan --offline "$m" >/dev/null
done
bash scripts/engine-up.sh >/dev/null
if [[ ${1:-} == --destroy ]]; then
    exec "$bin" destroy --auto-approve manifests/seed-lab.yaml
fi
echo "== apply manifests/seed-lab.yaml"
"$bin" apply --auto-approve manifests/seed-lab.yaml
echo "== status"
"$bin" status manifests/seed-lab.yaml

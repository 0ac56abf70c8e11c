#!/usr/bin/env bash
# The tests: install what is missing, bring up a local engine (as root), build, run every suite.
# The end-to-end suite runs against the real engine; it fails (never skips) when CI=true or
# RANGECTL_E2E=1 and no engine answers.
# Usage: scripts/test.sh [--engine 20.10|26|28|podman] [-- SWIFT-TEST-ARGUMENTS...]
# The engine is the one named, else $RANGECTL_ENGINE, else Docker 20.10 (see scripts/engine-up.sh);
# it is exported as RANGECTL_ENGINE, so that a test which restarts the engine gets the same one back.
# Arguments after `--` go to `swift test` (.ci/run passes `--filter EndToEnd` or `--skip EndToEnd`).
set -euo pipefail
cd "$(dirname "$0")/.."
usage() { echo "usage: scripts/test.sh [--engine 20.10|26|28|podman] [-- swift-test-arguments...]" >&2; exit 1; }
export RANGECTL_ENGINE=${RANGECTL_ENGINE:-20.10}
while (($#)); do
    case $1 in
        --engine) (($# >= 2)) || usage; RANGECTL_ENGINE=$2; shift 2 ;;
        --engine=*) RANGECTL_ENGINE=${1#*=}; shift ;;
        --) shift; break ;;
        *) usage ;;
    esac
done
bash scripts/setup.sh
if [[ $(id -u) -eq 0 ]]; then
    bash scripts/engine-up.sh >/dev/null
fi
swift build --build-tests
swift test --skip-build --disable-xctest "$@"

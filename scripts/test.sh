#!/usr/bin/env bash
# The tests: install what is missing, bring up a local engine (as root), build, run every suite.
# The end-to-end suite runs against the real engine; it fails (never skips) when CI=true or
# RANGECTL_E2E=1 and no engine answers.
# Usage: scripts/test.sh [--engine 20.10|26|28|podman]
# The engine is the one named, else $RANGECTL_ENGINE, else Docker 20.10 (see scripts/engine-up.sh);
# it is exported as RANGECTL_ENGINE, so that a test which restarts the engine gets the same one back.
set -euo pipefail
cd "$(dirname "$0")/.."
case ${1:-} in
    --engine) export RANGECTL_ENGINE=${2:?--engine needs one of 20.10, 26, 28, podman} ;;
    --engine=*) export RANGECTL_ENGINE=${1#*=} ;;
    "") export RANGECTL_ENGINE=${RANGECTL_ENGINE:-20.10} ;;
    *) echo "usage: scripts/test.sh [--engine 20.10|26|28|podman]" >&2; exit 1 ;;
esac
bash scripts/setup.sh
if [[ $(id -u) -eq 0 ]]; then
    bash scripts/engine-up.sh >/dev/null
fi
swift build --build-tests
swift test --skip-build --disable-xctest

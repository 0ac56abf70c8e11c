#!/usr/bin/env bash
# The tests: install what is missing, build, run every test suite. Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
swift test --skip-build --disable-xctest

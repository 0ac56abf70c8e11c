#!/usr/bin/env bash
# Builds the release binaries and runs the offline compiler benchmark (see README, "Performance").
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib --product rangectl >/dev/null
swift build -c release --product yaml-scan >/dev/null
exec python3 bench/offline.py "$@"

#!/usr/bin/env bash
# Builds rangectl (release), brings up the local engine and runs the status benchmark (see README,
# "Performance"). Pick the engine with RANGECTL_ENGINE=20.10|26|28 (see scripts/engine-up.sh).
# Needs root to install what is missing and to start the engine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/engine-up.sh >/dev/null
swift build -c release --static-swift-stdlib --product rangectl >/dev/null
exec python3 bench/status.py "$@"

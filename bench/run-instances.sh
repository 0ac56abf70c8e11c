#!/usr/bin/env bash
# The instances benchmark: rangectl (release) against the local engine scripts/engine-up.sh starts
# (default Docker 28; --engine 20.10|26|28 first to choose), stopped again afterwards.
# Usage (as root): bench/run-instances.sh [--engine 28] [--count 10] [--rounds 2]
set -euo pipefail
cd "$(dirname "$0")/.."
engine=28
if [[ "${1:-}" == "--engine" ]]; then engine="$2"; shift 2; fi
swift build -c release --static-swift-stdlib --product rangectl >/dev/null
bash scripts/engine-up.sh --engine "$engine" >/dev/null
trap 'bash scripts/engine-down.sh >/dev/null 2>&1 || true' EXIT
python3 bench/instances.py "$@"

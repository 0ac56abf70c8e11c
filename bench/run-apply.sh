#!/usr/bin/env bash
# Builds rangectl (release), brings up the local engine, installs Debian's docker-compose 1.29 if
# missing, and runs the apply benchmark (see README, "Performance"). Needs root for the installs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/engine-up.sh >/dev/null
command -v docker-compose >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
swift build -c release --static-swift-stdlib --product rangectl >/dev/null
exec python3 bench/apply.py "$@"

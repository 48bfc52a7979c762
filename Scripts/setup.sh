#!/usr/bin/env bash
# Installs what abigen needs on a fresh Debian machine, builds it, and runs the main job:
# Swift layouts for the io_uring uapi in /usr/include. Usage: bash Scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then bash .ci/packages.sh; else sudo bash .ci/packages.sh; fi
swift build -c release --product abigen
.build/release/abigen --headers /usr/include

#!/usr/bin/env bash
# Installs what abigen needs on a fresh Debian machine, builds it, and runs the main job:
# Swift layouts for the io_uring uapi in /usr/include. Usage: bash Scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then bash .ci/packages.sh; else sudo bash .ci/packages.sh; fi
# The Swift runtime linked in: the binary starts faster (no Foundation/ICU shared libraries to load and
# relocate) and runs on a machine without a Swift toolchain.
swift build -c release --product abigen --static-swift-stdlib
.build/release/abigen --headers /usr/include

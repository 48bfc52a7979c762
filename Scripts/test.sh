#!/usr/bin/env bash
# Runs the whole test suite: extracts the kernel trees the tests read (Debian's
# linux-source-6.1 and -6.12 tarballs), builds everything, runs `swift test`.
# Usage: bash Scripts/test.sh [extra swift test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/kernel-tree.sh 6.1 >/dev/null
Scripts/kernel-tree.sh 6.12 >/dev/null
swift build
swift test "$@"

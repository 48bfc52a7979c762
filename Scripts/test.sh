#!/usr/bin/env bash
# Runs the whole test suite: extracts the kernel trees the tests read (Debian's
# linux-source-6.1 and -6.12 tarballs), builds everything, runs `swift test`, then runs every
# fuzz harness over its committed corpus (Scripts/fuzz.sh --ci) and the whole-uapi generate and
# diff under the Thread Sanitizer (Scripts/tsan.sh).
# Usage: bash Scripts/test.sh [extra swift test arguments]
# ABIGEN_SKIP_SANITIZERS=1 runs only `swift test` (the fuzz and TSan builds take a few minutes each).
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/kernel-tree.sh 6.1 >/dev/null
Scripts/kernel-tree.sh 6.12 >/dev/null
swift build
swift test "$@"
if [ "${ABIGEN_SKIP_SANITIZERS:-0}" != 1 ]; then
  bash Scripts/fuzz.sh --ci
  bash Scripts/tsan.sh
fi

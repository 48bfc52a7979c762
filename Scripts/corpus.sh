#!/usr/bin/env bash
# Runs the header corpus (Fixtures/corpus/sets.json): every set generated and verified on
# x86_64, i686, aarch64 and armhf, and its generated Swift type-checked on the host.
# Usage: bash Scripts/corpus.sh [SET-NAME ...]   (no names: every set)
# Environment: ABIGEN_CORPUS_FILE=other.json runs another list; ABIGEN_BIN=path another binary.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product abigen
if [ $# -gt 0 ]; then
  ABIGEN_CORPUS_ONLY="$(IFS=,; echo "$*")"
  export ABIGEN_CORPUS_ONLY
fi
swift test --filter CorpusTests

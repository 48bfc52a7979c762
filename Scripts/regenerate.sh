#!/usr/bin/env bash
# Regenerates every checked-in generated file (the golden copies in Fixtures/golden and the
# IoUring library's generated layouts). The test suite fails when any of them is stale.
# Usage: bash Scripts/regenerate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product abigen
abigen=.build/debug/abigen
Scripts/kernel-tree.sh 6.12 >/dev/null
mkdir -p Fixtures/golden
# The system header (Linux 6.1 uapi from linux-libc-dev) with abigen's built-in struct io_uring_cmd.
$abigen --headers /usr/include -o Fixtures/golden/io_uring-6.1.swift
$abigen --headers /usr/include --format json -o Fixtures/golden/io_uring-6.1.json
# The library's layouts (abigen.json: the newest uapi header here, 6.12, and the real cmd.h of
# that tree); the same as `swift package --allow-writing-to-package-directory generate-abi`.
$abigen config abigen.json
# The command-line reference: the help of every command.
{
  cat Scripts/cli-reference-header.md
  for c in generate verify diff check config targets matrix; do
    printf '## abigen %s\n\n```\n' "$c"; $abigen help "$c"; printf '```\n\n'
  done
} > Documentation/CLI.md.tmp && mv Documentation/CLI.md.tmp Documentation/CLI.md
echo "regenerated Fixtures/golden, Sources/IoUring/Generated and Documentation/CLI.md"

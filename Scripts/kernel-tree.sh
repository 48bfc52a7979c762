#!/usr/bin/env bash
# Extracts the part of a Debian linux-source-X.Y tarball that abigen reads (include/uapi and
# the io_uring kernel headers) into DEST (default .build/kernel-trees/X.Y) and prints DEST.
# Usage: Scripts/kernel-tree.sh 6.12 [DEST]
set -euo pipefail
version="${1:?usage: kernel-tree.sh VERSION [DEST]}"
tarball="/usr/src/linux-source-${version}.tar.xz"
dest="${2:-$(cd "$(dirname "$0")/.." && pwd)/.build/kernel-trees/${version}}"
if [ -f "$dest/.complete" ]; then echo "$dest"; exit 0; fi
[ -f "$tarball" ] || { echo "kernel-tree.sh: $tarball not found (apt-get install linux-source-${version})" >&2; exit 2; }
tmp="$(mktemp -d "${dest%/*}.XXXXXX" 2>/dev/null || { mkdir -p "${dest%/*}"; mktemp -d "${dest%/*}/.tmp.XXXXXX"; })"
tar -xJf "$tarball" -C "$tmp" --strip-components=1 --wildcards --no-wildcards-match-slash \
  "linux-source-${version}/include/uapi" "linux-source-${version}/include/linux/io_uring.h" \
  "linux-source-${version}/include/linux/io_uring" 2>/dev/null || \
tar -xJf "$tarball" -C "$tmp" --strip-components=1 \
  "linux-source-${version}/include/uapi" "linux-source-${version}/include/linux/io_uring.h"
touch "$tmp/.complete"
rm -rf "$dest"; mkdir -p "${dest%/*}"; mv "$tmp" "$dest"
echo "$dest"

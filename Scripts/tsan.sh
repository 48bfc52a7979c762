#!/usr/bin/env bash
# Thread Sanitizer run of abigen's parallel paths on the whole Linux uapi:
#   generate (json and swift) of every linux/*.h header in /usr/include (Linux 6.1),
#   generate (json) of the same set from the 6.12 kernel tree,
#   diff of the two snapshots (both decoded in parallel),
#   diff of the two header directories (both parsed in parallel, each parse itself parallel).
# Fails (exit 1) on any ThreadSanitizer report or on an unexpected exit status.
# Usage: bash Scripts/tsan.sh        (the instrumented build goes to .build-tsan, apart from .build)
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build-tsan
swift build --sanitize=thread --scratch-path "$scratch" --product abigen
bin="$scratch/debug/abigen"
tree="$(Scripts/kernel-tree.sh 6.12 >/dev/null && echo .build/kernel-trees/6.12)"
out="$(mktemp -d "${TMPDIR:-/tmp}/abigen-tsan-XXXXXX")"
trap 'rm -rf "$out"' EXIT
# Keep going after a report (so one run shows all of them); reports also go to files in $out.
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1 log_path=$out/report"
uapi61=(--headers /usr/include --header 'linux/*.h' --preset none)
uapi612=(--headers "$tree/include/uapi" --headers /usr/include --header 'linux/*.h' --preset none)
failed=0
# step NAME ALLOWED-STATUSES ARGS...: runs the instrumented abigen, checks status and reports.
step() {
  local name=$1 allowed=$2
  shift 2
  local start=$SECONDS status=0
  "$bin" "$@" > "$out/$name.stdout" 2> "$out/$name.stderr" || status=$?
  if [[ " $allowed " != *" $status "* ]]; then
    echo "tsan: $name: exit status $status (expected one of: $allowed)"
    head -5 "$out/$name.stderr"
    failed=1
  fi
  if grep -q "ThreadSanitizer" "$out/$name.stderr" || compgen -G "$out/report.*" > /dev/null; then
    echo "tsan: $name: ThreadSanitizer report:"
    cat "$out"/report.* 2>/dev/null | grep -E "WARNING|^    #[0-9]|SUMMARY" | head -60 || true
    grep -A30 "ThreadSanitizer" "$out/$name.stderr" | head -60 || true
    mkdir -p "$out/kept" && mv "$out"/report.* "$out/kept/" 2>/dev/null || true
    failed=1
  fi
  echo "tsan: $name: status $status, $((SECONDS - start)) s"
}
step generate-6.1-json "0" "${uapi61[@]}" --format json -o "$out/6.1.json"
step generate-6.1-swift "0" "${uapi61[@]}" --format swift -o "$out/6.1.swift"
step generate-6.12-json "0" "${uapi612[@]}" --format json -o "$out/6.12.json"
step diff-snapshots "0 1" diff "$out/6.1.json" "$out/6.12.json" --format json
# A directory side must hold every selected header, so diff the uapi headers both versions have.
common=()
while IFS= read -r h; do common+=(--header "$h"); done < <(comm -12 \
  <(cd /usr/include && ls linux/*.h | LC_ALL=C sort) <(cd "$tree/include/uapi" && ls linux/*.h | LC_ALL=C sort))
step diff-directories "0 1" diff /usr/include "$tree/include/uapi" --headers /usr/include \
  "${common[@]}" --skip-broken-headers --preset none --format json
# The BTF frontend scans types, lays records out and writes JSON on several threads.
if [[ -r /sys/kernel/btf/vmlinux ]]; then
  step btf-whole-kernel "0" --btf /sys/kernel/btf/vmlinux --preset none --format json -o "$out/btf.json"
else
  echo "tsan: /sys/kernel/btf/vmlinux is not readable here: the BTF step did not run"
fi
if [[ $failed != 0 ]]; then
  echo "tsan: FAILED"
  exit 1
fi
echo "tsan: clean (no ThreadSanitizer report in $SECONDS s)"

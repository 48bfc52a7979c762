#!/usr/bin/env bash
# libFuzzer harnesses for abigen's untrusted-input readers (see Fuzz/README.md).
#
#   Scripts/fuzz.sh TARGET MINUTES   fuzz one harness for MINUTES minutes (one worker); new inputs go to
#                                    .build/fuzz/corpus/TARGET, crash inputs to .build/fuzz/crashes/TARGET/
#   Scripts/fuzz.sh --ci             build every harness, run each over its committed corpus
#                                    (Fuzz/corpus/TARGET) plus a fixed number of mutations; fails on any crash
#   Scripts/fuzz.sh --build          build every harness only
#   Scripts/fuzz.sh --repro TARGET FILE...   run inputs once (a crash prints the trap and its stack)
#   Scripts/fuzz.sh --triage TARGET FILE|DIR...   group crashing inputs by trap and place in Sources/
#   Scripts/fuzz.sh --list           the harness names
#
# Harness binaries: .build/fuzz/bin/TARGET (links to one libFuzzer binary: any libFuzzer flag works).
# Environment: FUZZ_RUNS (--ci mutations per harness, default 2000), FUZZ_OPT (default -O),
# FUZZ_RSS_MB (memory limit, default 2048), FUZZ_TIMEOUT (seconds per input, default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

HARNESSES=(json_reader snapshot_emitters differ elf_reader suppressions btf_reader)
OUT=.build/fuzz
OPT=${FUZZ_OPT:--O}
RUNS=${FUZZ_RUNS:-2000}
RSS=${FUZZ_RSS_MB:-2048}
TIMEOUT=${FUZZ_TIMEOUT:-10}
SAN=(-sanitize=fuzzer,address -parse-as-library -g "$OPT")

die() { echo "fuzz.sh: $*" >&2; exit 2; }
known() { local h; for h in "${HARNESSES[@]}"; do [[ $h == "$1" ]] && return 0; done; return 1; }

# The model and backends modules as static libraries instrumented for libFuzzer and ASan (swiftc directly:
# SwiftPM cannot add a libFuzzer main without a Package.swift target). Rebuilt when a source is newer.
build_module() {   # NAME DIR
    local name=$1 dir=$2 lib=$OUT/lib/lib$1.a
    local sources
    mapfile -t sources < <(find "$dir" -name '*.swift' | sort)
    if [[ -f $lib ]] && [[ -z $(find "$dir" -name '*.swift' -newer "$lib") ]] && [[ $(cat "$lib.flags" 2>/dev/null) == "${SAN[*]}" ]]; then return; fi
    echo "fuzz.sh: building $name" >&2
    swiftc "${SAN[@]}" -wmo -module-name "$name" -I "$OUT/modules" \
        -emit-module -emit-module-path "$OUT/modules/$name.swiftmodule" \
        -emit-library -static -o "$lib" "${sources[@]}"
    echo "${SAN[*]}" >"$lib.flags"
}

# Every harness in one binary (Fuzz/Harnesses/*.swift); .build/fuzz/bin/NAME links to it and runs harness NAME.
build_harnesses() {
    local bin=$OUT/bin/abigen-fuzz h
    local sources
    mapfile -t sources < <(find Fuzz/Harnesses -name '*.swift' | sort)
    if ! [[ -f $bin ]] || [[ -n $(find Fuzz/Harnesses -name '*.swift' -newer "$bin") ]] \
        || [[ $OUT/lib/libABIBackends.a -nt $bin ]] || [[ $OUT/lib/libABIModel.a -nt $bin ]] || [[ $OUT/lib/libABIBTF.a -nt $bin ]]; then
        echo "fuzz.sh: building the harnesses" >&2
        swiftc "${SAN[@]}" -module-name AbigenFuzz -I "$OUT/modules" "${sources[@]}" \
            "$OUT/lib/libABIBackends.a" "$OUT/lib/libABIBTF.a" "$OUT/lib/libABIModel.a" -use-ld=lld -o "$bin"
    fi
    for h in "${HARNESSES[@]}"; do ln -sf abigen-fuzz "$OUT/bin/$h"; done
}

build() {
    mkdir -p "$OUT/modules" "$OUT/lib" "$OUT/bin"
    build_module ABIModel Sources/ABIModel
    build_module ABIBackends Sources/ABIBackends
    build_module ABIBTF Sources/ABIBTF
    build_harnesses
}

# libFuzzer flags every mode shares; the JSON dictionary for the harnesses that read snapshots.
flags() {   # NAME
    local f=(-rss_limit_mb="$RSS" -malloc_limit_mb="$RSS" -timeout="$TIMEOUT" -detect_leaks=0)
    case $1 in json_reader|snapshot_emitters|differ) f+=(-dict="$ROOT/Fuzz/dict/snapshot.dict") ;; esac
    printf '%s\n' "${f[@]}"
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}   # the Swift runtime's crash handler fights ASan's
export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer || true)}

case ${1:-} in
--list)
    printf '%s\n' "${HARNESSES[@]}" ;;
--build)
    build ;;
--repro)
    [[ $# -ge 3 ]] || die "usage: Scripts/fuzz.sh --repro TARGET FILE..."
    known "$2" || die "unknown harness '$2' (harnesses: ${HARNESSES[*]})"
    build
    h=$2; shift 2
    mapfile -t f < <(flags "$h")
    exec "$OUT/bin/$h" "${f[@]}" -runs=1 "$@" ;;
--triage)
    [[ $# -ge 3 ]] || die "usage: Scripts/fuzz.sh --triage TARGET FILE|DIR..."
    known "$2" || die "unknown harness '$2' (harnesses: ${HARNESSES[*]})"
    build
    h=$2; shift 2
    flags "$h" >"$OUT/flags-$h"
    exec python3 Fuzz/triage.py "$OUT/bin/$h" "$OUT/flags-$h" "$@" ;;
--ci)
    build
    failed=()
    start=$SECONDS
    for h in "${HARNESSES[@]}"; do
        corpus=Fuzz/corpus/$h
        [[ -d $corpus ]] || die "no committed corpus $corpus"
        work=$(mktemp -d "${TMPDIR:-/tmp}/abigen-fuzz-ci.XXXXXX")
        mapfile -t f < <(flags "$h")
        log=$OUT/ci-$h.log
        t0=$SECONDS
        # -seed fixes the mutations (the same run every time). New inputs go to a scratch directory:
        # the committed corpus and crash inputs (Fuzz/crashes/TARGET, regression inputs) are read, never written.
        dirs=("$corpus")
        [[ -d Fuzz/crashes/$h ]] && dirs+=("Fuzz/crashes/$h")
        if "$OUT/bin/$h" "${f[@]}" -seed=1 -runs="$RUNS" \
            -artifact_prefix="$work/" "$work" "${dirs[@]}" >"$log" 2>&1; then
            echo "fuzz.sh --ci: $h ok ($(find "$corpus" -type f | wc -l) corpus inputs + $RUNS runs, $((SECONDS - t0)) s)"
        else
            failed+=("$h")
            echo "fuzz.sh --ci: $h FAILED ($((SECONDS - t0)) s); log: $log"
            grep -m1 -E '^(==[0-9]+==ERROR|fuzz .*: property violated|Fatal error|SUMMARY)' "$log" | sed 's/^/    /' || true
            grep -m1 -E 'Test unit written to|crash-|oom-|timeout-' "$log" | sed 's/^/    /' || true
            # With one corpus input crashing, libFuzzer stops there: list every crashing corpus input (one process each).
            while IFS= read -r -d '' input; do
                if ! "$OUT/bin/$h" "${f[@]}" -runs=1 "$input" >/dev/null 2>&1; then echo "    crashes: $input"; fi
            done < <(find "${dirs[@]}" -type f ! -name README.md -print0 | sort -z)
        fi
        rm -rf "$work"
    done
    echo "fuzz.sh --ci: $((SECONDS - start)) s in all"
    if [[ ${#failed[@]} -gt 0 ]]; then echo "fuzz.sh --ci: failed: ${failed[*]}"; exit 1; fi ;;
""|-h|--help)
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' ;;
*)
    h=$1
    known "$h" || die "unknown harness '$h' (harnesses: ${HARNESSES[*]})"
    [[ $# -eq 2 && $2 =~ ^[0-9]+$ ]] || die "usage: Scripts/fuzz.sh TARGET MINUTES"
    build
    corpus=$OUT/corpus/$h
    crashes=$OUT/crashes/$h
    mkdir -p "$corpus" "$crashes"
    touch "$corpus"
    mapfile -t f < <(flags "$h")
    echo "fuzz.sh: fuzzing $h for $2 min; corpus $corpus (seeded from Fuzz/corpus/$h), crashes in $crashes/" >&2
    # Fork mode with one worker: a crash is saved and fuzzing goes on, so one run finds every distinct crash.
    status=0
    "$OUT/bin/$h" "${f[@]}" -max_total_time=$(($2 * 60)) -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
        -artifact_prefix="$crashes/" "$corpus" "Fuzz/corpus/$h" || status=$?
    found=$(find "$crashes" -newer "$corpus" -type f | wc -l)
    if [[ $found -gt 0 ]]; then
        echo "fuzz.sh: $h: $found new crash inputs in $crashes/ (group them: Scripts/fuzz.sh --triage $h $crashes)" >&2
        status=1
    fi
    exit $status ;;
esac

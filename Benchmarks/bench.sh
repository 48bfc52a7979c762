#!/usr/bin/env bash
# IoUring vs liburing, side by side. Usage: bash Benchmarks/bench.sh [OPS] [ROUNDS]
# Writes the liburing comparison program and an LD_PRELOAD malloc counter at bench time (in a
# temporary directory), builds Benchmarks/ in release mode, runs every workload ROUNDS times,
# alternating Swift and C, and prints medians and ratios. Needs cc and liburing-dev.
set -euo pipefail
OPS=${1:-4000000}
ROUNDS=${2:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cat > "$WORK/count.c" <<'C'
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);
static uint64_t count;
uint64_t bench_malloc_count(void) { return __atomic_load_n(&count, __ATOMIC_RELAXED); }
static void bump(void) { __atomic_add_fetch(&count, 1, __ATOMIC_RELAXED); }
void *malloc(size_t n) { bump(); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { bump(); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { bump(); return __libc_realloc(p, n); }
void *memalign(size_t a, size_t n) { bump(); return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { bump(); return __libc_memalign(a, n); }
int posix_memalign(void **out, size_t a, size_t n) { bump(); void *p = __libc_memalign(a, n); if (!p) return ENOMEM; *out = p; return 0; }
void free(void *p) { __libc_free(p); }
C

cat > "$WORK/liburing_bench.c" <<'C'
#include <liburing.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <dlfcn.h>
static uint64_t now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return (uint64_t)t.tv_sec * 1000000000u + t.tv_nsec; }
static void cpu(long *u, long *s) { struct rusage r; getrusage(RUSAGE_SELF, &r); *u = r.ru_utime.tv_sec * 1000000L + r.ru_utime.tv_usec; *s = r.ru_stime.tv_sec * 1000000L + r.ru_stime.tv_usec; }
static uint64_t mallocs(void) { uint64_t (*f)(void) = (uint64_t (*)(void))dlsym(RTLD_DEFAULT, "bench_malloc_count"); return f ? f() : 0; }
static struct io_uring ring; static int batch, is_read, fd = -1; static long blocks, block; static char *bufs; static uint64_t checksum;
static void run(long count) {
    for (long done = 0; done < count; done += batch) {
        for (int i = 0; i < batch; i++) {
            struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
            if (!sqe) { fprintf(stderr, "sq full\n"); exit(2); }
            if (is_read) { io_uring_prep_read(sqe, fd, bufs + i * 4096, 4096, (uint64_t)block * 4096); block = block + 1 == blocks ? 0 : block + 1; }
            else io_uring_prep_nop(sqe);
            sqe->user_data = i;
        }
        if (io_uring_submit_and_wait(&ring, batch) < 0) { fprintf(stderr, "submit failed\n"); exit(2); }
        int got = 0;
        while (got < batch) {
            struct io_uring_cqe *cqe; unsigned head, n = 0;
            io_uring_for_each_cqe(&ring, head, cqe) { if (cqe->res < 0) { fprintf(stderr, "cqe %d\n", cqe->res); exit(2); } checksum += (uint64_t)cqe->res + cqe->user_data; n++; }
            io_uring_cq_advance(&ring, n); got += n;
        }
    }
}
int main(int argc, char **argv) {
    if (argc < 3) return 2;
    const char *w = argv[1]; long ops = atol(argv[2]);
    batch = strstr(w, "32") ? 32 : 1; is_read = strncmp(w, "read", 4) == 0;
    if (is_read) { fd = open(argv[3], O_RDONLY); blocks = lseek(fd, 0, SEEK_END) / 4096; }
    if (io_uring_queue_init(64, &ring, 0) < 0) return 2;
    if (posix_memalign((void **)&bufs, 4096, 4096 * 32)) return 2;
    run(ops / 10 > batch ? ops / 10 : batch);
    uint64_t m0 = mallocs(); long u0, s0, u1, s1; cpu(&u0, &s0); uint64_t t0 = now();
    run(ops);
    uint64_t t1 = now(); cpu(&u1, &s1); uint64_t m1 = mallocs();
    printf("%s ops=%ld wall_ns=%llu user_us=%ld sys_us=%ld mallocs=%llu checksum=%llu\n", w, ops, (unsigned long long)(t1 - t0), u1 - u0, s1 - s0, (unsigned long long)(m1 - m0), (unsigned long long)checksum);
    return 0;
}
C

cc -O2 -shared -fPIC -o "$WORK/libcount.so" "$WORK/count.c"
cc -O2 -o "$WORK/liburing_bench" "$WORK/liburing_bench.c" -luring -ldl
(cd "$HERE" && swift build -c release --product IoUringBench >&2)
SWIFT_BIN="$HERE/.build/release/IoUringBench"
# A cached 8 MiB file for the read workloads.
head -c $((8 * 1024 * 1024)) /dev/urandom > "$WORK/data"
cat "$WORK/data" > /dev/null

python3 - "$SWIFT_BIN" "$WORK/liburing_bench" "$WORK/libcount.so" "$WORK/data" "$OPS" "$ROUNDS" <<'PY'
import os, statistics, subprocess, sys
swift, c, count, data, ops, rounds = sys.argv[1:7]
ops, rounds = int(ops), int(rounds)
env = dict(os.environ, LD_PRELOAD=count)
def run(binary, w, n):
    out = [f for f in subprocess.run([binary, w, str(n), data], env=env, capture_output=True, text=True, check=True).stdout.split() if not f.startswith("total_mallocs")]
    return {k: int(v) for k, v in (f.split("=") for f in out[1:])}
print(f"| workload | ops | Swift wall ms | liburing wall ms | wall ratio | Swift user ms | liburing user ms | user ratio | Swift sys ms | liburing sys ms | Swift mallocs/op | liburing mallocs/op |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for w in ["nop1", "nop32", "read4k", "read4k32"]:
    n = ops if w.startswith("nop") else ops // 4
    s, k = [], []
    for _ in range(rounds):
        s.append(run(swift, w, n)); k.append(run(c, w, n))
    if s[0]["checksum"] != k[0]["checksum"]:
        print(f"checksums differ for {w}: {s[0]['checksum']} vs {k[0]['checksum']}", file=sys.stderr); sys.exit(1)
    med = lambda xs, key: statistics.median(x[key] for x in xs)
    sw, cw, su, cu = med(s, "wall_ns"), med(k, "wall_ns"), med(s, "user_us"), med(k, "user_us")
    ss, cs = med(s, "sys_us"), med(k, "sys_us")
    ratio = lambda a, b: f"{a / b:.2f}x" if b else "n/a"
    print(f"| {w} | {n} | {sw/1e6:.1f} | {cw/1e6:.1f} | {ratio(sw, cw)} | {su/1e3:.1f} | {cu/1e3:.1f} | {ratio(su, cu)} | {ss/1e3:.1f} | {cs/1e3:.1f} | {med(s,'mallocs')/n:.4f} | {med(k,'mallocs')/n:.4f} |")
PY

#!/usr/bin/env python3
"""Benchmark abigen against Debian's bindgen and against a bare libclang parse on this machine, in one run.

Prints a Markdown table: median wall time (hyperfine) and peak memory (GNU time's max RSS) of
abigen generate and verify (and the io_uring matrix on every target) beside bindgen (generate, and `rustc --test` of its layout tests),
for the io_uring header and for the whole /usr/include/linux uapi set, plus abigen's scaling
with 1, 10, 100 and all headers. With /sys/kernel/btf/vmlinux: the BTF frontend beside pahole (the
io_uring records) and bpftool (the whole BTF). Timings are measurements, never test assertions.

The yardstick (issue 16): Scripts/bare_parse.c, compiled here against libclang-dev, parses headers in
one translation unit with abigen's clang flags and visits every cursor, and nothing more. The bench
finds the uapi headers that compile together (all in one unit, then, round by round, without each
header whose #include line pulls in a file with errors) and prints abigen's ratios to the bare parse,
and verify's time beside `cc -fsyntax-only` of the snapshot's header groups, with the issue's goals.

Usage: python3 Scripts/bench.py [--runs N] [--skip-rustc] [--btf-only]
Needs: a release build (swift build -c release --product abigen --static-swift-stdlib, as Scripts/setup.sh builds it), hyperfine, bindgen, rustc, GNU time,
cc and libclang-dev (ABIGEN_LLVM_PREFIX, default /usr/lib/llvm-14); for the BTF rows pahole (dwarves) and bpftool.
"""
import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ABIGEN = os.path.join(ROOT, ".build", "release", "abigen")
LLVM = os.environ.get("ABIGEN_LLVM_PREFIX") or "/usr/lib/llvm-14"


def median_seconds(command, runs, warmup=1):
    """Median wall time of a shell command, from hyperfine."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    subprocess.run(["hyperfine", "--warmup", str(warmup), "--runs", str(runs), "--style", "none",
                    "--export-json", out, command], check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        data = json.load(f)
    os.unlink(out)
    return data["results"][0]["median"]


def peak_mib(command):
    """Peak resident memory of a shell command in MiB (GNU time)."""
    r = subprocess.run(["/usr/bin/time", "-f", "%M", "sh", "-c", command + " >/dev/null 2>&1"],
                       capture_output=True, text=True)
    return int(r.stderr.strip().splitlines()[-1]) / 1024.0


def row(label, command, runs):
    """Median time and peak memory of a command; (label, None, None) when it fails."""
    if subprocess.run(["sh", "-c", command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
        return label + " (does not compile/run)", None, None
    t = median_seconds(command, runs, warmup=0)
    m = peak_mib(command)
    return label, t, m


def build_bare_parse(work):
    """Compiles the yardstick, Scripts/bare_parse.c, against libclang-dev; None (with a note) when it cannot."""
    exe = os.path.join(work, "bare_parse")
    r = subprocess.run(["cc", "-O2", f"-I{LLVM}/include", os.path.join(ROOT, "Scripts", "bare_parse.c"), "-o", exe,
                        f"-L{LLVM}/lib", "-lclang", f"-Wl,-rpath,{LLVM}/lib"], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"bench.py: cannot build Scripts/bare_parse.c against {LLVM} (libclang-dev): {r.stderr.strip()}", file=sys.stderr)
        return None
    return exe


def clang_flags():
    """The clang arguments abigen uses for `--headers /usr/include` on the host (ParseOptions.clangArguments)."""
    flags = ["-x", "c", "-std=gnu11", "-w", "-ferror-limit=0", "-I", "/usr/include"]
    multiarch = subprocess.run(["cc", "-print-multiarch"], capture_output=True, text=True).stdout.strip()
    if multiarch and os.path.isdir(f"/usr/include/{multiarch}"):
        flags += ["-idirafter", f"/usr/include/{multiarch}"]
    return flags


def compile_together(bare, flags, headers):
    """The headers (absolute paths, in order) that libclang parses in one unit without errors: all of
    them, less, round by round, each header whose #include line pulled in a file with an error (and,
    should that not settle, first less those that do not compile alone). None when nothing settles."""
    together = drop_culprits(bare, flags, headers)
    if together is None:
        def alone(h):
            return subprocess.run([bare, *flags, "--", h], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
        with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            together = drop_culprits(bare, flags, [h for h, ok in zip(headers, pool.map(alone, headers)) if ok])
    return together


def drop_culprits(bare, flags, headers):
    """`headers` less those blamed for errors in the common unit, in up to 20 rounds; None if errors remain."""
    together = list(headers)
    for _ in range(20):
        r = subprocess.run([bare, *flags, "--", *together], capture_output=True, text=True)
        if r.returncode != 1:
            return together if r.returncode == 0 and together else None
        line_of = {}
        errors = []
        for line in r.stderr.splitlines():
            if line.startswith("included by line "):
                number, path = line[len("included by line "):].split(": ", 1)
                line_of.setdefault(path, int(number))
            elif ": error: " in line or ": fatal error: " in line:
                path, number = line.split(":")[:2]
                errors.append((path, int(number)))
        # An error in the main file is on the #include line of the header it names.
        blamed = {number if path == "bare_parse_main.c" else line_of.get(path, 0) for path, number in errors}
        drop = {together[n - 1] for n in blamed if 1 <= n <= len(together)}
        if not drop:
            return None
        together = [h for h in together if h not in drop]
    return None


def fmt_time(t):
    return f"{t * 1000:.0f} ms" if t < 10 else f"{t:.1f} s"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--skip-rustc", action="store_true", help="skip compiling bindgen's layout tests (slow)")
    ap.add_argument("--btf-only", action="store_true", help="only the BTF comparisons (pahole, bpftool)")
    args = ap.parse_args()
    if args.btf_only:
        if not os.path.exists(ABIGEN):
            sys.exit("bench.py: build first: swift build -c release --product abigen --static-swift-stdlib")
        btf_bench(args.runs)
        return
    for tool in ["hyperfine", "bindgen", "/usr/bin/time"]:
        if not shutil.which(tool):
            sys.exit(f"bench.py: {tool} not found (bash .ci/packages.sh installs it)")
    if not os.path.exists(ABIGEN):
        sys.exit("bench.py: build first: swift build -c release --product abigen --static-swift-stdlib")

    work = tempfile.mkdtemp(prefix="abigen-bench-")
    rows = []
    start_load = os.getloadavg()[0]
    bare = build_bare_parse(work)
    flags = clang_flags()
    floor = {}   # the yardsticks' rows, by work

    # io_uring
    rows.append(row("io_uring: abigen generate", f"{ABIGEN} --headers /usr/include", args.runs))
    if bare:
        rows.append(row("io_uring: bare libclang parse (Scripts/bare_parse.c)",
                        shlex.join([bare, *flags, "--", "/usr/include/linux/io_uring.h"]), args.runs))
        floor["io_uring"] = rows[-1]
        # The unit abigen parses once: the preset's headers (with abigen's own io_uring_cmd.h) and one evaluation
        # line per macro, as abigen writes them: what parsing and evaluating every macro costs through libclang.
        io_snap = f"{work}/io_uring.json"
        subprocess.run([ABIGEN, "--headers", "/usr/include", "--format", "json", "-o", io_snap], check=True)
        with open(io_snap) as f:
            io = json.load(f)
        io_headers = [os.path.join(ROOT, "Headers", h) if h.startswith("abigen/") else os.path.join("/usr/include", h)
                      for h in io["headers"]]
        io_names = [c["name"] for c in io["constants"] if c.get("origin") == "macro"]
        with open(f"{work}/io_uring_macro_lines.h", "w") as f:
            f.writelines(f'static __auto_type __abigen_macro_{i} = ({n}); _Static_assert(({n}) == ({n}), "");\n'
                         for i, n in enumerate(io_names))
        io_lines_cmd = shlex.join([bare, *flags, "-fno-spell-checking", "--", *io_headers, f"{work}/io_uring_macro_lines.h"])
        rows.append(row(f"io_uring: the same unit ({len(io_headers)} headers) plus its {len(io_names)} macro evaluation lines: "
                        "bare libclang parse", io_lines_cmd, args.runs))
        floor["io_uring macros"] = rows[-1]
    rows.append(row("io_uring: abigen verify", f"{ABIGEN} verify --headers /usr/include", args.runs))
    # Every target abigen knows (abigen targets), generated and verified against clang, probes in parallel.
    # m68k is listed as refused without gcc (clang's layouts are not the kernel's); the run still exits 0.
    tree = os.path.join(ROOT, ".build", "kernel-trees", "6.12")
    rows.append(row("io_uring matrix, every target: abigen matrix --compilers clang",
                    f"{ABIGEN} matrix --kernel-tree {tree} --compilers clang", max(3, args.runs // 2)))
    rows.append(row("io_uring: bindgen generate", f"bindgen /usr/include/linux/io_uring.h -o {work}/io_uring.rs", args.runs))
    if not args.skip_rustc and shutil.which("rustc"):
        subprocess.run(["bindgen", "/usr/include/linux/io_uring.h", "-o", f"{work}/io_uring.rs"], check=True)
        rows.append(row("io_uring: bindgen layout tests (rustc --test)",
                        f"rustc --test --edition 2021 -A warnings -o {work}/io_uring_tests {work}/io_uring.rs", max(3, args.runs // 3)))

    # the whole uapi set: the headers that compile together in one unit make the wrapper bindgen reads
    # (abigen's first header group when the bare parser is missing)
    snap = f"{work}/uapi.json"
    subprocess.run([ABIGEN, "--headers", "/usr/include", "--header", "linux/*.h", "--preset", "none",
                    "--format", "json", "-o", snap], check=True)
    with open(snap) as f:
        s = json.load(f)
    groups = s.get("headerGroups") or [s["headers"]]
    uapi = sorted(os.path.join("/usr/include/linux", h) for h in os.listdir("/usr/include/linux") if h.endswith(".h"))
    together = compile_together(bare, flags, uapi) if bare else None
    wrapper_headers = [os.path.relpath(h, "/usr/include") for h in together] if together else groups[0]
    with open(f"{work}/uapi_wrapper.h", "w") as f:
        f.writelines(f"#include <{h}>\n" for h in wrapper_headers)
    n_records = len(s["records"])
    runs = max(3, args.runs // 2)
    all_cmd = f"{ABIGEN} --headers /usr/include --header 'linux/*.h' --preset none"
    rows.append(row(f"uapi ({len(s['headers'])} headers, {n_records} records): abigen generate", all_cmd, runs))
    rows.append(row("uapi: abigen generate --format json", all_cmd + " --format json -o /dev/null", runs))
    uapi_json = rows[-1]
    if together:
        rows.append(row(f"uapi ({len(together)} headers that compile together, one unit): bare libclang parse",
                        shlex.join([bare, *flags, "--", *together]), runs))
        floor["uapi"] = rows[-1]
        # What evaluating each macro once through libclang costs on top of that parse: the same unit plus one line
        # per macro of those headers, as abigen writes them (abigen evaluates each twice: as clang and as gcc).
        labels = {os.path.relpath(h, "/usr/include") for h in together}
        names = [c["name"] for c in s["constants"] if c.get("origin") == "macro" and c.get("header") in labels]
        with open(f"{work}/macro_lines.h", "w") as f:
            f.writelines(f'static __auto_type __abigen_macro_{i} = ({n}); _Static_assert(({n}) == ({n}), "");\n'
                         for i, n in enumerate(names))
        lines_cmd = shlex.join([bare, *flags, "-fno-spell-checking", "--", *together, f"{work}/macro_lines.h"]) + " 2>/dev/null"
        t = median_seconds(f"sh -c {shlex.quote(lines_cmd + '; test $? -le 1')}", runs, warmup=0)
        rows.append((f"uapi: the same unit plus {len(names)} macro evaluation lines: bare libclang parse", t, peak_mib(lines_cmd)))
        floor["uapi macros"] = rows[-1]
    # The fast JSON reader and writer against Foundation's (ABIGEN_JSON_REFERENCE=1): same bytes, read and rewritten.
    rows.append(row("uapi snapshot read + written: abigen's JSON reader and writer",
                    f"{ABIGEN} --snapshot {snap} --format json -o /dev/null", runs))
    json_fast = rows[-1]
    rows.append(row("uapi snapshot read + written: Foundation's JSONDecoder and JSONEncoder",
                    f"env ABIGEN_JSON_REFERENCE=1 {ABIGEN} --snapshot {snap} --format json -o /dev/null", runs))
    json_reference = rows[-1]
    rows.append(row("uapi: abigen verify", f"{ABIGEN} verify --headers /usr/include --header 'linux/*.h' --preset none", runs))
    rows.append(row("uapi: abigen verify --snapshot", f"{ABIGEN} verify --snapshot {snap} --headers /usr/include", runs))
    verify_snap = rows[-1]
    # cc parses the snapshot's header groups, one unit each, as abigen parsed them
    units = []
    for i, group in enumerate(groups):
        units.append(f"{work}/group{i}.c")
        with open(units[-1], "w") as f:
            f.writelines(f'#include "/usr/include/{h}"\n' for h in group)
    rows.append(row(f"uapi ({sum(map(len, groups))} headers in {len(groups)} units): cc -fsyntax-only",
                    shlex.join(["cc", "-fsyntax-only", "-std=gnu11", "-w", "-I", "/usr/include", *units]), runs))
    floor["verify"] = rows[-1]
    rows.append(row(f"uapi ({len(wrapper_headers)} headers in one unit): bindgen generate",
                    f"bindgen {work}/uapi_wrapper.h -o {work}/uapi.rs", 3))
    if not args.skip_rustc and shutil.which("rustc"):
        subprocess.run(["bindgen", f"{work}/uapi_wrapper.h", "-o", f"{work}/uapi.rs"], check=True)
        rows.append(row("uapi: bindgen layout tests (rustc --test)",
                        f"rustc --test --edition 2021 -A warnings -o {work}/uapi_tests {work}/uapi.rs", 1))

    # scaling
    headers = sorted(s["headers"])
    scale = []
    for n in [1, 10, 100, len(headers)]:
        sel = headers[:n]
        cmd = f"{ABIGEN} --headers /usr/include --preset none --skip-broken-headers " + " ".join(f"--header {h}" for h in sel)
        t = median_seconds(cmd + " --format json -o /dev/null", max(3, args.runs // 2))
        r = subprocess.run(cmd.split() + ["--format", "json"], capture_output=True, text=True)
        recs = len(json.loads(r.stdout)["records"]) if r.returncode == 0 else 0
        scale.append((n, recs, t))

    # On a shared machine every time is inflated by the others' load; the ratios within one run count.
    print(f"Load average (1 min) at the start {start_load:.1f}, at the end {os.getloadavg()[0]:.1f}, on {os.cpu_count()} cores.")
    print()
    print("| what | median wall time | peak memory |")
    print("|---|---:|---:|")
    for label, t, m in rows:
        if t is None:
            print(f"| {label} | - | - |")
        else:
            print(f"| {label} | {fmt_time(t)} | {m:.0f} MiB |")
    by = {label: t for label, t, _ in rows if t is not None}
    io_ratio = by["io_uring: bindgen generate"] / by["io_uring: abigen generate"]
    uapi_gen = [t for label, t, _ in rows if label.startswith("uapi (") and "abigen generate" in label][0]
    uapi_bg = [t for label, t, _ in rows if "bindgen generate" in label and label.startswith("uapi") and t][0]
    print()
    print(f"abigen generate is {io_ratio:.1f}x faster than bindgen on io_uring and {uapi_bg / uapi_gen:.1f}x on the uapi set.")
    if json_fast[1] and json_reference[1]:
        print(f"The fast JSON reader and writer take {json_fast[1] / json_reference[1]:.2f}x Foundation's time on the uapi snapshot.")
    print()
    print("| work (issue 16) | abigen | yardstick | ratio | goal |")
    print("|---|---:|---:|---:|---|")
    goals = [("io_uring generate / bare libclang parse", rows[0], floor.get("io_uring"), "at most 1.25x"),
             ("io_uring generate / bare parse of the same unit with its macro evaluation lines", rows[0], floor.get("io_uring macros"), "none (the unit abigen parses)"),
             ("uapi generate JSON / bare single-unit parse", uapi_json, floor.get("uapi"), "at most 3x"),
             ("uapi generate JSON / bare parse with one evaluation line per macro", uapi_json, floor.get("uapi macros"), "none (each macro evaluated once; abigen evaluates as clang and as gcc)"),
             ("uapi verify --snapshot / cc -fsyntax-only", verify_snap, floor.get("verify"), "at most 1.0 s")]
    for what, (_, t, _), yard, goal in goals:
        y = yard[1] if yard else None
        ratio = f"{t / y:.2f}x" if t and y else "-"
        print(f"| {what} | {fmt_time(t) if t else '-'} | {fmt_time(y) if y else '-'} | {ratio} | {goal} |")
    m = uapi_json[2]
    print(f"| uapi generate JSON, peak memory | {f'{m:.0f} MiB' if m else '-'} | | | at most 235 MiB |")
    print()
    print("| headers | records | abigen generate (median) | per record |")
    print("|---:|---:|---:|---:|")
    for n, recs, t in scale:
        per = f"{t / recs * 1e6:.0f} µs" if recs else "-"
        print(f"| {n} | {recs} | {fmt_time(t)} | {per} |")
    shutil.rmtree(work, ignore_errors=True)
    print()
    btf_bench(args.runs)


VMLINUX = "/sys/kernel/btf/vmlinux"


def btf_bench(runs):
    """The BTF frontend against pahole and bpftool on the running kernel's BTF (issue 13's goals)."""
    if not os.path.exists(VMLINUX):
        print(f"BTF: {VMLINUX} is absent: no BTF rows")
        return
    missing = [t for t in ["pahole", "bpftool", "hyperfine"] if not shutil.which(t)]
    if missing:
        print(f"BTF: {', '.join(missing)} not found (bash .ci/packages.sh installs them): no BTF rows")
        return
    size_mb = os.path.getsize(VMLINUX) / 1e6
    rows = [
        row("BTF io_uring records: abigen --btf vmlinux (io_uring preset, JSON)",
            f"{ABIGEN} --btf {VMLINUX} --format json -o /dev/null", runs),
        row("BTF io_uring_cmd: abigen --btf vmlinux --record io_uring_cmd",
            f"{ABIGEN} --btf {VMLINUX} --record io_uring_cmd --format json -o /dev/null", runs),
        row("BTF io_uring_cmd: pahole -C io_uring_cmd", f"pahole -C io_uring_cmd {VMLINUX}", runs),
        row("BTF whole: abigen --btf vmlinux --preset none --format json",
            f"{ABIGEN} --btf {VMLINUX} --preset none --format json -o /dev/null", max(3, runs // 2)),
        row("BTF whole: bpftool btf dump file vmlinux format c", f"bpftool btf dump file {VMLINUX} format c", max(3, runs // 2)),
    ]
    print(f"| BTF ({size_mb:.1f} MB {VMLINUX}) | median wall time | peak memory |")
    print("|---|---:|---:|")
    for label, t, m in rows:
        print(f"| {label} | - | - |" if t is None else f"| {label} | {fmt_time(t)} | {m:.0f} MiB |")
    t = [r[1] for r in rows]
    if None in t:
        return
    print()
    print(f"io_uring records from BTF: abigen {t[0] / t[2]:.2f}x pahole's time (io_uring_cmd alone: {t[1] / t[2]:.2f}x); goal: at most 1x.")
    print(f"whole BTF to JSON: abigen {t[3] / t[4]:.2f}x bpftool's time; goal: at most 2x.")


if __name__ == "__main__":
    main()

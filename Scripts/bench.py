#!/usr/bin/env python3
"""Benchmark abigen against Debian's bindgen on this machine, in one run.

Prints a Markdown table: median wall time (hyperfine) and peak memory (GNU time's max RSS) of
abigen generate and verify (and the io_uring matrix on every target) beside bindgen (generate, and `rustc --test` of its layout tests),
for the io_uring header and for the whole /usr/include/linux uapi set, plus abigen's scaling
with 1, 10, 100 and all headers. With /sys/kernel/btf/vmlinux: the BTF frontend beside pahole (the
io_uring records) and bpftool (the whole BTF). Timings are measurements, never test assertions.

Usage: python3 Scripts/bench.py [--runs N] [--skip-rustc] [--btf-only]
Needs: a release build (swift build -c release --product abigen), hyperfine, bindgen, rustc, GNU time;
for the BTF rows pahole (dwarves) and bpftool.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ABIGEN = os.path.join(ROOT, ".build", "release", "abigen")


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
            sys.exit("bench.py: build first: swift build -c release --product abigen")
        btf_bench(args.runs)
        return
    for tool in ["hyperfine", "bindgen", "/usr/bin/time"]:
        if not shutil.which(tool):
            sys.exit(f"bench.py: {tool} not found (bash .ci/packages.sh installs it)")
    if not os.path.exists(ABIGEN):
        sys.exit("bench.py: build first: swift build -c release --product abigen")

    work = tempfile.mkdtemp(prefix="abigen-bench-")
    rows = []

    # io_uring
    rows.append(row("io_uring: abigen generate", f"{ABIGEN} --headers /usr/include", args.runs))
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

    # the whole uapi set: the headers abigen parsed together make the wrapper bindgen reads
    snap = f"{work}/uapi.json"
    subprocess.run([ABIGEN, "--headers", "/usr/include", "--header", "linux/*.h", "--preset", "none",
                    "--format", "json", "-o", snap], check=True)
    with open(snap) as f:
        s = json.load(f)
    groups = s.get("headerGroups") or [s["headers"]]
    wrapper_headers = groups[0]
    with open(f"{work}/uapi_wrapper.h", "w") as f:
        f.writelines(f"#include <{h}>\n" for h in wrapper_headers)
    n_records = len(s["records"])
    all_cmd = f"{ABIGEN} --headers /usr/include --header 'linux/*.h' --preset none"
    rows.append(row(f"uapi ({len(s['headers'])} headers, {n_records} records): abigen generate", all_cmd, max(3, args.runs // 2)))
    rows.append(row("uapi: abigen verify", f"{ABIGEN} verify --headers /usr/include --header 'linux/*.h' --preset none",
                    max(3, args.runs // 2)))
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

#!/usr/bin/env python3
"""Groups crashing inputs by cause: `Scripts/fuzz.sh --triage TARGET FILE|DIR...` runs this.

Runs each input once through the harness binary and prints one group per distinct crash signature (the trap
message or sanitizer error, and the first stack frame in Sources/), with the inputs that hit it (smallest first)
and the first frames in Sources/, demangled. Inputs that do not crash are listed at the end.

Usage: triage.py BINARY FLAGS_FILE INPUT...   (fuzz.sh passes the harness binary and its libFuzzer flags)
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRAME = re.compile(r"^\s+#(\d+) 0x[0-9a-f]+ in (\S+) (\S+)")


def demangle(names):
    if not names:
        return {}
    try:
        out = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input="\n".join(names),
                             capture_output=True, text=True, timeout=60)
        lines = out.stdout.splitlines() if out.returncode == 0 else names
    except (OSError, subprocess.TimeoutExpired):
        lines = names
    return dict(zip(names, lines if len(lines) == len(names) else names))


def classify(output):
    """(reason, [(function, location)] in Sources/ or Fuzz/Harnesses/)."""
    reason = None
    m = re.search(r"fuzz \w+: property violated: (.*)", output)
    if m:
        reason = "property violated: " + m.group(1)
    frames = []
    for line in output.splitlines():
        f = FRAME.match(line)
        if not f:
            continue
        fn, loc = f.group(2), f.group(3)
        if fn.startswith("Swift") and "runtime failure" in line and reason is None:
            reason = line.split(" in ", 1)[1].rsplit(" /", 1)[0]
        loc = loc.replace(ROOT + "/", "")
        if loc.startswith("Sources/") or (loc.startswith("Fuzz/Harnesses/") and not frames):
            frames.append((fn, loc))
    if reason is None:
        for pattern in (r"ERROR: AddressSanitizer: (.*?)(?: on address| \(thread|$)", r"ERROR: libFuzzer: (out-of-memory \(malloc\(\d+\)\)|out-of-memory|timeout|deadly signal)",
                        r"(Fatal error: .*)"):
            m = re.search(pattern, output, re.M)
            if m:
                reason = m.group(1)
                break
    if reason:
        reason = re.sub(r"0x[0-9a-f]+|\b\d{4,}\b", "N", reason)
    return reason or "no crash", frames


def main():
    binary, flags_file = sys.argv[1], sys.argv[2]
    flags = open(flags_file).read().split("\n")
    flags = [f for f in flags if f]
    inputs = []
    for arg in sys.argv[3:]:
        if os.path.isdir(arg):
            inputs += sorted(os.path.join(arg, f) for f in os.listdir(arg) if f != "README.md")
        else:
            inputs.append(arg)
    # Without these the Swift runtime's crash handler competes with ASan's and can hang the run.
    os.environ.setdefault("SWIFT_BACKTRACE", "enable=no")
    os.environ.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    groups = {}
    clean = []
    for path in inputs:
        try:
            r = subprocess.run([binary, *flags, "-runs=1", path], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               errors="replace", timeout=300)
            output, status = r.stdout + r.stderr, r.returncode
        except subprocess.TimeoutExpired:
            output, status = "ERROR: libFuzzer: timeout", 1
        if status == 0:
            clean.append(path)
            continue
        reason, frames = classify(output)
        where = frames[0][1] if frames else ""
        if reason == "stack-overflow" and frames:   # the top frame varies along the recursion: key on the recursing one
            where = max(set(loc for _, loc in frames), key=lambda loc: sum(1 for _, l in frames if l == loc))
            frames = [f for f in frames if f[1] == where][:1] + frames
        key = (reason, where)
        groups.setdefault(key, {"inputs": [], "frames": frames})["inputs"].append(path)
    names = demangle(sorted({fn for g in groups.values() for fn, _ in g["frames"][:4]}))
    for n, ((reason, where), g) in enumerate(sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])), 1):
        print("%d. %s" % (n, reason))
        for fn, loc in g["frames"][:4]:
            print("     at %s  %s" % (loc, names.get(fn, fn)))
        for path in sorted(g["inputs"], key=lambda p: (os.path.getsize(p), p)):
            print("     input %s (%d bytes)" % (path, os.path.getsize(path)))
    if clean:
        print("no crash: %d inputs" % len(clean))
    return 1 if groups else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Writes the committed fuzzing corpora, Fuzz/corpus/<harness>/ (see Fuzz/README.md).

Needs `swift build` first (it runs .build/debug/abigen), cc and clang. Every file it writes is either real
(abigen's own snapshots and verify probes from this repository's fixture headers, compiled for four targets)
or hand-made from a small base snapshot: every crash input of issue 11, section 2, and the JSON reader and
ELF reader cases. Output is deterministic; re-running rewrites the same files (harness crash inputs found by
fuzzing live in Fuzz/crashes/ and are not touched).

Usage: python3 Fuzz/make-seeds.py
"""
import copy
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Fuzz", "corpus")
ABIGEN = os.path.join(ROOT, ".build", "debug", "abigen")


def compact(obj):
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()


def write(harness, name, data):
    d = os.path.join(CORPUS, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def abigen(*args, cwd=ROOT):
    return subprocess.run([ABIGEN, *args], cwd=cwd, check=True, capture_output=True).stdout


# ---------------------------------------------------------------------------------------------------------------
# Snapshots

def u32(name, offset, **extra):
    f = {"name": name, "offset": offset, "size": 4,
         "type": {"canonical": "unsigned int", "kind": "integer", "scalarSize": 4, "signed": False, "spelling": "__u32"}}
    f.update(extra)
    return f


def base_snapshot():
    """A small snapshot with one of each construct the stages handle (hand-made; the numbers are what a C
    compiler gives for the struct in the comment)."""
    # struct fz { __u32 a; __u32 b:3; __u8 resv[3]; union { __u32 x; __u64 y; }; struct fz_inner in; __u8 tail[0]; };
    fields = [
        u32("a", 0),
        {"name": "b", "offset": 4, "size": 1, "bitOffset": 32, "bitWidth": 3,
         "type": {"canonical": "unsigned int", "kind": "integer", "scalarSize": 4, "signed": False, "spelling": "__u32"}},
        {"name": "resv", "offset": 5, "size": 3,
         "type": {"arrayDimensions": [3], "canonical": "unsigned char[3]", "kind": "integer", "scalarSize": 1,
                  "signed": False, "spelling": "__u8[3]"}},
        u32("x", 8, anonymousPath=[1]),
        {"anonymousPath": [1], "name": "y", "offset": 8, "size": 8,
         "type": {"canonical": "unsigned long long", "kind": "integer", "scalarSize": 8, "signed": False, "spelling": "__u64"}},
        {"name": "in", "offset": 16, "size": 4,
         "type": {"canonical": "struct fz_inner", "kind": "record", "record": "fz_inner", "scalarSize": 4,
                  "spelling": "struct fz_inner"}},
        {"name": "tail", "offset": 20, "size": 0,
         "type": {"arrayDimensions": [0], "canonical": "unsigned char[0]", "kind": "integer", "scalarSize": 1,
                  "signed": False, "spelling": "__u8[0]"}},
    ]
    fz = {"alignment": 8, "anonymousMembers": [{"fieldIndexes": [3], "kind": "union", "offset": 8, "path": [1], "size": 8}],
          "cName": "struct fz", "fields": fields, "header": "fz.h", "kind": "struct", "name": "fz", "packed": False, "size": 24}
    inner = {"alignment": 4, "anonymousMembers": [], "cName": "struct fz_inner", "fields": [u32("v", 0)],
             "header": "fz.h", "kind": "struct", "name": "fz_inner", "packed": False, "size": 4}
    constants = [
        {"definition": "(1U << 0)", "header": "fz.h", "name": "FZ_FLAG", "origin": "macro", "signed": False, "size": 4,
         "type": "unsigned int", "value": 1},
        {"enumName": "fz_op", "enumType": {"signed": False, "size": 4, "spelling": "unsigned int"}, "header": "fz.h",
         "name": "FZ_OP_READ", "origin": "enumerator", "signed": True, "size": 4, "type": "int", "value": 1},
        {"enumName": "fz_op", "enumType": {"signed": False, "size": 4, "spelling": "unsigned int"}, "header": "fz.h",
         "name": "FZ_OP_LAST", "origin": "enumerator", "signed": True, "size": 4, "type": "int", "value": 2},
    ]
    return {"constants": constants, "headers": ["fz.h"], "includeDirectories": ["include"], "records": [fz, inner],
            "schemaVersion": 1, "skippedMacros": [{"definition": "\"fz\"", "name": "FZ_NAME", "reason": "not an integer constant expression"}],
            "target": "x86_64-pc-linux-gnu", "unsupported": [{"name": "struct fz_opaque", "reason": "incomplete type"}]}


def variant(edit):
    s = base_snapshot()
    edit(s)
    return s


def fz(s):
    return s["records"][0]


def field(s, name):
    return next(f for f in fz(s)["fields"] if f["name"] == name)


def set_(obj, key, value):
    obj[key] = value


def delete(obj, key):
    del obj[key]


INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1

# Issue 11, section 2: snapshots every stage must survive (after validation, which refuses most of them).
BAD_SNAPSHOTS = {
    "bitwidth-without-bitoffset": lambda s: delete(field(s, "b"), "bitOffset"),
    "bitoffset-without-bitwidth": lambda s: delete(field(s, "b"), "bitWidth"),
    "constant-size-0": lambda s: set_(s["constants"][0], "size", 0),
    "constant-size-negative": lambda s: set_(s["constants"][0], "size", -4),
    "constant-size-3": lambda s: set_(s["constants"][0], "size", 3),
    "enum-size-0": lambda s: set_(s["constants"][1]["enumType"], "size", 0),
    "enum-size-negative": lambda s: set_(s["constants"][1]["enumType"], "size", -1),
    "anonymous-path-empty": lambda s: set_(field(s, "x"), "anonymousPath", []),
    "anonymous-member-path-empty": lambda s: set_(fz(s)["anonymousMembers"][0], "path", []),
    "field-indexes-empty": lambda s: set_(fz(s)["anonymousMembers"][0], "fieldIndexes", []),
    "dimensions-product-overflows": lambda s: set_(field(s, "resv")["type"], "arrayDimensions", [1 << 32, 1 << 32]),
    "dimensions-negative": lambda s: set_(field(s, "resv")["type"], "arrayDimensions", [-3]),
    "offset-int64-min": lambda s: set_(field(s, "a"), "offset", INT64_MIN),
    "offset-int64-max": lambda s: set_(field(s, "a"), "offset", INT64_MAX),
    "bitwidth-1000": lambda s: set_(field(s, "b"), "bitWidth", 1000),
    "bitwidth-0": lambda s: set_(field(s, "b"), "bitWidth", 0),
    "bitoffset-negative": lambda s: set_(field(s, "b"), "bitOffset", -8),
    "bitoffset-int64-max": lambda s: set_(field(s, "b"), "bitOffset", INT64_MAX),
    "record-size-negative": lambda s: set_(fz(s), "size", -24),
    "field-offset-negative": lambda s: set_(field(s, "a"), "offset", -4),
    "field-size-negative": lambda s: set_(field(s, "a"), "size", -4),
    "offset-beyond-record": lambda s: set_(field(s, "a"), "offset", 4096),
    "bitfield-beyond-record": lambda s: set_(field(s, "b"), "bitOffset", 8 * 4096),
    "record-size-2-pow-31": lambda s: set_(fz(s), "size", 1 << 31),
    "record-size-near-int-max": lambda s: set_(fz(s), "size", INT64_MAX - 7),
    "field-size-10-pow-12": lambda s: set_(field(s, "resv"), "size", 10 ** 12),
    "alignment-0": lambda s: set_(fz(s), "alignment", 0),
    "alignment-negative": lambda s: set_(fz(s), "alignment", -8),
    "scalar-size-0": lambda s: set_(field(s, "a")["type"], "scalarSize", 0),
    "scalar-size-negative": lambda s: set_(field(s, "a")["type"], "scalarSize", -1),
    "schema-version-negative": lambda s: set_(s, "schemaVersion", -1),
    "schema-version-0": lambda s: set_(s, "schemaVersion", 0),
    "schema-version-unknown": lambda s: set_(s, "schemaVersion", 99),
    "record-name-not-identifier": lambda s: set_(fz(s), "name", "fz; int injected"),
    "record-name-empty": lambda s: set_(fz(s), "name", ""),
    "record-name-swift-keyword": lambda s: set_(fz(s), "name", "protocol"),
    "field-name-not-identifier": lambda s: set_(field(s, "a"), "name", "a)+1; //"),
    "field-name-dots": lambda s: set_(field(s, "a"), "name", "a..b."),
    "constant-name-not-identifier": lambda s: set_(s["constants"][0], "name", "FZ FLAG"),
    "cname-injection": lambda s: set_(fz(s), "cName", "struct fz *)0; } int x; struct { int y; } *q = (struct fz"),
    "header-newline-injection": lambda s: set_(s, "headers", ["fz.h\npublic let injected = 42"]),
    "header-control-character": lambda s: set_(fz(s), "header", "fz\u0001.h"),
    "header-absolute": lambda s: set_(s, "headers", ["/etc/passwd"]),
    "header-dotdot": lambda s: set_(s, "headers", ["../../etc/shadow"]),
    "record-header-absolute": lambda s: set_(fz(s), "header", "/etc/hostname"),
    "definition-control-characters": lambda s: set_(s["constants"][0], "definition", "1 */\n#error x\n/*"),
    "anonymous-member-offset-negative": lambda s: set_(fz(s)["anonymousMembers"][0], "offset", -8),
    "anonymous-member-size-huge": lambda s: set_(fz(s)["anonymousMembers"][0], "size", INT64_MAX),
    "anonymous-path-unknown": lambda s: set_(field(s, "x"), "anonymousPath", [7, 3]),
    "field-indexes-beyond-fields": lambda s: set_(fz(s)["anonymousMembers"][0], "fieldIndexes", [1000]),
    "field-record-unknown": lambda s: set_(field(s, "in")["type"], "record", "fz_missing"),
    "field-record-self": lambda s: set_(field(s, "in")["type"], "record", "fz"),
    "header-groups-empty": lambda s: set_(s, "headerGroups", [[], []]),
    "duplicate-record-names": lambda s: s["records"].append(copy.deepcopy(fz(s))),
}

# Issue 11, section 2, the `diff` crash list: the old side is the base snapshot, the new side adds the problem.
DIFF_PAIRS = {
    "adds-empty-anonymous-member": lambda s: (fz(s)["anonymousMembers"].append(
        {"fieldIndexes": [], "kind": "union", "offset": 8, "path": [], "size": 8}), fz(s)["fields"].append(u32("z", 8, anonymousPath=[]))),
    "negative-size": lambda s: set_(fz(s), "size", -24),
    "negative-reserved-offset": lambda s: set_(field(s, "resv"), "offset", -5),
    "reserved-size-near-int-max": lambda s: set_(field(s, "resv"), "size", INT64_MAX - 4),
    "sizes-near-int-max": lambda s: (set_(fz(s), "size", INT64_MAX), set_(field(s, "y"), "size", INT64_MAX - 8)),
    "anonymous-member-without-field-indexes": lambda s: (fz(s)["anonymousMembers"].append(
        {"fieldIndexes": [], "kind": "struct", "offset": 8, "path": [2], "size": 8}), set_(field(s, "y"), "anonymousPath", [2])),
    "field-size-10-pow-12": lambda s: (set_(field(s, "resv"), "size", 10 ** 12), fz(s)["fields"].append(u32("added", 64))),
    "added-field-offset-int64-max": lambda s: fz(s)["fields"].append(u32("added", INT64_MAX)),
    "bitfield-width-int64-max": lambda s: set_(field(s, "b"), "bitWidth", INT64_MAX),
    "sentinel-int64-extremes": lambda s: (set_(s["constants"][2], "value", INT64_MIN),),
    "union-added-field-huge": lambda s: (fz(s)["fields"].append(u32("w", INT64_MAX - 2, anonymousPath=[1]))),
}

# The JSON reader: what JSON forbids and Foundation refuses, numbers at the edges, nesting.
def json_cases(base_text):
    t = base_text
    yield "raw-control-character", t.replace(b'"fz.h"', b'"fz\x01.h"', 1)
    yield "raw-newline-in-string", t.replace(b'"fz.h"', b'"fz\n.h"', 1)
    yield "raw-tab-in-string", t.replace(b'"fz.h"', b'"fz\t.h"', 1)
    yield "raw-nul-in-string", t.replace(b'"fz.h"', b'"fz\x00.h"', 1)
    yield "leading-zero", t.replace(b'"size":24', b'"size":024', 1)
    yield "leading-zero-negative", t.replace(b'"size":24', b'"size":-024', 1)
    yield "minus-zero", t.replace(b'"size":24', b'"size":-0', 1)
    yield "plus-sign", t.replace(b'"size":24', b'"size":+24', 1)
    yield "invalid-utf8", t.replace(b'"fz.h"', b'"fz\xff.h"', 1)
    yield "invalid-utf8-overlong", t.replace(b'"fz.h"', b'"fz\xc0\xaf.h"', 1)
    yield "invalid-utf8-surrogate", t.replace(b'"fz.h"', b'"fz\xed\xa0\x80.h"', 1)
    yield "invalid-utf8-truncated", t.replace(b'"fz.h"', b'"fz\xe2\x82.h"', 1)
    yield "number-2-pow-64", t.replace(b'"size":24', b'"size":18446744073709551616', 1)
    yield "number-2-pow-63", t.replace(b'"size":24', b'"size":9223372036854775808', 1)
    yield "value-2-pow-64", t.replace(b'"value":1', b'"value":18446744073709551616', 1)
    yield "value-uint64-max", t.replace(b'"value":1', b'"value":18446744073709551615', 1)
    yield "value-int64-min", t.replace(b'"value":1', b'"value":-9223372036854775808', 1)
    yield "value-below-int64-min", t.replace(b'"value":1', b'"value":-9223372036854775809', 1)
    yield "fraction", t.replace(b'"size":24', b'"size":24.0', 1)
    yield "exponent", t.replace(b'"size":24', b'"size":2.4e1', 1)
    yield "bad-escape", t.replace(b'"fz.h"', b'"fz\\q.h"', 1)
    yield "lone-surrogate-escape", t.replace(b'"fz.h"', b'"fz\\ud800.h"', 1)
    yield "surrogate-pair-escape", t.replace(b'"fz.h"', b'"fz\\ud83d\\ude00.h"', 1)
    yield "short-unicode-escape", t.replace(b'"fz.h"', b'"fz\\u12"', 1)
    yield "escaped-nul", t.replace(b'"fz.h"', b'"fz\\u0000.h"', 1)
    yield "duplicate-key", t.replace(b'"size":24', b'"size":24,"size":32', 1)
    yield "non-string-in-string-array", t.replace(b'"headers":["fz.h"]', b'"headers":[1,"fz.h"]', 1)
    yield "null-in-int-array", t.replace(b'"path":[1]', b'"path":[null,1]', 1)
    yield "wrong-type-optional", t.replace(b'"bitOffset":32', b'"bitOffset":"32"', 1)
    yield "null-optional", t.replace(b'"bitOffset":32', b'"bitOffset":null', 1)
    yield "byte-order-mark", b"\xef\xbb\xbf" + t
    yield "trailing-garbage", t + b"x"
    yield "trailing-comma", t.replace(b'"headers":["fz.h"]', b'"headers":["fz.h",]', 1)
    yield "truncated", t[: len(t) // 2]
    yield "truncated-after-backslash", b'{"target":"a\\'
    yield "unknown-key-nested", t.replace(b'{"constants"', b'{"extra":[[[[{"a":[1,{"b":null}]}]]]],"constants"', 1)
    yield "nesting-100000-arrays", b"[" * 100000 + b"]" * 100000
    yield "nesting-100000-in-unknown-key", b'{"x":' + b"[" * 100000 + b"]" * 100000 + b"}"
    yield "nesting-520-in-unknown-key", t.replace(b'{"constants"', b'{"extra":' + b"[" * 520 + b"]" * 520 + b',"constants"', 1)
    yield "nesting-500-in-unknown-key", t.replace(b'{"constants"', b'{"extra":' + b"[" * 500 + b"]" * 500 + b',"constants"', 1)
    yield "empty", b""
    yield "whitespace-only", b" \n\t "
    yield "not-an-object", b"[1,2,3]"


def snapshot_seeds():
    base = base_snapshot()
    base_text = compact(base)
    real = {}
    with tempfile.TemporaryDirectory() as tmp:
        jobs = {
            "real-zoo": ["--headers", "Fixtures/headers", "--header", "zoo.h", "--preset", "none"],
            "real-mini-sqe-v1": ["--headers", "Fixtures/headers/v1", "--header", "mini_sqe.h", "--preset", "none"],
            "real-mini-sqe-v2": ["--headers", "Fixtures/headers/v2", "--header", "mini_sqe.h", "--preset", "none"],
            "real-verify-layouts": ["--headers", "Fixtures/verify", "--header", "layouts.h", "--preset", "none"],
            "real-openat2": ["--headers", "/usr/include", "--header", "linux/openat2.h", "--preset", "none"],
            "real-io_uring": ["--headers", "/usr/include"],
            "real-io_uring-i686": ["--headers", "/usr/i686-linux-gnu/include", "--target", "i686-linux-gnu"],
        }
        for name, args in jobs.items():
            real[name] = json.loads(abigen(*args, "--format", "json"))
    for h in ("json_reader", "snapshot_emitters", "differ"):
        write(h, "base.json", base_text)
        write(h, "base-pretty.json", json.dumps(base, indent=2, sort_keys=True) + "\n")
        write(h, "empty-snapshot.json", compact({"constants": [], "headers": [], "includeDirectories": [], "records": [],
                                                  "schemaVersion": 1, "skippedMacros": [], "target": "x86_64-pc-linux-gnu",
                                                  "unsupported": []}))
        for name, s in real.items():
            if name == "real-io_uring-i686" and h != "differ":
                continue
            write(h, name + ".json", compact(s))
        for name, edit in BAD_SNAPSHOTS.items():
            write(h, "bad-" + name + ".json", compact(variant(edit)))
    for name, data in json_cases(base_text):
        write("json_reader", "json-" + name, data)
    # The differ: OLD NUL NEW.
    for name, edit in DIFF_PAIRS.items():
        write("differ", "pair-" + name, base_text + b"\0" + compact(variant(edit)))
    write("differ", "pair-mini-sqe-v1-v2", compact(real["real-mini-sqe-v1"]) + b"\0" + compact(real["real-mini-sqe-v2"]))
    write("differ", "pair-io_uring-x86_64-i686", compact(real["real-io_uring"]) + b"\0" + compact(real["real-io_uring-i686"]))
    write("differ", "pair-zoo-base", compact(real["real-zoo"]) + b"\0" + base_text)


# ---------------------------------------------------------------------------------------------------------------
# ELF objects

EXTRA_C = """\
/* Every kind of symbol the ELF reader meets: data, read-only data, .bss, common, a bitfield object, a function. */
unsigned long long fz_values[4] = { 0x5250656e65676962ULL, 2, 24, 8 };
const char fz_text[] = "abigen";
static int fz_zero[16];
int fz_common;
struct fz_bits { unsigned a : 3, b : 5; } fz_bitfield = { 0, 31 };
int *fz_use(void) { return fz_zero; }
"""

TARGETS = {"x86_64": None, "i686": "i686-linux-gnu", "aarch64": "aarch64-linux-gnu", "armhf": "arm-linux-gnueabihf"}


def elf_objects(tmp):
    """Real objects: abigen verify probes of zoo.h and a small C file, for each target."""
    objs = {}
    src = os.path.join(tmp, "extra.c")
    with open(src, "w") as f:
        f.write(EXTRA_C)
    for arch, triple in TARGETS.items():
        probe = os.path.join(tmp, "probe-" + arch)
        args = ["verify", "--headers", "Fixtures/headers", "--header", "zoo.h", "--preset", "none", "--keep-probe", probe]
        if triple:
            args += ["--target", triple]
        abigen(*args)
        with open(os.path.join(probe, "probe.o"), "rb") as f:
            objs["probe-zoo-" + arch] = f.read()
        out = os.path.join(tmp, "extra-" + arch + ".o")
        cc = ["cc"] if triple is None else ["clang", "-target", triple]
        subprocess.run(cc + ["-c", "-O1", "-fcommon", "-o", out, src], check=True)
        with open(out, "rb") as f:
            objs["extra-" + arch] = f.read()
    return objs


class ELF:
    """Just enough of a little-endian ELF file to patch header, section and symbol fields."""

    def __init__(self, data):
        self.b = bytearray(data)
        self.is64 = self.b[4] == 2
        self.word = "<Q" if self.is64 else "<I"
        self.shoff = self.get(0x28 if self.is64 else 0x20, self.word)
        self.shentsize = self.get(0x3A if self.is64 else 0x2E, "<H")
        self.shnum = self.get(0x3C if self.is64 else 0x30, "<H")

    def get(self, at, fmt):
        return struct.unpack_from(fmt, self.b, at)[0]

    def put(self, at, value, fmt):
        struct.pack_into(fmt, self.b, at, value & {"<H": 0xFFFF, "<I": 0xFFFFFFFF, "<Q": (1 << 64) - 1}[fmt])

    def sh(self, i):
        return self.shoff + i * self.shentsize

    def section_type(self, i):
        return self.get(self.sh(i) + 4, "<I")

    def index_of_type(self, t):
        return next(i for i in range(self.shnum) if self.section_type(i) == t)

    # (64-bit position, 32-bit position, 64-bit format) of each field.
    SECTION = {"offset": (0x18, 0x10, "<Q"), "size": (0x20, 0x14, "<Q"), "link": (0x28, 0x18, "<I"), "entsize": (0x38, 0x24, "<Q")}
    SYMBOL = {"value": (8, 4, "<Q"), "size": (16, 8, "<Q"), "shndx": (6, 14, "<H")}
    HEADER = {"shoff": (0x28, 0x20, "<Q"), "shentsize": (0x3A, 0x2E, "<H"), "shnum": (0x3C, 0x30, "<H"), "shstrndx": (0x3E, 0x32, "<H")}

    def field(self, table, name):
        at64, at32, fmt64 = table[name]
        if self.is64:
            return at64, fmt64
        return at32, "<H" if fmt64 == "<H" else "<I"

    def set_section(self, i, name, value):
        at, fmt = self.field(self.SECTION, name)
        self.put(self.sh(i) + at, value, fmt)

    def get_section(self, i, name):
        at, fmt = self.field(self.SECTION, name)
        return self.get(self.sh(i) + at, fmt)

    def symbols(self):
        st = self.index_of_type(2)
        off, size = self.get_section(st, "offset"), self.get_section(st, "size")
        ent = 24 if self.is64 else 16
        return [off + k * ent for k in range(size // ent)]

    def defined_symbol(self):
        """The last symbol (globals come last), which is defined in these objects."""
        return self.symbols()[-1]

    def set_symbol(self, at, name, value):
        pos, fmt = self.field(self.SYMBOL, name)
        self.put(at + pos, value, fmt)

    def set_header(self, name, value):
        at, fmt = self.field(self.HEADER, name)
        self.put(at, value, fmt)

    def bytes(self):
        return bytes(self.b)


def elf_cases(name, data):
    """Issue 11's ELF cases: offsets, values and sizes of 2^63 or more, or one past the end of the file."""
    n = len(data)
    big = 1 << 63
    cases = {}

    def case(label, edit):
        e = ELF(data)
        edit(e)
        cases[name + "-" + label] = e.bytes()

    wide = ELF(data).is64
    top = big if wide else 0xFFFFFFFF
    case("shoff-huge", lambda e: e.set_header("shoff", top))
    case("shoff-past-end", lambda e: e.set_header("shoff", n + 1))
    if wide:   # just below 2^63: converts to Int, then overflows when a length is added
        case("shoff-int-max", lambda e: e.set_header("shoff", big - 1))
        case("symtab-offset-int-max", lambda e: e.set_section(e.index_of_type(2), "offset", big - 1))
        case("strtab-offset-int-max", lambda e: e.set_section(e.index_of_type(3), "offset", big - 1))
        case("symbol-value-int-max", lambda e: e.set_symbol(e.defined_symbol(), "value", big - 1))
        case("symbol-size-int-max", lambda e: e.set_symbol(e.defined_symbol(), "size", big - 1))
    case("shnum-0-extended-huge", lambda e: (e.set_header("shnum", 0), e.set_section(0, "size", top)))
    case("shstrndx-xindex", lambda e: (e.set_header("shstrndx", 0xFFFF), e.set_section(0, "link", 0xFFFFFFFF)))
    case("shentsize-huge", lambda e: e.set_header("shentsize", 0xFFFF))
    case("symtab-offset-huge", lambda e: e.set_section(e.index_of_type(2), "offset", top))
    case("symtab-offset-past-end", lambda e: e.set_section(e.index_of_type(2), "offset", n + 1))
    case("symtab-size-huge", lambda e: e.set_section(e.index_of_type(2), "size", top))
    case("strtab-offset-huge", lambda e: e.set_section(e.index_of_type(3), "offset", top))
    case("strtab-size-huge", lambda e: e.set_section(e.index_of_type(3), "size", top))
    case("symtab-link-huge", lambda e: e.set_section(e.index_of_type(2), "link", 0xFFFFFFFF))
    case("symbol-value-huge", lambda e: e.set_symbol(e.defined_symbol(), "value", top))
    case("symbol-size-huge", lambda e: e.set_symbol(e.defined_symbol(), "size", top))
    case("symbol-value-past-end", lambda e: e.set_symbol(e.defined_symbol(), "value", n + 1))
    case("symbol-size-past-end", lambda e: e.set_symbol(e.defined_symbol(), "size", n + 1))
    case("common-symbol-size-huge", lambda e: (e.set_symbol(e.defined_symbol(), "shndx", 0xFFF2), e.set_symbol(e.defined_symbol(), "size", top)))
    case("common-symbol-size-1e12", lambda e: (e.set_symbol(e.defined_symbol(), "shndx", 0xFFF2), e.set_symbol(e.defined_symbol(), "size", 10 ** 12 if wide else 0xFFFFFFFF)))
    case("symbol-section-index-huge", lambda e: e.set_symbol(e.defined_symbol(), "shndx", 0xFFF0))
    for i in range(ELF(data).shnum):
        if ELF(data).section_type(i) == 1:   # every PROGBITS section far out (the symbols' bytes live in one)
            case("section%d-offset-huge" % i, lambda e, i=i: e.set_section(i, "offset", top))
            case("section%d-offset-past-end" % i, lambda e, i=i: e.set_section(i, "offset", n + 1))
            case("section%d-size-huge" % i, lambda e, i=i: e.set_section(i, "size", top))
        if ELF(data).section_type(i) == 8:   # NOBITS (.bss): zeros of a huge size
            case("nobits%d-size-huge" % i, lambda e, i=i: e.set_section(i, "size", top))
    cases[name + "-truncated-header"] = data[:40]
    cases[name + "-truncated-sections"] = data[: n - 10]
    return cases


def elf_seeds():
    with tempfile.TemporaryDirectory() as tmp:
        objs = elf_objects(tmp)
    for name, data in objs.items():
        write("elf_reader", name + ".o", data)
    for name in ("probe-zoo-x86_64", "probe-zoo-i686", "extra-x86_64", "extra-armhf"):
        for case, data in elf_cases(name, objs[name]).items():
            write("elf_reader", "bad-" + case + ".o", data)
    write("elf_reader", "bad-not-elf", b"\x7fELF" + b"\0" * 60)
    write("elf_reader", "bad-big-endian", b"\x7fELF\x02\x02\x01" + b"\0" * 57)


# ---------------------------------------------------------------------------------------------------------------
# Suppression files

SUPPRESSIONS = {
    "documentation-example": """\
# Accepted with the 6.12 upgrade (PR #123)
record io_uring_notification_* kind record-removed reason "zero-copy notifications were reworked"
record io_uring_sqe member rw_flags kind field-type-respelled
kind anonymous-member-renumbered      # we never use bindgen's numbered names
""",
    "every-key": 'record "struct io_uring_sqe" field tx.flags constant IORING_* kind *-changed reason "all keys"\n',
    "every-kind": "".join("kind %s\n" % k for k in (
        "record-removed record-size-changed record-alignment-changed field-moved field-size-changed field-removed "
        "bitfield-moved constant-removed enumerator-removed constant-value-changed enumerator-renumbered record-added "
        "constant-added enumerator-added field-added-in-union field-added reserved-field-used sentinel-moved "
        "field-type-respelled field-renamed field-regrouped anonymous-member-renumbered constant-type-changed "
        "constant-origin-changed enumerator-enum-changed record-kind-changed").split()),
    "globs": "record * member ?* constant *_LAST kind ***\nrecord union* member *.* \n",
    "crlf": "record io_uring_sqe\r\nkind field-moved\r\n",
    "bad-unknown-key": "record a\nrecrod b\n",
    "bad-no-value": "record\n",
    "bad-unterminated-quote": '# ok\nrecord a reason "unterminated\n',
    "bad-unknown-kind": "kind field-mvoed\n",
    "bad-twice": "record a field b member c\n",
    "bad-reason-only": 'reason "why"\n',
    "quotes-empty-and-adjacent": 'record "" member ""x"y" kind "*"\n',
    "pathological-glob": "record " + "*a" * 40 + "b\n",
    "unicode": "record é member \u00e9\u0301 constant \U0001F600 kind *\n",
    "nul-and-controls": "record a\x00b kind *\x01\n\x0b\x0c record c\n",
}


def suppression_seeds():
    for name, text in SUPPRESSIONS.items():
        write("suppressions", name + ".txt", text)
    write("suppressions", "invalid-utf8.txt", b"record \xff\xfe kind *\n")


def main():
    if not os.access(ABIGEN, os.X_OK):
        sys.exit("make-seeds.py: build abigen first (swift build)")
    for h in ("json_reader", "snapshot_emitters", "differ", "elf_reader", "suppressions"):
        shutil.rmtree(os.path.join(CORPUS, h), ignore_errors=True)
    snapshot_seeds()
    elf_seeds()
    suppression_seeds()
    for h in sorted(os.listdir(CORPUS)):
        files = os.listdir(os.path.join(CORPUS, h))
        size = sum(os.path.getsize(os.path.join(CORPUS, h, f)) for f in files)
        print("%s: %d inputs, %d KB" % (h, len(files), size // 1024))


if __name__ == "__main__":
    main()

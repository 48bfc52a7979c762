import ABIBackends
import ABIModel
import Foundation
import Testing

/// One row of `abigen matrix --format json`, decoded by Foundation (not by abigen's own reader).
struct MatrixJSONRow: Decodable {
    struct Highlight: Decodable { var field: String; var offset: Int; var size: Int; var recordSize: Int; var alignment: Int }
    var target: String
    var endianness: String
    var status: String
    var reason: String
    var compilers: [String]
    var records: Int
    var fields: Int
    var constants: Int
    var mismatches: Int
    var disagreements: Int
    var highlight: Highlight?
}

/// Runs `abigen matrix … --format json` and decodes its table.
func matrixRows(_ arguments: [String]) throws -> (status: Int32, rows: [MatrixJSONRow], stderr: String) {
    let r = try abigen(["matrix", "--format", "json"] + arguments)
    guard r.status != 2 else { throw TestSetupError("abigen matrix could not run: \(r.stderr)") }
    return (r.status, try JSONDecoder().decode([MatrixJSONRow].self, from: Data(r.stdout.utf8)), r.stderr)
}

/// Whether a command is on PATH.
func onPath(_ name: String) -> Bool {
    (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
}

@Suite("Targets: the table and abigen targets")
struct TargetsTableTests {
    @Test("18 targets, each with Debian packages, an include directory, a byte order and a pointer size")
    func table() {
        #expect(LinuxTarget.all.count == 18)
        #expect(Set(LinuxTarget.all.map(\.triple)).count == 18)
        #expect(LinuxTarget.all.filter(\.isBigEndian).map(\.triple).sorted() == [
            "m68k-linux-gnu", "mips-linux-gnu", "mips64-linux-gnuabi64", "mips64-linux-gnuabin32", "powerpc-linux-gnu",
            "powerpc64-linux-gnu", "s390x-linux-gnu", "sparc64-linux-gnu"])
        let s390x = LinuxTarget.named("s390x-linux-gnu")
        #expect(s390x?.packages == ["linux-libc-dev-s390x-cross", "libc6-dev-s390x-cross", "gcc-s390x-linux-gnu"])
        #expect(s390x?.includeDirectory == "/usr/s390x-linux-gnu/include")
        #expect(LinuxTarget.named("x86_64-linux-gnux32")?.gccPackage == "gcc-x86-64-linux-gnux32")
        #expect(LinuxTarget.named("sparc64-linux-gnu")?.clangFlags == ["-fintegrated-as"])
        #expect(LinuxTarget.named("mips64-linux-gnuabin32")?.pointerSize == 4)
        #expect(LinuxTarget.named("s390x-unknown-linux-gnu")?.triple == "s390x-linux-gnu")
        #expect(LinuxTarget.named("i386-linux-gnu")?.triple == "i686-linux-gnu")
        #expect(LinuxTarget.named("vax-linux-gnu") == nil)
    }

    /// The pointer size and byte order of each entry, checked against clang's own predefined macros.
    @Test("each entry's byte order and pointer size are clang's")
    func tableMatchesClang() throws {
        for t in LinuxTarget.all {
            let r = try runProcess("clang", ["-target", t.triple, "-dM", "-E", "-x", "c", "/dev/null"])
            #expect(r.status == 0, "\(t.triple)")
            #expect(r.stdout.contains("#define __SIZEOF_POINTER__ \(t.pointerSize)\n"), "\(t.triple) pointer size")
            let order = t.isBigEndian ? "__ORDER_BIG_ENDIAN__" : "__ORDER_LITTLE_ENDIAN__"
            #expect(r.stdout.contains("#define __BYTE_ORDER__ \(order)\n"), "\(t.triple) byte order")
        }
    }

    @Test("abigen targets lists every target and which are ready; its JSON decodes")
    func command() throws {
        let text = try abigen(["targets"])
        #expect(text.status == 0)
        for t in LinuxTarget.all { #expect(text.stdout.contains(t.triple + " "), "\(t.triple)") }
        let json = try abigen(["targets", "--format", "json"])
        struct Row: Decodable { var triple: String; var headers: Bool; var clang: Bool; var gcc: Bool; var ready: Bool; var packages: [String] }
        let rows = try JSONDecoder().decode([Row].self, from: Data(json.stdout.utf8))
        #expect(rows.map(\.triple) == LinuxTarget.all.map(\.triple))
        for r in rows {
            let t = try #require(LinuxTarget.named(r.triple))
            #expect(r.headers == FileManager.default.fileExists(atPath: t.includeDirectory + "/linux/types.h"), "\(r.triple)")
            #expect(r.gcc == onPath(t.isHost ? "gcc" : t.gccCommand), "\(r.triple)")
        }
        // .ci/packages.sh installs every target's headers, so all of them are ready here.
        #expect(rows.filter(\.ready).count == 18)
    }
}

@Suite("Targets: io_uring on every target, two compilers, m68k")
struct TargetsMatrixTests {
    /// The measured `io_uring_cmd` (pdu offset, size, alignment) per target, and the host's.
    static let expected: [String: (Int, Int, Int)] = [
        "x86_64-linux-gnu": (32, 64, 8), "i686-linux-gnu": (20, 52, 4), "aarch64-linux-gnu": (32, 64, 8),
        "arm-linux-gnueabihf": (20, 52, 4), "x86_64-linux-gnux32": (20, 52, 4), "arm-linux-gnueabi": (20, 52, 4),
        "powerpc64le-linux-gnu": (32, 64, 8), "powerpc64-linux-gnu": (32, 64, 8), "powerpc-linux-gnu": (20, 52, 4),
        "s390x-linux-gnu": (32, 64, 8), "mips-linux-gnu": (20, 52, 4), "mipsel-linux-gnu": (20, 52, 4),
        "mips64-linux-gnuabi64": (32, 64, 8), "mips64el-linux-gnuabi64": (32, 64, 8), "mips64-linux-gnuabin32": (20, 52, 4),
        "riscv64-linux-gnu": (32, 64, 8), "sparc64-linux-gnu": (32, 64, 8), "m68k-linux-gnu": (20, 52, 2),
    ]

    @Test("io_uring (uapi + io_uring_cmd from 6.12) on all 18 targets: 0 mismatches against clang and every gcc present")
    func allTargets() throws {
        let (status, rows, stderr) = try matrixRows(["--kernel-tree", try Repo.kernelTree("6.12")])
        #expect(rows.map(\.target) == LinuxTarget.all.map(\.triple))
        for r in rows {
            #expect(r.mismatches == 0, "\(r.target): \(stderr)")
            #expect(r.records >= 20 && r.fields > 100 && r.constants > 150, "\(r.target)")
            #expect(r.compilers.contains { $0.hasPrefix("clang (") }, "\(r.target)")
            if let t = LinuxTarget.named(r.target), onPath(t.isHost ? "gcc" : t.gccCommand) {
                #expect(r.compilers.count == 2, "\(r.target): gcc is installed, so it must be checked too")
            }
            let h = try #require(r.highlight, "\(r.target)")
            let e = try #require(Self.expected[r.target])
            #expect((h.offset, h.recordSize, h.alignment) == e, "\(r.target): io_uring_cmd.pdu")
            #expect(h.size == 32)
            if r.target == "m68k-linux-gnu" {
                #expect(r.status == "disagreement" && r.disagreements > 0 && r.reason.contains("corrected"))
            } else {
                #expect(r.status == "ok" && r.disagreements == 0, "\(r.target): \(r.status) \(r.reason)")
            }
        }
        #expect(status == 1, "m68k's compilers disagree, so the run fails")
    }

    @Test("m68k: the disagreement names the record, field, both values and both compilers; exit 1")
    func m68kDisagreement() throws {
        guard onPath("m68k-linux-gnu-gcc") else { throw TestSetupError("gcc-m68k-linux-gnu is needed (.ci/packages.sh)") }
        let r = try abigen(["matrix", "--kernel-tree", try Repo.kernelTree("6.12"), "--targets", "m68k-linux-gnu"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("m68k-linux-gnu: compilers disagree: struct io_uring_sqe: alignment: clang (m68k-linux-gnu) 8, m68k-linux-gnu-gcc (m68k-linux-gnu) 2\n"))
        #expect(r.stdout.contains("struct io_uring_cmd: alignment: clang (m68k-linux-gnu) 4, m68k-linux-gnu-gcc (m68k-linux-gnu) 2\n"))
    }

    @Test("m68k: the emitted layouts are gcc's (alignment 2), checked against gcc's own probe")
    func m68kCorrected() throws {
        guard onPath("m68k-linux-gnu-gcc") else { throw TestSetupError("gcc-m68k-linux-gnu is needed (.ci/packages.sh)") }
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (_, rows, _) = try matrixRows(["--kernel-tree", try Repo.kernelTree("6.12"), "--targets", "m68k-linux-gnu",
                                           "--compilers", "gcc", "--swift-dir", dir])
        #expect(rows.count == 1 && rows[0].mismatches == 0 && rows[0].status == "ok")
        #expect(rows[0].highlight?.alignment == 2)
        let swift = try String(contentsOfFile: dir + "/m68k-linux-gnu.swift", encoding: .utf8)
        #expect(swift.contains("`struct io_uring_sqe` (linux/io_uring.h): 64 bytes, alignment 2."))
        #expect(swift.contains("`struct io_uring_cmd` (include/linux/io_uring/cmd.h): 52 bytes, alignment 2."))
        // gcc itself, outside abigen: _Alignof(__u64) is 2 on m68k.
        let probe = dir + "/a.c"
        try "#include <linux/types.h>\n_Static_assert(_Alignof(__u64) == 2, \"gcc\");\n".write(toFile: probe, atomically: true, encoding: .utf8)
        #expect(try runProcess("m68k-linux-gnu-gcc", ["-fsyntax-only", probe]).status == 0)
    }

    @Test("m68k: refused with the reason when gcc cannot correct it (generation, and the matrix with clang only)")
    func m68kRefused() throws {
        let g = try abigen(["--headers", "/usr/m68k-linux-gnu/include", "--target", "m68k-linux-gnu"])
        #expect(g.status == 2)
        #expect(g.stdout.isEmpty)
        #expect(g.stderr.contains("m68k") && g.stderr.contains("gcc") && g.stderr.contains("refuses"))
        #expect(g.stderr.split(separator: "\n").count == 1)
        let (status, rows, _) = try matrixRows(["--kernel-tree", try Repo.kernelTree("6.12"), "--targets", "m68k-linux-gnu",
                                                "--compilers", "clang"])
        #expect(status == 1)
        #expect(rows.count == 1 && rows[0].status == "refused" && rows[0].reason.contains("gcc-m68k-linux-gnu"))
    }
}

@Suite("Targets: the whole uapi on six targets")
struct TargetsUapiTests {
    /// Every header of /usr/<triple>/include/linux, each target's own, on three little- and three big-endian targets.
    @Test("linux/*.h verified with 0 mismatches on x86_64, aarch64, riscv64, s390x, powerpc64 and mips")
    func wholeUapi() throws {
        let targets = ["x86_64-linux-gnu", "aarch64-linux-gnu", "riscv64-linux-gnu", "s390x-linux-gnu", "powerpc64-linux-gnu",
                       "mips-linux-gnu"]
        let (status, rows, stderr) = try matrixRows(["--header", "linux/*.h", "--preset", "none", "--targets",
                                                     targets.joined(separator: ","), "--highlight", "perf_event_attr.bp_type"])
        #expect(status == 0, "\(stderr)")
        #expect(rows.map(\.target) == targets)
        #expect(rows.filter { $0.endianness == "big" }.count == 3)
        for r in rows {
            #expect(r.status == "ok" && r.mismatches == 0 && r.disagreements == 0, "\(r.target): \(r.status) \(r.reason)")
            #expect(r.records > 2000 && r.fields > 10000 && r.constants > 30000, "\(r.target)")
        }
    }
}

@Suite("Targets: abigen matrix output and bad input")
struct TargetsMatrixOutputTests {
    @Test("text, markdown and JSON are the same bytes on every run (probes compile in parallel)")
    func deterministic() throws {
        let tree = try Repo.kernelTree("6.12")
        let targets = "s390x-linux-gnu,mips-linux-gnu,riscv64-linux-gnu,powerpc-linux-gnu"
        for format in ["text", "markdown", "json"] {
            let a = try abigen(["matrix", "--kernel-tree", tree, "--targets", targets, "--format", format, "--jobs", "4"])
            let b = try abigen(["matrix", "--kernel-tree", tree, "--targets", targets, "--format", format, "--jobs", "1"])
            #expect(a.status == 0 && b.status == 0, "\(a.stderr)\(b.stderr)")
            #expect(a.stdout == b.stdout, "\(format)")
        }
        let md = try abigen(["matrix", "--kernel-tree", tree, "--targets", targets, "--format", "markdown"])
        #expect(md.stdout.hasPrefix("| target | endian |"))
        #expect(md.stdout.contains("| s390x-linux-gnu | big |"))
    }

    @Test("an unknown target, an unknown compiler, --jobs 0: one line on stderr, exit 2", arguments: [
        (["--targets", "vax-linux-gnu"], "vax-linux-gnu"), (["--compilers", "icc"], "icc"), (["--jobs", "0"], "--jobs"),
        (["--target", "s390x-linux-gnu"], "--targets"),
        // Lists that would silently check less than they name (an empty matrix passed a CI job).
        (["--targets", ""], "empty entry"), (["--targets", ","], "empty entry"), (["--targets", "all,all"], "stands alone"),
        (["--targets", "s390x-linux-gnu,s390x-linux-gnu"], "named twice"),
        (["--targets", "s390x-linux-gnu", "--compilers", ""], "unknown compiler ''"),
        (["--targets", "s390x-linux-gnu", "--compilers", "gcc,gcc"], "named twice"),
    ])
    func badInput(_ args: [String], _ mention: String) throws {
        let r = try abigen(["matrix"] + args)
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains(mention), "\(r.stderr)")
    }
}

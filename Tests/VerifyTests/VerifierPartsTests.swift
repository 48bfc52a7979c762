@testable import ABIBackends
import ABIModel
import Foundation
import Testing
import TestSupport

/// The verifier's parts one by one: the decoder on hand-built bytes, the diagnostics reader on hand-written compiler
/// output, the process runner on /bin/sh, the probe compiler on the hand-written model.
@Suite("Verifier parts, each alone")
struct VerifierPartsTests {
    static let checks = [
        ProbeCheck(key: CheckKey(.record(0), .size), expression: "sizeof(struct a)"),
        ProbeCheck(key: CheckKey(.field(record: 0, field: 1), .offset), expression: "__builtin_offsetof(struct a, b)"),
        ProbeCheck(key: CheckKey(.constant(3), .value), expression: "(unsigned long long)(K)"),
    ]

    @Test("decoder: words after the magic word and the count go to the checks in order")
    func decoderWords() throws {
        let values = try ProbeDecoder.values(words: [ProbeBuilder.magic, 3, 24, 8, UInt64.max], checks: Self.checks, object: "o.o")
        #expect(values == [CheckKey(.record(0), .size): 24, CheckKey(.field(record: 0, field: 1), .offset): 8,
                           CheckKey(.constant(3), .value): UInt64.max])
    }

    @Test("decoder: a wrong magic word, count or length is an unreadable object",
          arguments: [[ProbeBuilder.magic ^ 1, 3, 1, 2, 3], [ProbeBuilder.magic, 2, 1, 2, 3], [ProbeBuilder.magic, 3, 1, 2], []])
    func decoderRefuses(_ words: [UInt64]) {
        #expect {
            _ = try ProbeDecoder.values(words: words, checks: Self.checks, object: "o.o")
        } throws: { error in
            guard case VerifyError.unreadableObject(let path, let reason) = error else { return false }
            return path == "o.o" && reason.contains("expected the magic word, the count and 3 values")
        }
    }

    @Test("decoder: a bitfield's set bits give its bit offset, width, byte offset and bytes touched")
    func decoderBitfield() {
        let subject = ProbeSubject.field(record: 2, field: 5)
        func decoded(_ bytes: [UInt8], bigEndian: Bool) -> [ABIProperty: UInt64] {
            Dictionary(uniqueKeysWithValues: ProbeDecoder.bitfield(bytes, bigEndian: bigEndian, subject: subject).map {
                #expect($0.key.subject == subject)
                return ($0.key.property, $0.value)
            })
        }
        // Bits 6...10: bits 6 and 7 of byte 0 and bits 0...2 of byte 1, counted from the least significant bit.
        #expect(decoded([0xC0, 0x07, 0x00], bigEndian: false) == [.bitOffset: 6, .bitWidth: 5, .offset: 0, .fieldSize: 2])
        // The same bits counted from the most significant bit of each byte.
        #expect(decoded([0x03, 0xE0, 0x00], bigEndian: true) == [.bitOffset: 6, .bitWidth: 5, .offset: 0, .fieldSize: 2])
        // Bits 17...19.
        #expect(decoded([0, 0, 0x0E, 0], bigEndian: false) == [.bitOffset: 17, .bitWidth: 3, .offset: 2, .fieldSize: 1])
    }

    @Test("decoder: measured numbers replace the snapshot's, unmeasured ones are kept")
    func decoderApply() {
        let s = LayoutsModel.snapshot()
        let r = LayoutsModel.recordIndex(s, "vt_command")
        let f = LayoutsModel.fieldIndex(s, "vt_command", "user_data")
        let measured = ProbeDecoder.apply([CheckKey(.record(r), .size): 48, CheckKey(.field(record: r, field: f), .offset): 40],
                                          to: s)
        #expect(measured.records[r].size == 48 && measured.records[r].fields[f].offset == 40)
        #expect(measured.records[r].alignment == s.records[r].alignment)
        #expect(measured.constants == s.constants)
    }

    @Test("diagnostics: an error on a probe line, or noted at one, names that line's check; others are unattributed")
    func diagnostics() {
        let output = """
            /tmp/p/probe.c:12:5: error: no member named 'nope' in 'struct a'
            inc/a.h:3:17: error: use of undeclared identifier 'GONE'
            /tmp/p/probe.c:14:9: note: expanded from macro 'K'
            In file included from /tmp/p/probe.c:3:
            inc/b.h:9:1: error: unknown type name 'oops'
            """
        let d = CompilerDiagnostics.parse(output)
        #expect(d.map(\.file) == ["/tmp/p/probe.c", "inc/a.h", "/tmp/p/probe.c", "inc/b.h"])
        #expect(d.map(\.line) == [12, 3, 14, 9] && d.map(\.isError) == [true, true, false, true])
        let lineKeys = [12: CheckKey(.field(record: 0, field: 1), .offset), 14: CheckKey(.constant(3), .value)]
        let (keys, all) = CompilerDiagnostics.attribute(d, source: "/tmp/p/probe.c", lineKeys: lineKeys)
        #expect(keys == [CheckKey(.field(record: 0, field: 1), .offset): "does not compile: no member named 'nope' in 'struct a'",
                         CheckKey(.constant(3), .value): "does not compile: use of undeclared identifier 'GONE'"])
        #expect(!all, "the error in b.h belongs to no check")
    }

    @Test("process runner: status, standard output and error collected in the log, the child's cwd and stdin")
    func processRunner() throws {
        let dir = NSTemporaryDirectory() + "abigen-runner-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sh = try #require(ProcessRunner.executablePath("sh"))
        let script = "echo out; echo err >&2; pwd; cat; echo \"$TMPDIR\"; exit 3"
        let logged = try ProcessRunner.run(sh, ["-c", script], log: dir + "/run.log", in: "/")
        #expect(logged.status == 3)
        #expect(logged.output == "out\nerr\n/\n\(dir)\n")
        #expect(try String(contentsOfFile: dir + "/run.log", encoding: .utf8) == logged.output)
        let quiet = try ProcessRunner.run(sh, ["-c", "echo out; echo err >&2"], includeStandardError: false)
        #expect(quiet.status == 0 && quiet.output == "out\n")
        #expect(throws: ProcessRunnerError.self) { try ProcessRunner.run(dir + "/missing", []) }
        #expect(ProcessRunner.executablePath(dir + "/missing") == nil && ProcessRunner.executablePath(sh) == sh)
    }

    @Test("probe compiler: a check that does not compile is left out and named; the rest compiles")
    func probeCompilerRepairs() throws {
        let dir = NSTemporaryDirectory() + "abigen-compiler-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var s = LayoutsModel.snapshot()
        let r = LayoutsModel.recordIndex(s, "vt_command")
        let f = LayoutsModel.fieldIndex(s, "vt_command", "user_data")
        s.records[r].fields[f].name = "no_such_member"
        let options = VerifyOptions(compiler: "clang", target: "x86_64-linux-gnu", includeDirectories: [Paths.fixtures],
                                    extraFlags: ["-ffreestanding"])
        var compiler = try ProbeCompiler(options: options, snapshot: s, directory: dir)
        #expect(compiler.baseArgs.starts(with: ["-w", "-std=gnu11", "-target", "x86_64-linux-gnu"]))
        #expect(compiler.baseArgs.contains("-ferror-limit=0") && compiler.baseArgs.contains("-I" + Paths.fixtures))
        var failed: [CheckKey: String] = [:]
        let units = ProbeBuilder.assignment(s)
        let (probe, object) = try compiler.compile(s, unit: units[0], stem: "probe", precompiled: nil, failed: &failed)
        let subject = ProbeSubject.field(record: r, field: f)
        #expect(failed.keys.allSatisfy { $0.subject == subject } && failed[CheckKey(subject, .offset)] != nil)
        #expect(failed.values.allSatisfy { $0.contains("no_such_member") })
        #expect(!probe.checks.contains { $0.key.subject == subject } && probe.checks.count > 50)
        #expect(FileManager.default.fileExists(atPath: object) && compiler.seconds > 0)
        #expect(compiler.triple(target: nil, machine: nil) != "host", "clang -dumpmachine names a triple")
    }

    @Test("probe builder: comment text never closes the comment or breaks the line; plain names pass unchanged")
    func comments() {
        #expect(ProbeBuilder.comment("struct a.b size") == "struct a.b size")
        #expect(ProbeBuilder.comment("a */ b") == "a * / b" && ProbeBuilder.comment("*/") == "* /")
        #expect(ProbeBuilder.comment("a\nb\r\nc") == "a b c" && ProbeBuilder.comment("x\u{2028}y") == "x y")
        #expect(ProbeBuilder.comment("é */") == "é * /")
    }

    @Test("probe compiler: units spread over the invocations by size, largest first, deterministically")
    func groups() {
        #expect(ProbeCompiler.groups(sizes: [5, 100, 30, 70], count: 2) == [[0, 1], [2, 3]])
        #expect(ProbeCompiler.groups(sizes: [5, 100, 30, 70], count: 1) == [[0, 1, 2, 3]])
        #expect(ProbeCompiler.groups(sizes: [1, 2], count: 3) == [[1], [0]])
        #expect(ProbeCompiler.groups(sizes: [7, 7, 7], count: 2) == [[0, 2], [1]])
        #expect(ProbeCompiler.groups(sizes: [], count: 2) == [] && ProbeCompiler.groups(sizes: [1], count: 0) == [])
    }

    @Test("several translation units compile together, also in a probe directory given as a relative path")
    func relativeProbeDirectory() throws {
        // Relative to the test's working directory (the package, whose .build is scratch space).
        let relative = (FileManager.default.fileExists(atPath: ".build") ? ".build/" : "") + "abigen-units-\(UUID().uuidString)"
        let dir = FileManager.default.currentDirectoryPath + "/" + relative
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var s = LayoutsModel.snapshot()
        s.headerGroups = [["layouts.h"], ["layouts.h"]]
        let options = VerifyOptions(compiler: "clang", target: "x86_64-linux-gnu", includeDirectories: [Paths.fixtures],
                                    extraFlags: ["-ffreestanding"], keepProbe: true, probeDirectory: relative)
        let report = try Verifier.verify(s, options: options)
        #expect(report.mismatches.map(\.description) == [] && report.recordsChecked == 9)
        let logs = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".log") }
        #expect(logs.contains { $0.hasPrefix("probes") })
        for log in logs where log.hasPrefix("probes") {
            #expect(try String(contentsOfFile: dir + "/" + log, encoding: .utf8) == "", "\(log)")
        }
        #expect(!logs.contains("probe1.log") && !logs.contains("probe2.log"), "the units were compiled again one by one")
    }
}

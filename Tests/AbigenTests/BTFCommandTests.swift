import ABIModel
@testable import AbigenCLI
import Foundation
import Testing

/// Every command path that takes BTF (`--btf`, `verify --btf`, `diff`/`check` with a BTF side), on BTF clang makes from a
/// fixture header (always) and on the running kernel's `/sys/kernel/btf/vmlinux` (when it exists).
@Suite struct BTFCommandTests {
    static let vmlinux = "/sys/kernel/btf/vmlinux"
    static var fixtures: String { Repo.root + "/Fixtures/btf" }

    /// A scratch directory with `layout.o` (clang -g -target bpf of Fixtures/btf/layout.h, every record used) and
    /// `ref.json` (the libclang frontend's snapshot of the same header for the same target).
    struct Scratch {
        let dir: String
        var object: String { dir + "/layout.o" }
        var reference: String { dir + "/ref.json" }
    }

    static func scratch() throws -> Scratch {
        let dir = try Repo.tempDirectory()
        let s = Scratch(dir: dir)
        let ref = try runAbigen(["--headers", fixtures, "--header", "layout.h", "--preset", "none", "--target", "bpf",
                                 "--format", "json", "-o", s.reference])
        try #require(ref.status == 0, "libclang snapshot: \(ref.stderr)")
        let snapshot = try ABISnapshot.load(from: s.reference)
        var source = "#include \"layout.h\"\n"
        for (i, r) in snapshot.records.enumerated() { source += "\(r.cName) use\(i);\n" }
        try source.write(toFile: dir + "/use.c", atomically: true, encoding: .utf8)
        let cc = try runProcess("/usr/bin/env", ["clang", "-g", "-target", "bpf", "-c", "-I", fixtures, dir + "/use.c", "-o", s.object])
        try #require(cc.status == 0, "clang -target bpf: \(cc.stderr)")
        return s
    }

    /// The one-line, exit-2 contract for bad input; `path` must be named.
    static func expectBadInput(_ r: ProcessResult, naming path: String, _ what: String) {
        #expect(r.status == 2, "\(what): status \(r.status), stderr \(r.stderr)")
        #expect(r.stdout.isEmpty, "\(what): nothing on standard output")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(what): one line, got \(r.stderr)")
        #expect(r.stderr.contains(path), "\(what): names \(path): \(r.stderr)")
    }

    // MARK: BTF made by clang from a fixture (always runs)

    @Test("generate --btf: every format from a clang -target bpf object; --record selects; the output says BTF has no macros")
    func generateFromObject() throws {
        let s = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        for format in ["swift", "json", "markdown", "svg"] {
            let r = try runAbigen(["--btf", s.object, "--preset", "none", "--format", format])
            #expect(r.status == 0, "\(format): \(r.stderr)")
            #expect(r.stdout.contains("btf_flex"), "\(format) shows btf_flex")
        }
        let swift = try runAbigen(["--btf", s.object, "--preset", "none"])
        #expect(swift.stdout.contains("BTF describes types only"), "the Swift output says there are no macros")
        let json = try runAbigen(["--btf", s.object, "--preset", "none", "--format", "json", "--record", "btf_p*"])
        let snapshot = try ABISnapshot.decode(Data(json.stdout.utf8), path: "stdout")
        #expect(snapshot.records.map(\.name) == ["btf_packed", "btf_packed_tail"])
        #expect(snapshot.records.allSatisfy { $0.alignmentInferred == true }, "BTF alignment is marked inferred")
        #expect(json.stdout.contains("\"alignmentInferred\" : true"))
        // The libclang frontend's snapshot of the same header agrees on every offset and size (BTF knows no alignment).
        let reference = try ABISnapshot.load(from: s.reference)
        for r in snapshot.records {
            let l = try #require(reference.records.first { $0.name == r.name })
            #expect(r.size == l.size, "\(r.name) size")
            #expect(r.fields.map { "\($0.name)@\($0.offset)+\($0.size)" } == l.fields.map { "\($0.name)@\($0.offset)+\($0.size)" })
            #expect(l.alignmentInferred == nil, "the libclang frontend's alignment is not inferred")
        }
    }

    @Test("verify --btf, diff and check with a BTF side: the libclang snapshot agrees (exit 0); a moved member is breaking (exit 1)")
    func oracleFromObject() throws {
        let s = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        let verify = try runAbigen(["verify", "--snapshot", s.reference, "--btf", s.object, "--preset", "none"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("0 breaking"), "\(verify.stdout)")
        #expect(verify.stdout.contains("inferred"), "the report says BTF alignment is inferred")
        let diff = try runAbigen(["diff", s.reference, s.object, "--preset", "none"])
        #expect(diff.status == 0, "\(diff.stdout)\(diff.stderr)")
        let reverse = try runAbigen(["diff", s.object, s.reference, "--preset", "none"])
        #expect(reverse.status == 0, "BTF as the old side: \(reverse.stdout)\(reverse.stderr)")
        let check = try runAbigen(["check", "--baseline", s.reference, "--btf", s.object, "--preset", "none"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        // A symbolic link to a BTF file is read as the file (stat follows it), in --btf and in diff's detection.
        let link = s.dir + "/link.o"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: s.object)
        let viaLink = try runAbigen(["diff", s.reference, link, "--preset", "none"])
        #expect(viaLink.status == 0 && viaLink.stdout.contains("0 breaking"), "\(viaLink.stdout)\(viaLink.stderr)")
        #expect(try runAbigen(["--btf", link, "--preset", "none", "--format", "json"]).status == 0)
        let both = try runAbigen(["diff", s.object, s.object, "--preset", "none"])
        #expect(both.status == 0 && both.stdout.contains("0 breaking, 0 compatible"), "\(both.stdout)")

        // The crafted snapshot: btf_flex.items moved by 8 bytes.
        var moved = try ABISnapshot.load(from: s.reference)
        let r = try #require(moved.records.firstIndex { $0.name == "btf_flex" })
        let f = try #require(moved.records[r].fields.firstIndex { $0.name == "items" })
        moved.records[r].fields[f].offset += 8
        moved.records[r].size += 8
        let movedPath = s.dir + "/moved.json"
        try moved.jsonData().write(to: URL(fileURLWithPath: movedPath))
        let bad = try runAbigen(["verify", "--snapshot", movedPath, "--btf", s.object, "--preset", "none"])
        #expect(bad.status == 1, "\(bad.stdout)\(bad.stderr)")
        #expect(bad.stdout.contains("struct btf_flex.items: field-moved"), "\(bad.stdout)")
        let badCheck = try runAbigen(["check", "--baseline", movedPath, "--btf", s.object, "--preset", "none"])
        #expect(badCheck.status == 1, "\(badCheck.stdout)\(badCheck.stderr)")
    }

    @Test("an inferred alignment that differs is a note, never breaking")
    func inferredAlignmentIsANote() throws {
        let s = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        var changed = try ABISnapshot.load(from: s.reference)
        let r = try #require(changed.records.firstIndex { $0.name == "btf_flex" })
        changed.records[r].alignment = 4   // 8 in fact
        let path = s.dir + "/aligned.json"
        try changed.jsonData().write(to: URL(fileURLWithPath: path))
        let check = try runAbigen(["check", "--baseline", path, "--btf", s.object, "--preset", "none"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("record-alignment-inferred-changed"), "\(check.stdout)")
        // Between two header snapshots (no inference) the same change stays breaking.
        let headers = try runAbigen(["diff", path, s.reference])
        #expect(headers.status == 1 && headers.stdout.contains("record-alignment-changed"), "\(headers.stdout)")
    }

    @Test("bad BTF to every command: truncated, wrong magic, a JSON file, a directory, /dev/zero, an ELF without .BTF: one line, exit 2, no output file")
    func badInput() throws {
        let s = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        let object = try Data(contentsOf: URL(fileURLWithPath: s.object))
        let elf = [UInt8](object)
        // The raw blob inside the object, cut short: a 0x9FEB magic whose sections run past the end.
        var truncatedRaw: [UInt8] = [0x9f, 0xeb, 0x01, 0x00, 0x18, 0x00, 0x00, 0x00]
        truncatedRaw += [UInt8](repeating: 0, count: 8) + [0x00, 0x10, 0x00, 0x00] + [UInt8](repeating: 0, count: 8)
        let cases: [(String, [UInt8]?)] = [
            ("truncated-elf.o", Array(elf.prefix(elf.count / 2))),
            ("truncated-raw.btf", truncatedRaw),
            ("wrong-version.btf", [0x9f, 0xeb, 0x07, 0x00] + [UInt8](repeating: 0, count: 20)),
            ("snapshot.json", [UInt8](try Data(contentsOf: URL(fileURLWithPath: s.reference)))),
            ("empty.btf", []),
        ]
        var paths: [String] = []
        for (name, bytes) in cases {
            let p = s.dir + "/" + name
            try Data(bytes ?? []).write(to: URL(fileURLWithPath: p))
            paths.append(p)
        }
        try FileManager.default.createDirectory(atPath: s.dir + "/adir", withIntermediateDirectories: true)
        paths += [s.dir + "/adir", "/dev/zero", "/bin/sh"]
        for p in paths {
            let out = s.dir + "/out.swift"
            Self.expectBadInput(try runAbigen(["--btf", p, "-o", out]), naming: p, "generate --btf \(p)")
            #expect(!FileManager.default.fileExists(atPath: out), "no output file for \(p)")
            Self.expectBadInput(try runAbigen(["verify", "--snapshot", s.reference, "--btf", p]), naming: p, "verify --btf \(p)")
            Self.expectBadInput(try runAbigen(["check", "--baseline", s.reference, "--btf", p]), naming: p, "check --btf \(p)")
        }
        // diff and check detect BTF by magic: a damaged BTF side is bad input too.
        for p in [s.dir + "/truncated-elf.o", s.dir + "/truncated-raw.btf", s.dir + "/wrong-version.btf"] {
            Self.expectBadInput(try runAbigen(["diff", s.reference, p]), naming: p, "diff NEW=\(p)")
            Self.expectBadInput(try runAbigen(["diff", p, s.reference]), naming: p, "diff OLD=\(p)")
            Self.expectBadInput(try runAbigen(["check", "--baseline", p, "--btf", s.object]), naming: p, "check --baseline \(p)")
        }
        let huge = String(repeating: "*", count: 100_000)
        let r = try runAbigen(["--btf", s.object, "--record", huge])
        #expect(r.status == 2 && r.stderr.split(separator: "\n").count == 1, "a 100,000-byte glob: \(r.stderr.prefix(200))")
    }

    // MARK: The running kernel (when /sys/kernel/btf/vmlinux exists)

    static func runningKernel(_ test: String) -> Bool {
        if FileManager.default.isReadableFile(atPath: vmlinux) { return true }
        print("BTFCommandTests.\(test): \(vmlinux) is absent: skipped (the fixture-object tests still run)")
        return false
    }

    @Test("abigen --btf vmlinux --record io_uring_cmd: no kernel tree, no bundled header; pahole reads the same offsets")
    func ioUringCmdFromKernel() throws {
        guard Self.runningKernel("ioUringCmdFromKernel") else { return }
        let r = try runAbigen(["--btf", Self.vmlinux, "--record", "io_uring_cmd", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let s = try ABISnapshot.decode(Data(r.stdout.utf8), path: "stdout")
        let cmd = try #require(s.records.first { $0.name == "io_uring_cmd" })
        #expect(s.records.count == 1)
        let pahole = try runProcess("/usr/bin/env", ["pahole", "-C", "io_uring_cmd", Self.vmlinux])
        guard pahole.status == 0 else { print("pahole unavailable: \(pahole.stderr)"); return }
        // pahole prints `type name; /* offset size */` per member.
        var seen = 0
        for line in pahole.stdout.split(separator: "\n") {
            let parts = line.split(separator: "/*")
            guard parts.count == 2, let semi = parts[0].lastIndex(of: ";") else { continue }
            let decl = parts[0][..<semi].split(separator: " ").last.map { String($0.drop { $0 == "*" }) } ?? ""
            let name = decl.split(separator: "[").first.map(String.init) ?? decl
            let numbers = parts[1].split(separator: " ").compactMap { Int($0) }
            guard numbers.count >= 2, let f = cmd.field(named: name) else { continue }
            #expect(f.offset == numbers[0] && f.size == numbers[1], "\(name): abigen \(f.offset)+\(f.size), pahole \(numbers[0])+\(numbers[1])")
            seen += 1
        }
        #expect(seen == cmd.fields.count, "pahole listed every member: \(pahole.stdout)")
        // The io_uring preset takes it from the running kernel with --kernel-tree running.
        let running = try runAbigen(["--headers", "/usr/include", "--kernel-tree", "running", "--format", "json"])
        #expect(running.status == 0, "\(running.stderr)")
        let merged = try ABISnapshot.decode(Data(running.stdout.utf8), path: "stdout")
        #expect(merged.records.first { $0.name == "io_uring_cmd" }?.header == "vmlinux")
        #expect(merged.records.first { $0.name == "io_uring_sqe" }?.header == "linux/io_uring.h")
        // verify cannot compile a record read from BTF: one line pointing at verify --btf, exit 2.
        let verify = try runAbigen(["verify", "--headers", "/usr/include", "--kernel-tree", "running"])
        #expect(verify.status == 2 && verify.stderr.contains("--btf") && verify.stderr.split(separator: "\n").count == 1, "\(verify.stderr)")
    }

    @Test("verify --btf vmlinux: 6.1 headers against the running kernel pass with IORING_OP_LAST a moved sentinel; user_data moved is breaking")
    func verifyAgainstKernel() throws {
        guard Self.runningKernel("verifyAgainstKernel") else { return }
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try runAbigen(["verify", "--headers", "/usr/include", "--btf", Self.vmlinux])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("IORING_OP_LAST: sentinel-moved"), "\(r.stdout)")
        #expect(r.stdout.contains("BTF has no macros"), "\(r.stdout)")
        #expect(!r.stdout.contains("record-alignment-changed"), "an inferred alignment is never a hard fact")
        let base = dir + "/base.json"
        #expect(try runAbigen(["--headers", "/usr/include", "--format", "json", "-o", base]).status == 0)
        var moved = try ABISnapshot.load(from: base)
        let i = try #require(moved.records.firstIndex { $0.name == "io_uring_sqe" })
        let f = try #require(moved.records[i].fields.firstIndex { $0.name == "user_data" })
        moved.records[i].fields[f].offset = 40
        let movedPath = dir + "/moved.json"
        try moved.jsonData().write(to: URL(fileURLWithPath: movedPath))
        let bad = try runAbigen(["verify", "--snapshot", movedPath, "--btf", Self.vmlinux])
        #expect(bad.status == 1, "\(bad.stdout)\(bad.stderr)")
        #expect(bad.stdout.contains("struct io_uring_sqe.user_data: field-moved: offset 40 → offset 32"), "\(bad.stdout)")
        // The deployment-host check and diff with the kernel as the new side.
        let check = try runAbigen(["check", "--baseline", base, "--btf", Self.vmlinux])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let diff = try runAbigen(["diff", base, Self.vmlinux])
        #expect(diff.status == 0, "\(diff.stdout)\(diff.stderr)")
        let badCheck = try runAbigen(["check", "--baseline", movedPath, "--btf", Self.vmlinux])
        #expect(badCheck.status == 1, "\(badCheck.stdout)\(badCheck.stderr)")
    }

    // MARK: A BTF side known by its recorded source; targets; options BTF cannot use

    /// Writes `extra.h` (a macro and a record the object's BTF lacks) and the headers' snapshot of layout.h and
    /// extra.h for bpf, returning its path.
    static func headersWithExtras(_ s: Scratch) throws -> String {
        try "#define BTF_EXTRA_MACRO 7\nstruct btf_not_in_object { int x; };\n".write(toFile: s.dir + "/extra.h", atomically: true, encoding: .utf8)
        let path = s.dir + "/headers.json"
        let r = try runAbigen(["--headers", fixtures, "--headers", s.dir, "--header", "layout.h", "--header", "extra.h", "--preset", "none",
                               "--target", "bpf", "--format", "json", "-o", path])
        try #require(r.status == 0, "headers snapshot: \(r.stderr)")
        return path
    }

    /// True once ABIModel's JSON carries `source` (the lead's plumbing): a snapshot written and read back keeps it.
    static var jsonKeepsSource: Bool {
        var s = ABISnapshot(target: "bpf", headers: ["x.h"], includeDirectories: [], records: [], constants: [], skippedMacros: [], unsupported: [])
        s.source = .btf(BTFSource(path: "k.btf"))
        guard let data = try? s.jsonData(), let back = try? ABISnapshot.decode(data, path: "x.json") else { return false }
        return back.source?.btf != nil
    }

    @Test("a BTF snapshot is a BTF side by its recorded source: missing macros and records are not removals")
    func btfSideBySource() throws {
        let s = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        let headers = try ABISnapshot.load(from: try Self.headersWithExtras(s))
        #expect(headers.constants.contains { $0.name == "BTF_EXTRA_MACRO" } && headers.record(named: "btf_not_in_object") != nil)
        let btf = try BTFInput.snapshot(s.object, options: try HeaderOptions.parse(["--preset", "none", "--btf", s.object]))
        #expect(btf.source == .btf(BTFSource(path: s.object, selection: .init(records: [], constantPrefixes: nil))),
                "the frontend records the path as given, and the selection (--preset none: every record and enumerator)")
        // Neither flag says BTF (as for a snapshot saved as JSON): the source does.
        let sides = BTFInput.comparable(old: headers, oldIsBTF: false, new: btf, newIsBTF: false)
        #expect(sides.old.record(named: "btf_not_in_object") == nil, "a record the BTF lacks is not compared")
        #expect(!sides.old.constants.contains { $0.name == "BTF_EXTRA_MACRO" }, "a macro is not compared")
        #expect(sides.notes.contains { $0.hasPrefix("BTF has no macros: 1 macro constant") }, "\(sides.notes)")
        #expect(sides.notes.contains { $0.contains("not described by the BTF") && $0.contains("btf_not_in_object") }, "\(sides.notes)")
        let reverse = BTFInput.comparable(old: btf, oldIsBTF: false, new: headers, newIsBTF: false)
        #expect(reverse.new.record(named: "btf_not_in_object") == nil && !reverse.notes.isEmpty)
        // Two header snapshots stay as they are.
        #expect(BTFInput.comparable(old: headers, oldIsBTF: false, new: headers, newIsBTF: false).notes.isEmpty)
    }

    @Test("diff and check with a BTF snapshot saved as JSON: the BTF rules still apply (needs ABIModel's JSON to carry source)",
          .enabled(if: BTFCommandTests.jsonKeepsSource))
    func btfSnapshotSavedAsJSON() throws {
        let s = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        let headers = try Self.headersWithExtras(s)
        let saved = s.dir + "/btf.json"
        #expect(try runAbigen(["--btf", s.object, "--preset", "none", "--format", "json", "-o", saved]).status == 0)
        let diff = try runAbigen(["diff", headers, saved, "--preset", "none"])
        #expect(diff.status == 0, "a macro and a record the BTF lacks are not removals: \(diff.stdout)\(diff.stderr)")
        #expect(diff.stdout.contains("BTF has no macros"), "\(diff.stdout)")
        let check = try runAbigen(["check", "--baseline", headers, "--btf", s.object, "--preset", "none"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    @Test("--target whose byte order contradicts the BTF (or m68k on a little-endian BTF): one line naming the file, exit 2")
    func targetByteOrder() throws {
        let s = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        for target in ["powerpc64-linux-gnu", "s390x-linux-gnu", "m68k-linux-gnu"] {
            let r = try runAbigen(["--btf", s.object, "--preset", "none", "--target", target])
            Self.expectBadInput(r, naming: s.object, "--target \(target)")
            #expect(r.stderr.contains("target \(target) is big-endian, but this BTF is little-endian"), "\(r.stderr)")
        }
        #expect(try runAbigen(["--btf", s.object, "--preset", "none", "--target", "bpf"]).status == 0)
    }

    @Test("verify --snapshot naming a BTF file: compared with --btf as the kernel; refused (one line) for a compiler")
    func verifySnapshotIsBTF() throws {
        let s = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        let r = try runAbigen(["verify", "--snapshot", s.object, "--btf", s.object, "--preset", "none"])
        #expect(r.status == 0 && r.stdout.contains("0 breaking"), "\(r.stdout)\(r.stderr)")
        let verify = try Verify.parse(["--snapshot", s.object, "--preset", "none"])
        #expect {
            _ = try verify.probeableSnapshot(s.object)
        } throws: { e in
            let m = (e as? ToolError)?.message ?? ""
            return m.contains("\(s.object) is BTF, not a JSON snapshot") && m.contains("--btf") && !m.contains("\n")
        }
        #expect(try verify.probeableSnapshot(s.reference).records.isEmpty == false, "a header snapshot is read as before")
    }

    @Test("--btf with header options, --btf twice, matrix with --btf or --kernel-tree running: refused on one line")
    func refusals() throws {
        func message(_ body: () throws -> Void) -> String? {
            do { try body(); return nil } catch let e as ToolError { return e.message } catch { return "\(error)" }
        }
        let headerOnly = try HeaderOptions.parse(["--btf", "k.btf", "--headers", "/usr/include", "--clang-arg=-DX", "--include", "a.h",
                                                  "--header", "b.h", "--kernel-tree", "/k"])
        let m = try #require(message { try BTFInput.refuseHeaderOptions(headerOnly, command: "check") })
        #expect(m == "abigen: check: --btf k.btf reads the ABI from BTF instead of headers: --headers, --header, --include, --clang-arg, --kernel-tree cannot be used with it")
        #expect(message { try BTFInput.refuseHeaderOptions(try HeaderOptions.parse(["--btf", "k.btf", "--record", "x*", "--target", "bpf"])) } == nil)
        #expect(message { try BTFInput.refuseHeaderOptions(try HeaderOptions.parse(["--headers", "/usr/include"])) } == nil)
        #expect(message { try BTFInput.refuseRepeated(["a.btf", "b.btf"]) } == "abigen: --btf given 2 times (a.btf, b.btf): one BTF file is read; give it once")
        #expect(message { try BTFInput.refuseRepeated(["a.btf"]) } == nil)
        let matrixBTF = try #require(message { try BTFInput.refuseInMatrix(try HeaderOptions.parse(["--btf", "k.btf"])) })
        #expect(matrixBTF.hasPrefix("abigen: matrix: --btf k.btf") && !matrixBTF.contains("\n"))
        let running = try #require(message { try BTFInput.refuseInMatrix(try HeaderOptions.parse(["--kernel-tree", "running"])) })
        #expect(running.hasPrefix("abigen: matrix: --kernel-tree running") && !running.contains("\n"))
        #expect(message { try BTFInput.refuseInMatrix(try HeaderOptions.parse(["--headers", "/usr/include"])) } == nil)
    }
}

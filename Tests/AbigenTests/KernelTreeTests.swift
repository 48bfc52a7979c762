import ABIModel
import AbigenCLI
import Foundation
import Testing

/// A compile-only C oracle for any target: `_Static_assert` on every size, alignment, offset and
/// constant the snapshot states, compiled by `clang -target TRIPLE -fsyntax-only`. Each failing
/// assertion names what it checked, so a wrong number cannot pass silently.
enum StaticAssertProbe {
    static func source(_ s: ABISnapshot, unit: [String]? = nil, compilerMacros: Set<String> = []) -> String {
        let unit = unit ?? s.allHeaders
        let own = Set(unit)
        // Plain C, independent of the verifier's probe and of abigen's macro list: a member whose name a header
        // also defines as a macro (phonet.h) is reached after `#undef`-ing the names the compiler itself reports
        // (`clang -E -dM` of the same includes).
        var c = unit.map { "#include <\($0)>" }.joined(separator: "\n") + "\n#include <stddef.h>\n"
        var undefined: Set<String> = []
        for r in s.records where own.contains(r.header) {
            for f in r.fields {
                for part in f.name.split(separator: ".").map(String.init) where compilerMacros.contains(part) && undefined.insert(part).inserted {
                    c += "#undef \(part)\n"
                }
            }
        }
        var n = 0
        func check(_ expr: String, _ what: String) {
            n += 1
            c += "_Static_assert(\(expr), \"\(what)\");\n"
        }
        for r in s.records where own.contains(r.header) {
            check("sizeof(\(r.cName)) == \(r.size)", "\(r.name) size \(r.size)")
            check("_Alignof(\(r.cName)) == \(r.alignment)", "\(r.name) alignment \(r.alignment)")
            for f in r.fields where f.bitWidth == nil {
                check("offsetof(\(r.cName), \(f.name)) == \(f.offset)", "\(r.name).\(f.name) offset \(f.offset)")
                if f.type.flexibleArray != true {
                    check("sizeof(((\(r.cName) *)0)->\(f.name)) == \(f.size)", "\(r.name).\(f.name) size \(f.size)")
                }
            }
        }
        for k in s.constants where own.contains(k.header) {
            let literal = k.signed ? "(\(k.value)LL)" : "\(k.value)ULL"
            check("(\(k.name)) == \(literal)", "\(k.name) = \(k.value)")
            check("sizeof(\(k.name)) == \(k.size)", "\(k.name) size \(k.size)")
        }
        return c
    }

    /// Compiles the probe; returns the failed assertions' messages (empty when all hold).
    static func failures(_ s: ABISnapshot, target: String?, includeDirectories: [String]) throws -> [String] {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var files: [String] = []
        var args = ["-fsyntax-only", "-std=gnu11", "-ferror-limit=0", "-w"]
        if let target { args += ["-target", target] }
        for (i, unit) in s.translationUnits.enumerated() {
            // The compiler's own macro list for these includes.
            let includes = dir + "/macros\(i).c"
            try (unit.map { "#include <\($0)>\n" }.joined()).write(toFile: includes, atomically: true, encoding: .utf8)
            var dumpArgs = ["-E", "-dM", "-std=gnu11", "-w"]
            if let target { dumpArgs += ["-target", target] }
            let dump = try runProcess("clang", dumpArgs + includeDirectories.flatMap { ["-I", $0] } + [includes])
            let macros = Set(dump.stdout.split(separator: "\n").compactMap { line -> String? in
                let words = line.split(separator: " ", maxSplits: 2)
                guard words.count >= 2, words[0] == "#define" else { return nil }
                return String(words[1].prefix { $0 != "(" })
            })
            try source(s, unit: unit, compilerMacros: macros).write(toFile: dir + "/probe\(i).c", atomically: true, encoding: .utf8)
            files.append(dir + "/probe\(i).c")
        }
        let r = try runProcess("clang", args + includeDirectories.flatMap { ["-I", $0] } + files)
        let failed = r.stderr.split(separator: "\n").filter { $0.contains("static assertion failed") || $0.contains("static_assert failed") }.map(String.init)
        if r.status != 0 && failed.isEmpty {
            // Quote the offending probe lines so the failure says what was checked.
            var quoted = ""
            for line in r.stderr.split(separator: "\n") where line.contains(": error:") {
                let parts = line.split(separator: ":")
                if parts.count > 2, let n = Int(parts[1]), let text = try? String(contentsOfFile: String(parts[0]), encoding: .utf8) {
                    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                    if n - 1 < lines.count { quoted += "\n  \(line)\n    \(lines[n - 1])" }
                }
            }
            throw TestSetupError("probe did not compile:\(quoted.prefix(3000))")
        }
        return failed
    }
}

@Suite("Kernel-internal io_uring_cmd (cmd.h) from real kernel trees")
struct KernelTreeTests {
    func snapshot(_ args: [String]) throws -> ABISnapshot { try HeaderOptions.parse(args).snapshot() }

    @Test("the built-in io_uring_cmd declaration equals the 6.12 tree's cmd.h")
    func builtinMatches612() throws {
        let tree = try Repo.kernelTree("6.12")
        let real = try #require(try snapshot(["--headers", "/usr/include", "--kernel-tree", tree]).record(named: "io_uring_cmd"))
        let builtin = try #require(try snapshot(["--headers", "/usr/include"]).record(named: "io_uring_cmd"))
        #expect(real.header == "include/linux/io_uring/cmd.h")
        #expect(builtin.header == "abigen/io_uring_cmd.h")
        #expect(builtin.size == real.size && builtin.alignment == real.alignment)
        // Same names, offsets, sizes and canonical types; only typedef spellings differ (`__u32` here, `u32` in the kernel).
        func canonical(_ fields: [Field]) -> [Field] { fields.map { var f = $0; f.type.spelling = f.type.canonical; return f } }
        #expect(canonical(builtin.fields) == canonical(real.fields), "Headers/abigen/io_uring_cmd.h drifted from Linux 6.12's cmd.h")
        let pdu = try #require(real.field(named: "pdu"))
        #expect(pdu.size == 32 && pdu.type.arrayDimensions == [32])
    }

    @Test("both Debian kernel trees parse; io_uring_cmd.pdu is 32 bytes at the same offset", arguments: ["6.1", "6.12"])
    func treesParse(_ version: String) throws {
        let tree = try Repo.kernelTree(version)
        let s = try snapshot(["--headers", "/usr/include", "--kernel-tree", tree])
        let cmd = try #require(s.record(named: "io_uring_cmd"))
        #expect(cmd.field(named: "pdu")?.size == 32)
        #expect(cmd.field(named: "cmd_op") != nil && cmd.field(named: "flags") != nil)
        // The C compiler agrees with every number of the tree's snapshot (cmd.h and the uapi header).
        let dirs = [Repo.root + "/Headers/kernel", tree + "/include/uapi", tree, "/usr/include"]
        #expect(try StaticAssertProbe.failures(s, target: nil, includeDirectories: dirs) == [])
    }

    @Test("--target: io_uring_cmd and the SQE on 32- and 64-bit targets, proven by clang -target",
          arguments: [("i686-linux-gnu", "/usr/i686-linux-gnu/include"), ("x86_64-linux-gnu", "/usr/include"),
                       ("aarch64-linux-gnu", "/usr/aarch64-linux-gnu/include"), ("arm-linux-gnueabihf", "/usr/arm-linux-gnueabihf/include")])
    func targets(_ target: String, _ headers: String) throws {
        let tree = try Repo.kernelTree("6.12")
        let s = try snapshot(["--headers", headers, "--kernel-tree", tree, "--target", target])
        let cmd = try #require(s.record(named: "io_uring_cmd"))
        let sqe = try #require(s.record(named: "io_uring_sqe"))
        let pointer = target.hasPrefix("i686") || target.hasPrefix("arm-") ? 4 : 8
        // Three pointers, then cmd_op and flags, then pdu: the layout follows the pointer size.
        #expect(cmd.field(named: "pdu")?.offset == 3 * pointer + 8)
        #expect(cmd.size == 3 * pointer + 8 + 32)
        #expect(sqe.size == 64)
        #expect(sqe.alignment == (target.hasPrefix("i686") ? 4 : 8), "the SQE is aligned to 4 on i686 only")
        let dirs = [Repo.root + "/Headers/kernel", tree + "/include/uapi", tree, headers]
        #expect(try StaticAssertProbe.failures(s, target: target, includeDirectories: dirs) == [])
    }

    @Test("the static-assert oracle catches a wrong number")
    func oracleCatchesLies() throws {
        var s = try snapshot(["--headers", "/usr/include"])
        let i = try #require(s.records.firstIndex { $0.name == "io_uring_cmd" })
        let j = try #require(s.records[i].fields.firstIndex { $0.name == "pdu" })
        s.records[i].fields[j].offset += 8
        let failures = try StaticAssertProbe.failures(s, target: nil, includeDirectories: ["/usr/include", Repo.root + "/Headers"])
        #expect(failures.count == 1 && failures[0].contains("io_uring_cmd.pdu offset 40"))
    }

    @Test("--kernel-tree without cmd.h or io_uring.h names the paths it looked at")
    func badTree() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var r = try abigen(["--headers", "/usr/include", "--kernel-tree", dir])
        #expect(r.status == 2 && r.stderr.contains(dir + "/include/uapi/linux/io_uring.h"))
        try FileManager.default.createDirectory(atPath: dir + "/include/uapi/linux", withIntermediateDirectories: true)
        try "/* empty */\n".write(toFile: dir + "/include/uapi/linux/io_uring.h", atomically: true, encoding: .utf8)
        r = try abigen(["--headers", "/usr/include", "--kernel-tree", dir])
        #expect(r.status == 2)
        #expect(r.stderr.contains(dir + "/include/linux/io_uring/cmd.h") && r.stderr.contains(dir + "/include/linux/io_uring.h"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
    }
}

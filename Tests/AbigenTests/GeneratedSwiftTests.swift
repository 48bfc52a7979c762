import ABIBackends
import AbigenCLI
import ABIModel
import Foundation
import Testing

/// Oracle 3: the generated Swift itself, compiled, checked byte for byte against a C program.
///
/// For every record the Swift program prints `MemoryLayout` size and alignment; for every field it
/// writes all-ones through the generated setter into a zeroed value, reports which bytes (bits, for
/// bitfields) changed, and reads the value back through the getter. A C program built by the
/// system compiler prints `sizeof`, `_Alignof`, `offsetof` and `sizeof` of each member (and, for
/// bitfields, which bits `.field = -1` sets). The two outputs must agree line for line.
enum CrossCheck {
    /// Lines the C side prints.
    static func cProgram(_ s: ABISnapshot, includes: [String]) -> String {
        var c = includes.map { "#include <\($0)>" }.joined(separator: "\n")
        c += "\n#include <stdio.h>\n#include <stddef.h>\n#include <string.h>\nint main(void) {\n"
        for r in s.records {
            c += "  printf(\"record \(r.name) %zu %zu\\n\", sizeof(\(r.cName)), _Alignof(\(r.cName)));\n"
            for f in r.fields where testable(f) {
                if let w = f.bitWidth {
                    c += "  { \(r.cName) v; memset(&v, 0, sizeof v); v.\(f.name) = -1; unsigned char *b = (unsigned char *)&v; int lo = -1, hi = -1;\n"
                    c += "    for (size_t i = 0; i < sizeof v * 8; i++) if (b[i / 8] & (1u << (i % 8))) { if (lo < 0) lo = (int)i; hi = (int)i; }\n"
                    c += "    printf(\"bits \(r.name).\(f.name) %d %d\\n\", lo, hi - lo + 1); (void)\(w); }\n"
                } else {
                    c += "  printf(\"field \(r.name).\(f.name) %zu %zu\\n\", offsetof(\(r.cName), \(f.name)), sizeof(((\(r.cName) *)0)->\(f.name)));\n"
                }
            }
        }
        return c + "  return 0;\n}\n"
    }

    /// Lines the Swift side prints, through the generated API only.
    static func swiftProgram(_ s: ABISnapshot) -> String {
        var out = """
        func ones<T: BitwiseCopyable>(_: T.Type) -> T {
            withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { p in
                UnsafeMutableRawPointer(p.baseAddress!).initializeMemory(as: UInt8.self, repeating: 0xFF, count: MemoryLayout<T>.size)
                return p[0]
            }
        }
        func bytes<T>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v) { Array($0) } }
        func report<R: ABILayout>(_ label: String, _ v: R, field: Int) {
            let b = bytes(v.storage)
            let lo = b.firstIndex { $0 != 0 } ?? -1, hi = b.lastIndex { $0 != 0 } ?? -2
            print("field \\(label) \\(lo) \\(hi - lo + 1)")
        }
        func reportBits<R: ABILayout>(_ label: String, _ v: R) {
            let b = bytes(v.storage)
            var lo = -1, hi = -1
            for i in 0..<(b.count * 8) where b[i / 8] & (1 << UInt8(i % 8)) != 0 { if lo < 0 { lo = i }; hi = i }
            print("bits \\(label) \\(lo) \\(hi - lo + 1)")
        }

        """
        for r in s.records {
            let ids = SwiftEmitter.identifiers(for: r)
            if r.size == 0 && r.alignment > 1 {
                // A namespace (no Swift value has this layout): its static members state the layout.
                out += "print(\"record \(r.name) \\(\(r.name).size) \\(\(r.name).alignment)\")\n"
                continue
            }
            out += "print(\"record \(r.name) \\(MemoryLayout<\(r.name)>.size) \\(MemoryLayout<\(r.name)>.alignment)\")\n"
            for f in r.fields where testable(f) {
                let id = ids[f.name]!
                if let w = f.bitWidth {
                    let expected = f.type.signed == true ? "-1" : "\((UInt64(1) << UInt64(w)) - 1)"
                    out += "do { var v = \(r.name)(); v.\(id) = ~0; reportBits(\"\(r.name).\(f.name)\", v); precondition(v.\(id) == \(expected), \"read-back \(r.name).\(f.name)\") }\n"
                } else {
                    out += "do { var v = \(r.name)(); let o = ones(type(of: v.\(id))); v.\(id) = o; report(\"\(r.name).\(f.name)\", v, field: 0); precondition(bytes(v.\(id)) == bytes(o), \"read-back \(r.name).\(f.name)\") }\n"
                }
            }
        }
        return out
    }

    /// Fields that have an accessor to exercise.
    static func testable(_ f: Field) -> Bool { !f.type.isVariableTail && f.size > 0 }

    /// Compiles and runs both programs; returns (C lines, Swift lines).
    static func run(_ s: ABISnapshot, includes: [String], includeDirectories: [String]) throws -> (c: [String], swift: [String]) {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try cProgram(s, includes: includes).write(toFile: dir + "/probe.c", atomically: true, encoding: .utf8)
        let cc = try runProcess("cc", ["-std=gnu11", "-w", "-o", dir + "/probe", dir + "/probe.c"] + includeDirectories.flatMap { ["-I", $0] })
        guard cc.status == 0 else { throw TestSetupError("C probe did not compile: \(cc.stderr)") }
        let cOut = try runProcess(dir + "/probe", [])
        try SwiftEmitter.emit(s).write(toFile: dir + "/Generated.swift", atomically: true, encoding: .utf8)
        try swiftProgram(s).write(toFile: dir + "/main.swift", atomically: true, encoding: .utf8)
        let sc = try runProcess("swiftc", ["-swift-version", "6", "-warnings-as-errors", "-Onone", "-o", dir + "/check",
                                           dir + "/Generated.swift", dir + "/main.swift"])
        guard sc.status == 0 else { throw TestSetupError("generated Swift did not compile:\n\(sc.stdout)\(sc.stderr)") }
        let sOut = try runProcess(dir + "/check", [])
        guard sOut.status == 0 else { throw TestSetupError("Swift check program failed: \(sOut.stderr)") }
        return (cOut.stdout.split(separator: "\n").map(String.init), sOut.stdout.split(separator: "\n").map(String.init))
    }
}

@Suite("Generated Swift against the C compiler")
struct GeneratedSwiftTests {
    @Test("io_uring layouts: every record's MemoryLayout and every accessor's bytes match C", arguments: HeaderSet.allCases)
    func ioUring(_ set: HeaderSet) throws {
        let s = try set.snapshot()
        #expect(s.records.count > 15)
        let (c, swift) = try CrossCheck.run(s, includes: s.allHeaders, includeDirectories: try set.probeIncludeDirectories())
        #expect(c.count == swift.count)
        #expect(c.count > 100)
        for (a, b) in zip(c, swift) where a != b {
            Issue.record("C says `\(a)`, generated Swift says `\(b)`")
        }
    }

    @Test("other ABIs: perf_event's bitfields, bpf's nested unions and aligned(8), fuse, virtio_net", arguments: [
        "linux/perf_event.h", "linux/bpf.h", "linux/fuse.h", "linux/virtio_net.h",
    ])
    func otherHeaders(_ header: String) throws {
        let s = try HeaderOptions.parse(["--headers", "/usr/include", "--header", header, "--preset", "none"]).snapshot()
        #expect(!s.records.isEmpty)
        let (c, swift) = try CrossCheck.run(s, includes: s.allHeaders, includeDirectories: ["/usr/include"])
        #expect(c.count == swift.count && c.count > 20)
        for (a, b) in zip(c, swift) where a != b { Issue.record("\(header): C says `\(a)`, generated Swift says `\(b)`") }
    }

    @Test("the SQE's union members overlap at their C offsets, and cmd is the 16-byte tail")
    func sqeUnionMembers() throws {
        let s = try HeaderSet.system61.snapshot()
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SwiftEmitter.emit(s).write(toFile: dir + "/Generated.swift", atomically: true, encoding: .utf8)
        // The C side fills an SQE through C member names; the Swift side reads the same bytes through
        // the generated accessors (and vice versa), so each union member is checked at its C offset.
        try """
        #include <linux/io_uring.h>
        #include <stdio.h>
        #include <string.h>
        int main(void) {
            struct io_uring_sqe sqe; memset(&sqe, 0, sizeof sqe);
            sqe.opcode = IORING_OP_URING_CMD; sqe.fd = -7; sqe.cmd_op = 0xC0DE; sqe.user_data = 0x1122334455667788ULL;
            sqe.buf_group = 0xBEEF; sqe.file_index = 0xA5A5A5A5u; sqe.addr3 = 0x0102030405060708ULL; sqe.__pad2[0] = 0x1112131415161718ULL;
            fwrite(&sqe, sizeof sqe, 1, stdout);
            return 0;
        }
        """.write(toFile: dir + "/fill.c", atomically: true, encoding: .utf8)
        #expect(try runProcess("cc", ["-o", dir + "/fill", dir + "/fill.c"]).status == 0)
        try """
        import Foundation
        let data = FileHandle.standardInput.readDataToEndOfFile()
        precondition(data.count == MemoryLayout<io_uring_sqe>.size)
        var sqe = io_uring_sqe()
        withUnsafeMutableBytes(of: &sqe.storage) { _ = data.copyBytes(to: $0) }
        print(sqe.opcode == UInt8(io_uring_op.IORING_OP_URING_CMD.rawValue), sqe.fd, sqe.cmd_op, sqe.off & 0xFFFF_FFFF, sqe.user_data,
              sqe.buf_index, sqe.splice_fd_in, sqe.addr3, sqe.__pad2[0])
        print(sqe.withUnsafeBytes_cmd { Array($0) })
        print(MemoryLayout<io_uring_sqe>.size, MemoryLayout<io_uring_sqe>.alignment, io_uring_sqe.cmd_offset)
        """.write(toFile: dir + "/main.swift", atomically: true, encoding: .utf8)
        let sc = try runProcess("swiftc", ["-swift-version", "6", "-o", dir + "/read", dir + "/Generated.swift", dir + "/main.swift"])
        #expect(sc.status == 0, "\(sc.stderr)")
        let out = try runProcess("/bin/sh", ["-c", "'\(dir)/fill' | '\(dir)/read'"])
        let lines = out.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 3, "\(out.stderr)")
        // Union 1 (off/addr2/cmd_op), union 4 (buf_index/buf_group), union 5 (splice_fd_in/file_index) overlap in C.
        #expect(lines[0] == "true -7 49374 49374 1234605616436508552 48879 -1515870811 72623859790382856 1230066625199609624")
        // cmd[0] overlays addr3 and __pad2: its 16 bytes are those two little-endian words.
        let words: [UInt64] = [0x0102030405060708, 0x1112131415161718]
        let expected = words.flatMap { w in (0..<8).map { UInt8(truncatingIfNeeded: w >> (8 * UInt64($0))) } }
        #expect(lines[1] == "\(expected)")
        #expect(lines[2] == "64 8 48")
    }
}

@Suite("Generated Swift for other architectures")
struct CrossTargetSwiftTests {
    @Test("Swift layouts generated for a 32-bit target keep that target's size and alignment (the i686 SQE is aligned to 4)",
          arguments: [("i686-linux-gnu", "/usr/i686-linux-gnu/include"), ("arm-linux-gnueabihf", "/usr/arm-linux-gnueabihf/include")])
    func thirtyTwoBit(_ target: String, _ headers: String) throws {
        let s = try HeaderOptions.parse(["--headers", headers, "--target", target]).snapshot()
        // The C compiler for that target agrees with the snapshot…
        #expect(try StaticAssertProbe.failures(s, target: target, includeDirectories: [headers, Repo.root + "/Headers"]) == [])
        let sqe = try #require(s.record(named: "io_uring_sqe"))
        #expect(sqe.size == 64)
        // …and the generated Swift, compiled here, lays every record out as the snapshot says.
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SwiftEmitter.emit(s).write(toFile: dir + "/Generated.swift", atomically: true, encoding: .utf8)
        let main = s.records.map { "print(\"\($0.name)\", MemoryLayout<\($0.name)>.size, MemoryLayout<\($0.name)>.alignment)" }.joined(separator: "\n")
        try main.write(toFile: dir + "/main.swift", atomically: true, encoding: .utf8)
        let sc = try runProcess("swiftc", ["-swift-version", "6", "-o", dir + "/layout", dir + "/Generated.swift", dir + "/main.swift"])
        #expect(sc.status == 0, "\(sc.stderr)")
        let out = try runProcess(dir + "/layout", []).stdout.split(separator: "\n").map(String.init)
        #expect(out == s.records.map { "\($0.name) \($0.size) \($0.alignment)" })
        let generated = try String(contentsOfFile: dir + "/Generated.swift", encoding: .utf8)
        if target.hasPrefix("i686") {
            #expect(sqe.alignment == 4)
            #expect(generated.contains("`struct io_uring_sqe` (linux/io_uring.h): 64 bytes, alignment 4."))
        }
    }
}

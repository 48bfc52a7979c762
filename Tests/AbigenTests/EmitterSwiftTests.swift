import ABIBackends
import AbigenCLI
import ABIModel
import Foundation
import Testing

/// The generated-Swift oracle of `GeneratedSwiftTests` for snapshots whose records may be renamed or not emitted:
/// the Swift side names each record by the emitter's Swift name, and only records emitted as value types take part.
enum EmitterOracle {
    /// `Fixtures/headers/emitter`.
    static var fixtures: String { Repo.root + "/Fixtures/headers/emitter" }

    /// The records the Swift program can lay out, with their Swift type names.
    static func valueRecords(_ s: ABISnapshot) -> [(record: Record, type: String)] {
        let names = SwiftEmitter.typeNames(for: s)
        return s.records.compactMap { r in
            guard let t = names[r.name], !(r.size == 0 && r.alignment > 1) else { return nil }
            return (r, t)
        }
    }

    /// The Swift check program (as `CrossCheck.swiftProgram`), through the emitter's names.
    static func swiftProgram(_ s: ABISnapshot) -> String {
        var out = """
        func ones<T: BitwiseCopyable>(_: T.Type) -> T {
            withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { p in
                UnsafeMutableRawPointer(p.baseAddress!).initializeMemory(as: UInt8.self, repeating: 0xFF, count: MemoryLayout<T>.size)
                return p[0]
            }
        }
        func bytes<T>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v) { Array($0) } }
        func report<R: ABILayout>(_ label: String, _ v: R) {
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
        for (r, t) in valueRecords(s) {
            let ids = SwiftEmitter.identifiers(for: r)
            out += "print(\"record \(r.name) \\(MemoryLayout<\(t)>.size) \\(MemoryLayout<\(t)>.alignment)\")\n"
            for f in r.fields where CrossCheck.testable(f) {
                guard let id = ids[f.name] else { continue }
                if let w = f.bitWidth {
                    let expected = f.type.signed == true ? "-1" : "\((UInt64(1) << UInt64(w)) - 1)"
                    out += "do { var v = \(t)(); v.\(id) = ~0; reportBits(\"\(r.name).\(f.name)\", v); precondition(v.\(id) == \(expected), \"read-back \(r.name).\(f.name)\") }\n"
                } else {
                    out += "do { var v = \(t)(); let o = ones(type(of: v.\(id))); v.\(id) = o; report(\"\(r.name).\(f.name)\", v); precondition(bytes(v.\(id)) == bytes(o), \"read-back \(r.name).\(f.name)\") }\n"
                }
            }
        }
        return out
    }

    /// The snapshot restricted to the records the Swift program lays out (for `CrossCheck.cProgram`).
    static func emittedOnly(_ s: ABISnapshot) -> ABISnapshot {
        var c = s
        c.records = valueRecords(s).map(\.record)
        return c
    }

    /// Type-checks a Swift file as Swift 6; returns the compiler's diagnostics when it fails.
    static func typecheck(_ path: String) throws -> String? {
        let r = try runProcess("swiftc", ["-typecheck", "-swift-version", "6", path])
        return r.status == 0 ? nil : r.stdout + r.stderr
    }

    /// Builds and runs the C and Swift programs (the generated file given as text); returns both outputs' lines.
    static func run(_ s: ABISnapshot, generated: String, includes: [String], includeDirectories: [String],
                    extraSwift: String = "", extraC: String = "") throws -> (c: [String], swift: [String]) {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var c = CrossCheck.cProgram(emittedOnly(s), includes: includes)
        if !extraC.isEmpty, let end = c.range(of: "  return 0;\n}\n", options: .backwards) {
            c.replaceSubrange(end, with: extraC + "  return 0;\n}\n")
        }
        try c.write(toFile: dir + "/probe.c", atomically: true, encoding: .utf8)
        let cc = try runProcess("cc", ["-std=gnu11", "-w", "-o", dir + "/probe", dir + "/probe.c"] + includeDirectories.flatMap { ["-I", $0] })
        guard cc.status == 0 else { throw TestSetupError("C probe did not compile: \(cc.stderr)") }
        let cOut = try runProcess(dir + "/probe", [])
        try generated.write(toFile: dir + "/Generated.swift", atomically: true, encoding: .utf8)
        if let errors = try typecheck(dir + "/Generated.swift") { throw TestSetupError("generated Swift does not type-check:\n\(errors)") }
        try (swiftProgram(s) + extraSwift).write(toFile: dir + "/main.swift", atomically: true, encoding: .utf8)
        let sc = try runProcess("swiftc", ["-swift-version", "6", "-warnings-as-errors", "-Onone", "-o", dir + "/check",
                                           dir + "/Generated.swift", dir + "/main.swift"])
        guard sc.status == 0 else { throw TestSetupError("generated Swift did not compile:\n\(sc.stdout)\(sc.stderr)") }
        let sOut = try runProcess(dir + "/check", [])
        guard sOut.status == 0 else { throw TestSetupError("Swift check program failed: \(sOut.stderr)") }
        return (cOut.stdout.split(separator: "\n").map(String.init), sOut.stdout.split(separator: "\n").map(String.init))
    }

    /// Runs the built binary on fixture headers: the snapshot (JSON) and the generated Swift, both from the CLI.
    static func generate(_ headers: [String], directory: String = fixtures) throws -> (ABISnapshot, String) {
        let args = ["--headers", directory] + headers.flatMap { ["--header", $0] } + ["--preset", "none"]
        let json = try abigen(args + ["--format", "json"])
        guard json.status == 0 else { throw TestSetupError("abigen failed: \(json.stderr)") }
        let s = try JSONDecoder().decode(ABISnapshot.self, from: Data(json.stdout.utf8))
        let swift = try abigen(args + ["--format", "swift"])
        guard swift.status == 0 else { throw TestSetupError("abigen failed: \(swift.stderr)") }
        return (s, swift.stdout)
    }
}

@Suite("Generated Swift that must compile and match C")
struct EmitterSwiftTests {
    @Test("records named like Swift keywords and types, reserved members next to their renamings, a tag next to an enumerator, an unalignable record inside a packed one: the output type-checks and every layout matches C")
    func hostileNames() throws {
        let (s, generated) = try EmitterOracle.generate(["names.h", "packed.h"])
        #expect(s.records.count >= 18)
        let names = SwiftEmitter.typeNames(for: s)
        for (c, swift) in [("protocol", "protocol_"), ("self", "self_"), ("Any", "Any_"), ("UInt64", "UInt64_"),
                           ("ABIField", "ABIField_"), ("ABILayout", "ABILayout_"), ("Type", "Type_"), ("Int", "Int_"),
                           ("Swift", "Swift_"), ("init", "init_"), ("clash", "clash")] {
            #expect(names[c] == swift, "\(c)")
        }
        // Records Swift cannot align are listed, not emitted, and members of their type are raw bytes.
        #expect(names["line64"] == nil)
        #expect(SwiftEmitter.unsupported(in: s).map(\.name) == ["struct line64"])
        #expect(generated.contains("//   struct line64: alignment 64 cannot be expressed in Swift"))
        #expect(generated.contains("public var line: InlineArray<64, UInt8> {"))
        // The anonymous enumerator `clash` cannot share the record's Swift name.
        #expect(generated.contains("public let clash_: Int32 = 3"))
        #expect(generated.contains("public struct Sendable_: RawRepresentable"))
        let twins = try #require(s.record(named: "twins"))
        let ids = SwiftEmitter.identifiers(for: twins)
        #expect(Set(ids.values).count == twins.fields.count)
        #expect(ids["size"] == "size__" && ids["size_"] == "size_" && ids["storage_"] == "storage_" && ids["storage"] == "storage__")

        let (c, swift) = try EmitterOracle.run(s, generated: generated, includes: ["names.h", "packed.h"],
                                               includeDirectories: [EmitterOracle.fixtures])
        #expect(c.count == swift.count && c.count > 40)
        for (a, b) in zip(c, swift) where a != b { Issue.record("C says `\(a)`, generated Swift says `\(b)`") }
    }

    @Test("a 16-byte-aligned record is a UInt128-backed struct on a 64-bit target and unsupported on 32-bit ones, where Swift's UInt128 is 8-byte aligned")
    func alignment16() throws {
        let wide = Record(name: "w16", cName: "struct w16", kind: .struct, size: 16, alignment: 16, header: "w.h",
                          fields: [Field(name: "a", offset: 0, size: 8, type: FieldType(spelling: "__u64", canonical: "unsigned long long", kind: .integer, scalarSize: 8, signed: false))])
        let user = Record(name: "uses", cName: "struct uses", kind: .struct, size: 32, alignment: 16, header: "w.h",
                          fields: [Field(name: "w", offset: 16, size: 16, type: FieldType(spelling: "struct w16", canonical: "struct w16", kind: .record, scalarSize: 16, record: "w16"))])
        for (target, emitted) in [("x86_64-linux-gnu", true), ("aarch64-linux-gnu", true), ("i686-linux-gnu", false), ("arm-linux-gnueabihf", false)] {
            let s = ABISnapshot(target: target, headers: ["w.h"], includeDirectories: [], records: [wide, user], constants: [])
            let out = SwiftEmitter.emit(s)
            #expect(out.contains("public struct w16: ABILayout") == emitted, "\(target)")
            #expect(SwiftEmitter.unsupported(in: s).map(\.name) == (emitted ? [] : ["struct uses", "struct w16"]), "\(target)")
        }
    }

    @Test("a 2,000-field record: the generated file type-checks in linear memory (an array literal took more than 8 GB)")
    func wideRecord() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var h = "struct wide {\n"
        for i in 0..<2000 { h += "\tunsigned int f\(i);\n" }
        try (h + "};\n").write(toFile: dir + "/wide.h", atomically: true, encoding: .utf8)
        let (s, generated) = try EmitterOracle.generate(["wide.h"], directory: dir)
        #expect(s.records.first?.fields.count == 2000)
        try generated.write(toFile: dir + "/Wide.swift", atomically: true, encoding: .utf8)
        let time = "/usr/bin/time"
        if FileManager.default.isExecutableFile(atPath: time) {
            let r = try runProcess(time, ["-v", "swiftc", "-typecheck", "-swift-version", "6", dir + "/Wide.swift"])
            #expect(r.status == 0, "\(r.stderr.suffix(2000))")
            let rss = r.stderr.split(separator: "\n").first { $0.contains("Maximum resident set size") }
                .flatMap { $0.split(separator: ":").last }.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            let kb = try #require(rss)
            #expect(kb < 2_000_000, "swiftc took \(kb) kB")
        } else {
            #expect(try EmitterOracle.typecheck(dir + "/Wide.swift") == nil)
        }
    }

    @Test("abigen --format svg --extend at the command line's 1 MiB limit completes with a picture of bounded size; 10^9 is refused")
    func svgHugeExtension() throws {
        let r = try abigen(["--headers", "/usr/include", "--format", "svg", "--extend", "io_uring_sqe=1048576", "--record", "io_uring_sqe"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("(drawn to 1048576 bytes)"))
        #expect(r.stdout.utf8.count < 100_000)
        let huge = try abigen(["--headers", "/usr/include", "--format", "svg", "--extend", "io_uring_sqe=1000000000", "--record", "io_uring_sqe"])
        #expect(huge.status == 2 && huge.stdout.isEmpty && huge.stderr.split(separator: "\n").count == 1, "\(huge.stderr)")
    }
}

import ABIModel
import Foundation
import Testing

/// Oracle 2: Swift's own C importer. A program importing the header through a system module
/// prints `MemoryLayout` size/alignment, `MemoryLayout.offset(of:)` for every field and the value of
/// every constant the importer exposes. Lines the importer cannot compile (dropped members like
/// `cmd[0]`, macros it does not import) are removed and reported as unchecked; `offset(of:)`
/// returning nil (members of anonymous unions are computed properties) is also reported as unchecked.
/// Those are covered by the C-compiler oracles instead.
struct ImporterOracle {
    struct Outcome {
        var checked: [String] = []
        var unchecked: [String] = []
        var mismatches: [String] = []
    }

    static func run(_ s: ABISnapshot, includeDirectories: [String]) throws -> Outcome {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let umbrella = s.allHeaders.map { "#include <\($0)>" }.joined(separator: "\n")
        try (umbrella + "\n").write(toFile: dir + "/shim.h", atomically: true, encoding: .utf8)
        try "module CHeaders [system] {\n  header \"shim.h\"\n  export *\n}\n".write(toFile: dir + "/module.modulemap", atomically: true, encoding: .utf8)
        var lines = ["import CHeaders",
                     "func show<T>(_ x: T) -> String { if let r = x as? any RawRepresentable { return \"\\(r.rawValue)\" }; return \"\\(x)\" }"]
        var labels: [Int: String] = [:]
        func add(_ label: String, _ code: String) {
            labels[lines.count + 1] = label
            lines.append(code)
        }
        for r in s.records where !r.cName.hasPrefix("union ") {
            add("\(r.name) size", "print(\"\(r.name) size\", MemoryLayout<\(r.name)>.size)")
            add("\(r.name) alignment", "print(\"\(r.name) alignment\", MemoryLayout<\(r.name)>.alignment)")
            for f in r.fields where !f.name.contains(".") && f.bitWidth == nil {
                add("\(r.name).\(f.name) offset", "print(\"\(r.name).\(f.name) offset\", MemoryLayout<\(r.name)>.offset(of: \\.\(f.name)).map(String.init) ?? \"nil\")")
            }
        }
        for c in s.constants {
            add("\(c.name) value", "print(\"\(c.name) value\", show(\(c.name)))")
        }
        var dropped: [String] = []
        var source = lines
        for _ in 0..<4 {
            try source.joined(separator: "\n").write(toFile: dir + "/main.swift", atomically: true, encoding: .utf8)
            let args = ["-swift-version", "6", "-suppress-warnings", "-I", dir] + includeDirectories.flatMap { ["-Xcc", "-I\($0)"] } + ["-o", dir + "/importer", dir + "/main.swift"]
            let r = try runProcess("swiftc", args)
            if r.status == 0 { break }
            // Remove every line the compiler rejected and try again.
            let bad = Set(r.stderr.split(separator: "\n").compactMap { line -> Int? in
                guard line.contains("main.swift:"), line.contains(": error:") else { return nil }
                let parts = line.split(separator: ":")
                guard let i = parts.firstIndex(where: { $0.hasSuffix("main.swift") }), i + 1 < parts.count else { return nil }
                return Int(parts[i + 1])
            })
            guard !bad.isEmpty else { throw TestSetupError("importer program failed: \(r.stderr.prefix(1500))") }
            for n in bad.sorted() where n >= 3 && source[n - 1] != "" {
                dropped.append(labels[n] ?? "line \(n)")
                source[n - 1] = ""
            }
        }
        let run = try runProcess(dir + "/importer", [])
        guard run.status == 0 else { throw TestSetupError("importer program crashed: \(run.stderr)") }
        var outcome = Outcome()
        outcome.unchecked = dropped.map { "\($0): not imported" }
        for line in run.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 3 else { continue }
            let subject = String(parts[0]), property = String(parts[1]), value = String(parts[2])
            let label = "\(subject) \(property)"
            if value == "nil" { outcome.unchecked.append("\(label): offset(of:) is nil"); continue }
            let expected: String?
            switch property {
            case "size": expected = s.record(named: subject).map { String($0.size) }
            case "alignment": expected = s.record(named: subject).map { String($0.alignment) }
            case "offset":
                let dot = subject.firstIndex(of: ".")!
                expected = s.record(named: String(subject[..<dot]))?.field(named: String(subject[subject.index(after: dot)...])).map { String($0.offset) }
            case "value":
                // The importer gives enumerators of anonymous enums and some macros a different Swift type; compare values.
                expected = s.constant(named: subject).map { c in
                    if c.signed, case .signed(let v) = c.value { return String(v) }
                    return c.value.description
                }
            default: expected = nil
            }
            outcome.checked.append(label)
            if expected != value { outcome.mismatches.append("\(label): abigen \(expected ?? "-"), Swift importer \(value)") }
        }
        return outcome
    }
}

@Suite("Swift's importer as an oracle")
struct ImporterOracleTests {
    @Test("importer layouts and constants agree with abigen; what it cannot see is listed", arguments: [HeaderSet.system61, HeaderSet.uapi612])
    func importer(_ set: HeaderSet) throws {
        var s = try set.snapshot()
        s.records.removeAll { $0.header.hasPrefix("abigen/") }      // the built-in io_uring_cmd is not in the system header
        s.constants.removeAll { $0.header.hasPrefix("abigen/") }
        s.headers.removeAll { $0.hasPrefix("abigen/") }
        let outcome = try ImporterOracle.run(s, includeDirectories: try set.probeIncludeDirectories())
        #expect(outcome.mismatches == [])
        #expect(outcome.checked.count > 150, "checked \(outcome.checked.count)")
        // What the importer hides is exactly what abigen exists for; the C probes check those.
        #expect(outcome.unchecked.contains("io_uring_sqe.cmd offset: not imported") || outcome.unchecked.contains("io_uring_sqe.cmd offset: offset(of:) is nil"))
        #expect(outcome.unchecked.contains("io_uring_sqe.addr3 offset: offset(of:) is nil"))
        #expect(outcome.unchecked.contains { $0.hasPrefix("IOSQE_FIXED_FILE value") }, "the importer misses the (1U << IOSQE_*_BIT) flags")
        print("Swift importer oracle (\(set.rawValue)): \(outcome.checked.count) checked, \(outcome.unchecked.count) not visible to the importer: \(outcome.unchecked.joined(separator: "; "))")
    }
}

import ABIBackends
import ABIModel
import AbigenCLI
import Foundation
import Testing

@Suite("The whole Linux uapi set (/usr/include/linux/*.h)")
struct ScaleTests {
    static let arguments = ["--headers", "/usr/include", "--header", "linux/*.h", "--preset", "none"]

    @Test("every header is parsed or skipped with clang's reason; the C compiler agrees with every number")
    func wholeSet() throws {
        let s = try HeaderOptions.parse(Self.arguments).snapshot()
        let skipped = s.unsupported.filter { $0.reason.hasPrefix("header skipped") }
        #expect(s.headers.count > 500)
        #expect(s.headers.count - skipped.count > 500, "headers parsed")
        for u in skipped { #expect(u.reason.contains("error:"), "\(u.name): \(u.reason)") }
        #expect(s.records.count > 2400)
        #expect(s.records.reduce(0) { $0 + $1.anonymousMembers.count } > 200)
        #expect(s.constants.count > 20000)
        #expect(Set(s.constants.map(\.name)).count == s.constants.count, "constant names are unique")
        // Compile-time oracle: one unit per header group, all in one clang invocation.
        let failures = try StaticAssertProbe.failures(s, target: nil, includeDirectories: ["/usr/include"])
        for f in failures.prefix(20) { Issue.record("C compiler disagrees: \(f)") }
    }

    @Test("abigen verify passes on the whole set: every record, field and constant agrees with cc")
    func verifyWholeSet() throws {
        let r = try abigen(["verify"] + Self.arguments)
        #expect(r.status == 0, "\(r.stdout.prefix(3000))\(r.stderr)")
        let summary = r.stdout.split(separator: "\n").first.map(String.init) ?? ""
        #expect(summary.hasSuffix(": 0 mismatches"))
        let numbers = summary.split(separator: " ").compactMap { Int($0) }
        #expect(numbers.count >= 3 && numbers[0] > 2400 && numbers[1] > 10000 && numbers[2] > 20000, "\(summary)")
    }

    @Test("the generated Swift for the whole set type-checks in Swift 6 mode")
    func swiftTypechecks() throws {
        let s = try HeaderOptions.parse(Self.arguments).snapshot()
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SwiftEmitter.emit(s).write(toFile: dir + "/UAPI.swift", atomically: true, encoding: .utf8)
        let r = try runProcess("swiftc", ["-swift-version", "6", "-parse-as-library", "-typecheck", "-module-name", "UAPI", dir + "/UAPI.swift"])
        #expect(r.status == 0, "\(r.stderr.prefix(3000))")
        #expect(!r.stderr.contains("warning:"), "\(r.stderr.prefix(3000))")
    }
}

@testable import ABIFrontend
import ABIModel
import Foundation
import Testing

/// The macro unit under gcc's identity is left out when no file of the unit can tell clang and gcc apart; these
/// cases must still find every compiler-dependent macro (gcc is the oracle), wherever the difference hides.
@Suite("Frontend: the gcc-identity unit is left out only when it cannot differ")
struct CompilerIdentityTests {
    /// Writes `files` into a new directory and returns the snapshot of `header` in it.
    func snapshot(_ files: [String: String], header: String) throws -> (ABISnapshot, String) {
        let dir = try Repo.tempDirectory()
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        let r = try abigen(["--headers", dir, "--header", header, "--preset", "none", "--format", "json"])
        guard r.status == 0 else { throw TestSetupError("abigen failed: \(r.stderr)") }
        return (try ABISnapshot.foundationDecode(Data(r.stdout.utf8), path: "<stdout>"), dir)
    }

    /// What gcc defines `name` to after reading `header` in `dir`.
    func gccDefinition(_ name: String, header: String, dir: String) throws -> String? {
        let r = try runProcess("gcc", ["-dM", "-E", "-x", "c", "-I", dir, dir + "/" + header])
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout.split(separator: "\n").first { $0.hasPrefix("#define \(name) ") }.map { String($0.dropFirst("#define \(name) ".count)) }
    }

    @Test("a difference in an included header (not the selected one) makes its user compiler-dependent")
    func nestedIdentity() throws {
        let (s, dir) = try snapshot(["inner.h": "#if __GNUC__ >= 5\n#define ID_INNER 1\n#else\n#define ID_INNER 0\n#endif\n",
                                     "outer.h": "#include \"inner.h\"\n#define ID_OUTER (ID_INNER + 10)\n#define ID_PLAIN 7\n"],
                                    header: "outer.h")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try gccDefinition("ID_INNER", header: "outer.h", dir: dir) == "1")
        #expect(s.constant(named: "ID_OUTER") == nil)
        #expect(s.skippedMacros.first { $0.name == "ID_OUTER" }?.reason.hasPrefix("compiler-dependent:") == true)
        #expect(s.constant(named: "ID_PLAIN")?.value == .signed(7))
    }

    @Test("a literal above LLONG_MAX in an included header is compiler-dependent even with no identity macro")
    func nestedLiteral() throws {
        let (s, dir) = try snapshot(["big.h": "#define ID_BIG_INNER 18446744073709551615\n",
                                     "user.h": "#include \"big.h\"\n#define ID_USES_BIG (ID_BIG_INNER)\n#define ID_SMALL 5\n"],
                                    header: "user.h")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(s.skippedMacros.first { $0.name == "ID_USES_BIG" }?.reason.hasPrefix("compiler-dependent:") == true)
        #expect(s.constant(named: "ID_SMALL")?.value == .signed(5))
    }

    @Test("testing only whether __GNUC__ is defined changes nothing: the values are gcc's")
    func definedTestOnly() throws {
        let (s, dir) = try snapshot(["gnu.h": "#ifdef __GNUC__\n#define ID_GNU 1\n#endif\n#if defined(__GNUC_MINOR__)\n#define ID_MINOR 2\n#endif\n"],
                                    header: "gnu.h")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try gccDefinition("ID_GNU", header: "gnu.h", dir: dir) == "1")
        #expect(try gccDefinition("ID_MINOR", header: "gnu.h", dir: dir) == "2")
        #expect(s.constant(named: "ID_GNU")?.value == .signed(1))
        #expect(s.constant(named: "ID_MINOR")?.value == .signed(2))
    }

    @Test("the scan: which texts can tell the identities apart")
    func scan() {
        func neutral(_ s: String) -> Bool { CompilerIdentity.isNeutral(Array(s.utf8)) }
        #expect(neutral("#ifdef __GNUC__\n#ifndef __GNUC_MINOR__\n# if defined ( __GNUC_PATCHLEVEL__ )\n#define A 1\n"))
        #expect(!neutral("#if __GNUC__ > 4\n"))
        #expect(!neutral("#if defined __GNUC__ && __GNUC__ >= 4\n"))
        #expect(!neutral("#ifdef __clang__\n"))
        #expect(!neutral("#define V __clang_major__\n"))
        #expect(!neutral("#if __GNUC_PREREQ (4, 1)\n"))
        #expect(!neutral("#undef __GNUC__\n"))
        #expect(!neutral("#define BIG 9223372036854775808\n"))
        #expect(neutral("#define OK 922337203685477580\n#define x__clang__ 1\n"))
        #expect(!CompilerIdentity.cannotDiffer(files: [], arguments: ["-D__GNUC__=3"]))
        #expect(!CompilerIdentity.cannotDiffer(files: [], arguments: ["-Werror"]))
        #expect(!CompilerIdentity.cannotDiffer(files: ["/nonexistent/abigen-test.h"], arguments: []))
        #expect(CompilerIdentity.cannotDiffer(files: [], arguments: ["-x", "c", "-std=gnu11", "-w", "-I", "/usr/include"]))
    }
}

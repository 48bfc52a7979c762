@testable import ABIFrontend
import ABIModel
import Foundation
import Testing

/// A group expected to compile is parsed once, its macros evaluated by lines in the headers' own unit; a group of
/// several headers with broken headers skipped is parsed twice (headers, then a macro unit). Both ways must give the
/// same snapshot, and the values must be what cc gives.
@Suite("Frontend: macros evaluated in the headers' own unit")
struct MacroLinesTests {
    @Test("the lexical scan finds #define names, and only those")
    func scan() {
        let text = """
            #define PLAIN 1
              #  define SPACED 2
            #\tdefine\tTABBED 3
            #define FUNC(x) (x)
            #define FUNC_SPACE (4)
            #define 9BAD 5
            #defineGLUED 6
            #undef PLAIN
            // #define COMMENTED 7
            #define LAST
            """
        #expect(MacroLines.definedNames(Array(text.utf8)) == ["PLAIN", "SPACED", "TABBED", "FUNC", "FUNC_SPACE", "LAST"])
        #expect(MacroLines.definedNames([]) == [])
        #expect(MacroLines.definedNames(Array("#define".utf8)) == [])
        #expect(MacroLines.definedNames(Array("#define X".utf8)) == ["X"])
    }

    /// Headers whose definitions the scan cannot see or whose lines disturb each other.
    static let hostile = """
        #/**/define HIDDEN_ONE (1 << 4)
        #define \\
          CONT_TWO 0x22
        #define SEEN_THREE 3u
        #define FN(x) x
        #define UNDONE 9
        #undef UNDONE
        #define WIDE (-1L)
        enum { EN = 5 };
        #define EN 6
        #define NOT_CONST (&((int *)0)[1])
        #define EMPTY

        """

    /// Parses `headers` in `dir` (broken headers skipped when asked) into a snapshot.
    func parse(_ dir: String, headers: [String], skipBroken: Bool) throws -> ABISnapshot {
        let source = SearchPath.addingTargetDirectories(
            to: HeaderSource(includeDirectories: [HeaderSource.Directory(path: dir, role: .user)], headers: headers), builtin: nil)
        var options = ParseOptions(source: source, macroPrefixes: nil)
        options.skipBrokenHeaders = skipBroken
        return try Frontend.parse(options)
    }

    @Test("one parse and two parses give the same constants and skipped macros; the values are cc's")
    func sameBothWays() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.hostile.write(toFile: dir + "/hostile.h", atomically: true, encoding: .utf8)
        try "#define OTHER_ONE 11\n".write(toFile: dir + "/other.h", atomically: true, encoding: .utf8)
        // One header alone: one parse. Two headers with broken ones skipped: headers, then a macro unit.
        let once = try parse(dir, headers: ["hostile.h"], skipBroken: false)
        let twice = try parse(dir, headers: ["hostile.h", "other.h"], skipBroken: true)
        #expect(twice.constants.contains { $0.name == "OTHER_ONE" })
        let hostileOnly = twice.constants.filter { $0.header == "hostile.h" }
        #expect(once.constants == hostileOnly)
        #expect(once.skippedMacros.map(\.name) == twice.skippedMacros.map(\.name))
        #expect(once.skippedMacros.map(\.reason) == twice.skippedMacros.map(\.reason))

        // The oracle: cc prints every value the snapshot holds, as C code after the header sees the name.
        let values = Dictionary(once.constants.map { ($0.name, $0.value.description) }, uniquingKeysWith: { a, _ in a })
        #expect(Set(values.keys) == ["HIDDEN_ONE", "CONT_TWO", "SEEN_THREE", "WIDE", "EN"])
        var program = "#include <stdio.h>\n#include \"\(dir)/hostile.h\"\nint main(void) {\n"
        for name in values.keys.sorted() {
            program += "  printf(\"\(name)=%lld\\n\", (long long)(\(name)));\n"
        }
        program += "  return 0;\n}\n"
        try program.write(toFile: dir + "/main.c", atomically: true, encoding: .utf8)
        let build = try runProcess("cc", ["-o", dir + "/main", dir + "/main.c"])
        try #require(build.status == 0, "\(build.stderr)")
        let run = try runProcess(dir + "/main", [])
        let expected = values.keys.sorted().map { "\($0)=\(values[$0] ?? "")" }.joined(separator: "\n") + "\n"
        #expect(run.stdout == expected)
    }

    @Test("an error in a header is reported as the plain parse reports it, not as a macro's")
    func headerErrorStillFails() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "#define GOOD 1\nstruct broken { undeclared_t x; };\n".write(toFile: dir + "/bad.h", atomically: true, encoding: .utf8)
        #expect(throws: FrontendError.self) { try parse(dir, headers: ["bad.h"], skipBroken: false) }
        try "#define OK_ONE 1\n".write(toFile: dir + "/ok.h", atomically: true, encoding: .utf8)
        // Together they fail; then each is parsed alone (the one-parse way first): ok.h is read, bad.h skipped.
        let skipped = try parse(dir, headers: ["bad.h", "ok.h"], skipBroken: true)
        #expect(skipped.constants.map(\.name) == ["OK_ONE"])
        #expect(skipped.unsupported.contains { $0.name == "bad.h" && $0.reason.contains("unknown type name 'undeclared_t'") })
    }

    @Test("a macro that leaves a bracket open does not swallow the macros after it (cc gives their values)")
    func swallowedLines() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // OPEN and PAREN leave `({` and `(` open: the lines after theirs were lost, and EN kept the enumerator's
        // value 5 although C code after the header sees the macro, 6.
        let header = """
            #define OPEN ({
            #define AFTER 7
            #define CLOSE })
            #define LAST 8
            enum { EN = 5 };
            #define EN 6
            #define PAREN (1 +
            #define AFTER_PAREN 9

            """
        try header.write(toFile: dir + "/swallow.h", atomically: true, encoding: .utf8)
        try "#define OTHER_ONE 11\n".write(toFile: dir + "/other.h", atomically: true, encoding: .utf8)
        for (headers, skip) in [(["swallow.h"], false), (["swallow.h", "other.h"], true)] {
            let s = try parse(dir, headers: headers, skipBroken: skip)
            let values = Dictionary(s.constants.map { ($0.name, $0.value.description) }, uniquingKeysWith: { a, _ in a })
            #expect(values["AFTER"] == "7" && values["LAST"] == "8" && values["AFTER_PAREN"] == "9", "\(values)")
            #expect(values["EN"] == "6", "\(values)")
            #expect(Set(s.skippedMacros.map(\.name)) == ["OPEN", "CLOSE", "PAREN"])
        }
        // The oracle: what cc gives the names after the header.
        let program = "#include \"\(dir)/swallow.h\"\nint a[AFTER == 7 && LAST == 8 && EN == 6 && AFTER_PAREN == 9 ? 1 : -1];\n"
        try program.write(toFile: dir + "/check.c", atomically: true, encoding: .utf8)
        #expect(try runProcess("cc", ["-fsyntax-only", dir + "/check.c"]).status == 0)
    }

    @Test("a header that ends inside a declaration fails as cc says, not through the first macro line", arguments: [
        "struct s { int a; }", "int x =", "typedef int", "enum { A = 1", "struct t {", "extern", "__attribute__((aligned(8)))", "_Alignas(8)",
    ])
    func unfinishedEnd(_ ending: String) throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "#ifndef X_H\n#define X_H\n#define GOOD 1\n\(ending)\n#endif\n".write(toFile: dir + "/x.h", atomically: true, encoding: .utf8)
        // The oracle: cc refuses the header alone.
        #expect(try runProcess("cc", ["-fsyntax-only", "-x", "c", dir + "/x.h"]).status != 0)
        #expect(throws: FrontendError.self) { try parse(dir, headers: ["x.h"], skipBroken: false) }
        try "#define OK_ONE 1\n".write(toFile: dir + "/ok.h", atomically: true, encoding: .utf8)
        let skipped = try parse(dir, headers: ["x.h", "ok.h"], skipBroken: true)
        #expect(skipped.unsupported.contains { $0.name == "x.h" && $0.reason.hasPrefix("header skipped") })
    }

    @Test("every macro after several openers is evaluated, one after the last opener too (cc gives the values)")
    func manyOpeners() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var header = ""
        for i in 0..<8 { header += "#define OPEN\(i) ({\n#define V\(i) \(i + 100)\n" }
        try header.write(toFile: dir + "/x.h", atomically: true, encoding: .utf8)
        var check = "#include \"\(dir)/x.h\"\n"
        for (headers, skip) in [(["x.h"], false), (["x.h", "x.h"], true)] {
            let s = try parse(dir, headers: headers, skipBroken: skip)
            let values = Dictionary(s.constants.map { ($0.name, $0.value.description) }, uniquingKeysWith: { a, _ in a })
            #expect(values == Dictionary(uniqueKeysWithValues: (0..<8).map { ("V\($0)", "\($0 + 100)") }))
            #expect(Set(s.skippedMacros.map(\.name)) == Set((0..<8).map { "OPEN\($0)" }))
        }
        for i in 0..<8 { check += "_Static_assert(V\(i) == \(i + 100), \"\");\n" }
        try check.write(toFile: dir + "/check.c", atomically: true, encoding: .utf8)
        #expect(try runProcess("cc", ["-fsyntax-only", dir + "/check.c"]).status == 0)
    }

    @Test("__LINE__ reads the same in every unit: not called compiler-dependent, the same both ways")
    func lineMacro() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // __clang__ makes the gcc-identity unit run, whose lines differ from the first unit's.
        try "#ifdef __clang__\n#define CL 1\n#endif\n#define LN __LINE__\n#define OK 7\n".write(toFile: dir + "/x.h", atomically: true, encoding: .utf8)
        try "#define OTHER_ONE 11\n".write(toFile: dir + "/other.h", atomically: true, encoding: .utf8)
        let once = try parse(dir, headers: ["x.h"], skipBroken: false)
        let twice = try parse(dir, headers: ["x.h", "other.h"], skipBroken: true)
        for s in [once, twice] {
            #expect(s.constants.first { $0.name == "LN" }?.value.description == "1")
            #expect(!s.skippedMacros.contains { $0.name == "LN" })
        }
    }
}

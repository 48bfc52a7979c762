import ABIFrontend
import ABIModel
import Foundation
import Testing

/// The fixture headers of issue 11 (Fixtures/headers/trust).
enum Trust {
    static let dir = Repo.root + "/Fixtures/headers/trust"

    /// `abigen generate --format json` of fixture headers, decoded.
    static func snapshot(_ headers: [String], extra: [String] = []) throws -> ABISnapshot {
        let r = try abigen(["--headers", dir, "--preset", "none", "--format", "json"] + headers.flatMap { ["--header", $0] } + extra)
        guard r.status == 0 else { throw TestSetupError("abigen failed: \(r.stderr)") }
        return try ABISnapshot.foundationDecode(Data(r.stdout.utf8), path: "<stdout>")
    }

    /// Compiles `body` after `#include`s with a real compiler (`cc`, or `clang -target T`); true when it compiles.
    static func compiles(_ includes: [String], _ body: [String], includeDirectories: [String], target: String? = nil) throws -> (ok: Bool, stderr: String) {
        let tmp = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let source = includes.map { "#include <\($0)>\n" }.joined() + "#include <stddef.h>\n" + body.joined(separator: "\n") + "\n"
        try source.write(toFile: tmp + "/probe.c", atomically: true, encoding: .utf8)
        var args = ["-std=gnu11", "-fsyntax-only", "-w"] + includeDirectories.flatMap { ["-I", $0] }
        let compiler: String
        if let target { compiler = "clang"; args += ["-target", target] } else { compiler = "cc" }
        let r = try runProcess(compiler, args + [tmp + "/probe.c"])
        return (r.status == 0, r.stderr)
    }

    /// Static assertions that a record's size, alignment and byte offsets are what the snapshot says.
    static func layoutAssertions(_ r: Record) -> [String] {
        var lines = ["_Static_assert(sizeof(\(r.cName)) == \(r.size), \"size of \(r.name)\");",
                     "_Static_assert(_Alignof(\(r.cName)) == \(r.alignment), \"alignment of \(r.name)\");"]
        for f in r.fields where !f.isBitfield {
            lines.append("_Static_assert(offsetof(\(r.cName), \(f.name)) == \(f.offset), \"\(r.name).\(f.name)\");")
        }
        return lines
    }
}

@Suite("Frontend: layouts as C sees them")
struct FrontendLayoutTests {
    @Test("an aligned typedef keeps its alignment (fixture, checked by cc)")
    func alignedTypedefFixture() throws {
        let s = try Trust.snapshot(["aligned_typedef.h"])
        let buf = try #require(s.record(named: "trust_aligned_buf"))
        #expect(buf.alignment == 16)
        #expect(try #require(s.record(named: "trust_aligned_union")).alignment == 32)
        let c = try Trust.compiles(["aligned_typedef.h"], s.records.flatMap(Trust.layoutAssertions), includeDirectories: [Trust.dir])
        #expect(c.ok, "\(c.stderr)")
    }

    @Test("glibc's __pthread_unwind_buf_t: size and alignment as the compiler gives them", arguments: [
        (nil as String?, "/usr/include"), ("i686-linux-gnu", "/usr/i686-linux-gnu/include"), ("aarch64-linux-gnu", "/usr/aarch64-linux-gnu/include"),
    ])
    func pthreadUnwindBuffer(target: String?, headers: String) throws {
        var args = ["--headers", headers, "--header", "pthread.h", "--preset", "none", "--record", "__pthread_unwind_buf_t", "--format", "json"]
        if let target { args += ["--target", target] }
        let r = try abigen(args)
        #expect(r.status == 0, "\(r.stderr)")
        let s = try ABISnapshot.foundationDecode(Data(r.stdout.utf8), path: "<stdout>")
        let rec = try #require(s.record(named: "__pthread_unwind_buf_t"))
        #expect(rec.alignment == 16)
        let c = try Trust.compiles(["pthread.h"], Trust.layoutAssertions(rec), includeDirectories: [headers], target: target)
        #expect(c.ok, "\(c.stderr)")
    }

    @Test("a tag and an untagged typedef of one name: both kept, the typedef as NAME_t (cc agrees on both)")
    func nameCollision() throws {
        let s = try Trust.snapshot(["name_collision.h"])
        #expect(s.records.map(\.name).sorted() == ["trust_bar", "trust_bar_t", "trust_baz", "trust_baz_t"])
        #expect(s.record(named: "trust_bar")?.cName == "struct trust_bar")
        #expect(s.record(named: "trust_bar_t")?.cName == "trust_bar")
        #expect(s.record(named: "trust_baz")?.cName == "union trust_baz")
        #expect(s.record(named: "trust_baz_t")?.cName == "trust_baz")
        let c = try Trust.compiles(["name_collision.h"], s.records.flatMap(Trust.layoutAssertions), includeDirectories: [Trust.dir])
        #expect(c.ok, "\(c.stderr)")
    }

    @Test("arrays of unnamed structs and unions get element records named by the contract (cc agrees)")
    func anonymousArrayElements() throws {
        let s = try Trust.snapshot(["anon_arrays.h"])
        let outer = try #require(s.record(named: "trust_table"))
        #expect(outer.field(named: "entries")?.type.record == "trust_table_entries")
        #expect(outer.field(named: "points")?.type.record == "trust_table_points")
        #expect(outer.field(named: "nested.cells")?.type.record == "trust_table_nested_cells")
        let entries = try #require(s.record(named: "trust_table_entries"))
        #expect(entries.cName == "__typeof__(((struct trust_table *)0)->entries[0])")
        #expect(entries.kind == .union)
        #expect(entries.header == "anon_arrays.h")
        #expect(entries.field(named: "fields.mode")?.bitWidth == 3)
        #expect(entries.field(named: "fields.reserved")?.bitOffset == 12)
        #expect(s.record(named: "trust_table_points")?.cName == "__typeof__(((struct trust_table *)0)->points[0][0])")
        #expect(s.record(named: "trust_table_nested_cells")?.cName == "__typeof__(((struct trust_table *)0)->nested.cells[0])")
        let c = try Trust.compiles(["anon_arrays.h"], s.records.flatMap(Trust.layoutAssertions), includeDirectories: [Trust.dir])
        #expect(c.ok, "\(c.stderr)")
    }

    @Test("abigen verify checks element records, bitfields included: 0 mismatches, and a wrong one is caught")
    func verifyElementRecords() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ok = try abigen(["verify", "--headers", Trust.dir, "--header", "anon_arrays.h", "--preset", "none"])
        #expect(ok.status == 0, "\(ok.stdout) \(ok.stderr)")
        var s = try Trust.snapshot(["anon_arrays.h"])
        let i = try #require(s.records.firstIndex { $0.name == "trust_table_entries" })
        let f = try #require(s.records[i].fields.firstIndex { $0.name == "fields.level" })
        s.records[i].fields[f].bitOffset = 10
        try s.jsonData().write(to: URL(fileURLWithPath: dir + "/wrong.json"))
        let bad = try abigen(["verify", "--snapshot", dir + "/wrong.json", "--headers", Trust.dir])
        #expect(bad.status == 1, "\(bad.stdout) \(bad.stderr)")
        #expect(bad.stdout.contains("fields.level"))
    }

    @Test("kvm_ioapic_state.redirtbl and hdr_metadata_infoframe.display_primaries verify with 0 mismatches", arguments: [nil as String?, "i686-linux-gnu"])
    func kernelElementRecords(target: String?) throws {
        let sys = target == nil ? "/usr/include" : "/usr/i686-linux-gnu/include"
        let t = target.map { ["--target", $0] } ?? []
        let kvm = try abigen(["verify", "--headers", sys, "--header", "asm/kvm.h", "--preset", "none"] + t)
        #expect(kvm.status == 0 && kvm.stdout.contains(" 0 mismatches"), "\(kvm.stdout) \(kvm.stderr)")
        let snap = try abigen(["--headers", sys, "--header", "asm/kvm.h", "--preset", "none", "--format", "json"] + t)
        let s = try ABISnapshot.foundationDecode(Data(snap.stdout.utf8), path: "<stdout>")
        #expect(s.record(named: "kvm_ioapic_state")?.field(named: "redirtbl")?.type.record == "kvm_ioapic_state_redirtbl")
        #expect(s.record(named: "kvm_ioapic_state_redirtbl")?.fields.contains { $0.isBitfield } == true)

        let tree = try Repo.kernelTree("6.12")
        let drm = ["--headers", Repo.root + "/Headers/kernel", "--headers", tree + "/include/uapi", "--headers", sys,
                   "--header", "drm/drm_mode.h", "--preset", "none"] + t
        let v = try abigen(["verify"] + drm)
        #expect(v.status == 0 && v.stdout.contains(" 0 mismatches"), "\(v.stdout) \(v.stderr)")
        let d = try ABISnapshot.foundationDecode(Data(try abigen(drm + ["--format", "json"]).stdout.utf8), path: "<stdout>")
        #expect(d.record(named: "hdr_metadata_infoframe")?.field(named: "display_primaries")?.type.record == "hdr_metadata_infoframe_display_primaries")
    }

    @Test("multiarch headers are found (sys/stat.h, sys/epoll.h) and verify against cc with 0 mismatches")
    func multiarch() throws {
        let r = try abigen(["--headers", "/usr/include", "--header", "sys/epoll.h", "--preset", "none", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let s = try ABISnapshot.foundationDecode(Data(r.stdout.utf8), path: "<stdout>")
        let event = try #require(s.record(named: "epoll_event"))
        let c = try Trust.compiles(["sys/epoll.h"], Trust.layoutAssertions(event), includeDirectories: [])
        #expect(c.ok, "\(c.stderr)")
        for header in ["sys/stat.h", "sys/epoll.h"] {
            let v = try abigen(["verify", "--headers", "/usr/include", "--header", header, "--preset", "none"])
            #expect(v.status == 0 && v.stdout.contains(" 0 mismatches"), "\(header): \(v.stdout) \(v.stderr)")
        }
    }

    @Test("the system search list is the host compiler's (cc -v), without compiler-private directories")
    func searchListMatchesCC() throws {
        let r = try runProcess("cc", ["-v", "-E", "-x", "c", "/dev/null", "-o", "/dev/null"])
        let lines = r.stderr.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let start = try #require(lines.firstIndex(of: "#include <...> search starts here:"))
        let end = try #require(lines.firstIndex(of: "End of search list."))
        let cc = lines[(start + 1)..<end].filter { !$0.contains("/gcc/") && !$0.contains("/clang/") }.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        #expect(SearchPath.systemDirectories(target: nil) == Array(cc))
    }
}

@Suite("Frontend: macros")
struct FrontendMacroTests {
    @Test("128-bit macros are skipped with a reason, never truncated")
    func int128() throws {
        let s = try Trust.snapshot(["macro_int128.h"])
        #expect(s.constant(named: "TRUST_U128_HIGH") == nil)
        #expect(s.constant(named: "TRUST_I128_SMALL") == nil)
        #expect(s.skippedMacros.first { $0.name == "TRUST_U128_HIGH" }?.reason.contains("128-bit") == true)
        #expect(s.skippedMacros.first { $0.name == "TRUST_I128_SMALL" }?.reason.contains("128-bit") == true)
        #expect(s.constant(named: "TRUST_PLAIN_64")?.value == .unsigned(0x1234_5678_9abc_def0))
    }

    @Test("definition texts keep string and character literals whole, comments outside them removed")
    func stringLiterals() throws {
        let s = try Trust.snapshot(["macro_strings.h"])
        func text(_ n: String) -> String? { s.constant(named: n)?.definition ?? s.skippedMacros.first { $0.name == n }?.definition }
        #expect(text("TRUST_URL") == "\"http://example.org/path\"")
        #expect(text("TRUST_GLOB") == "\"a/*b*/c\"")
        #expect(text("TRUST_SLASH") == "'/'")
        #expect(text("TRUST_SPACES") == "\"two  spaces\\\"and // quote\"")
        #expect(text("TRUST_NUMBER") == "(1 << 4)")
        #expect(s.constant(named: "TRUST_SLASH")?.value == .signed(47))
    }

    @Test("a redefined macro: text, value and header all come from the definition in effect")
    func redefinition() throws {
        let s = try Trust.snapshot(["redefine_first.h", "redefine_second.h"])
        let m = try #require(s.constant(named: "TRUST_REDEFINED"))
        #expect(m.value == .signed(42))
        #expect(m.definition == "(40 + 2)")
        #expect(m.header == "redefine_second.h")
        #expect(s.constant(named: "TRUST_SAME")?.header == "redefine_first.h")
    }

    @Test("macros that depend on the compiler's identity are listed as compiler-dependent (gcc is the oracle)")
    func compilerDependent() throws {
        let s = try Trust.snapshot(["compiler_dependent.h"])
        // What gcc makes of the header.
        let gcc = try runProcess("gcc", ["-dM", "-E", "-x", "c", Trust.dir + "/compiler_dependent.h"])
        #expect(gcc.status == 0)
        #expect(gcc.stdout.contains("#define TRUST_COMPILER_ID 2"))
        #expect(gcc.stdout.contains("#define TRUST_MODERN 1"))
        for name in ["TRUST_COMPILER_ID", "TRUST_GNU_MAJOR", "TRUST_MODERN"] {
            #expect(s.constant(named: name) == nil, "\(name) has clang's value")
            #expect(s.skippedMacros.first { $0.name == name }?.reason.hasPrefix("compiler-dependent:") == true)
        }
        #expect(s.constant(named: "TRUST_PORTABLE")?.value == .signed(3))
    }

    @Test("a macro of 60,000 terms parses (libclang's own stack would overflow)")
    func hugeMacro() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let terms = Array(repeating: "1", count: 60_000).joined(separator: " + ")
        try "#define TRUST_HUGE (\(terms))\nstruct trust_small { int a; };\n".write(toFile: dir + "/huge.h", atomically: true, encoding: .utf8)
        let r = try abigen(["--headers", dir, "--header", "huge.h", "--preset", "none", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let s = try ABISnapshot.foundationDecode(Data(r.stdout.utf8), path: "<stdout>")
        #expect(s.constant(named: "TRUST_HUGE")?.value == .signed(60_000))
    }
}

@Suite("Frontend: errors name what the user typed")
struct FrontendErrorTests {
    /// Runs abigen expecting exit 2 with one line on stderr that contains `mention` and no internal file name.
    func fails(_ args: [String], mentioning mention: String) throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try abigen(args + ["--preset", "none", "-o", dir + "/out.json"])
        #expect(r.status == 2)
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        #expect(lines.count == 1, "\(r.stderr)")
        #expect(r.stderr.contains(mention), "\(r.stderr)")
        #expect(!r.stderr.contains("abigen-input"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.json"))
    }

    @Test("an unknown --target") func unknownTarget() throws {
        try fails(["--headers", "/usr/include", "--header", "linux/types.h", "--target", "nonsense-triple"], mentioning: "--target nonsense-triple")
    }
    @Test("a --header that is a directory") func directory() throws {
        try fails(["--headers", "/usr/include", "--header", "linux"], mentioning: "/usr/include/linux is a directory")
    }
    @Test("a --header with a double quote (the file exists)") func quote() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "struct q { int a; };\n".write(toFile: dir + "/a\"b.h", atomically: true, encoding: .utf8)
        try fails(["--headers", dir, "--header", "a\"b.h"], mentioning: "cannot contain a quote")
    }
    @Test("a --header with a line break") func newline() throws {
        try fails(["--headers", "/usr/include", "--header", "linux/types.h\nx.h"], mentioning: "linux/types.h\\nx.h")
    }
    @Test("a missing --include header") func missingInclude() throws {
        try fails(["--headers", "/usr/include", "--header", "linux/types.h", "--include", "no/such-header.h"], mentioning: "--include no/such-header.h")
    }
}

@Suite("Frontend: diagnostics")
struct FrontendDiagnosticsTests {
    /// Header text whose nested array of unnamed structs (line 3) and shadowed enumerator the model cannot hold.
    static let nested = """
        struct diag_outer {
            struct {
                struct { int x; } inner[2];
            } rows[3];
        };
        enum { DIAG_SHADOW = 2 };
        #define DIAG_SHADOW 1

        """

    /// Parses `headers` of a temporary directory holding `files`, broken headers skipped, into a fresh collector.
    static func parse(_ files: [String: String], headers: [String], timings: Bool) throws -> (snapshot: ABISnapshot, diagnostics: [Diagnostic]) {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        return try parse(dir, headers: headers, timings: timings)
    }

    /// Parses `headers` of `dir`, broken headers skipped, into a fresh collector.
    static func parse(_ dir: String, headers: [String], timings: Bool) throws -> (snapshot: ABISnapshot, diagnostics: [Diagnostic]) {
        let source = SearchPath.addingTargetDirectories(
            to: HeaderSource(includeDirectories: [HeaderSource.Directory(path: dir, role: .user)], headers: headers), builtin: nil)
        var options = ParseOptions(source: source, macroPrefixes: nil)
        options.skipBrokenHeaders = true
        let collector = Diagnostics(recordsTimings: timings)
        options.diagnostics = collector
        let s = try Frontend.parse(options)
        return (s, collector.all)
    }

    @Test("each unsupported entry is a warning naming its symbol and header (header:line where a declaration has one)")
    func warningsAreTheUnsupportedList() throws {
        // The oracle for the skipped header is cc: it must refuse the header too.
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "#error deliberately broken\n".write(toFile: dir + "/broken.h", atomically: true, encoding: .utf8)
        #expect(try runProcess("cc", ["-fsyntax-only", "-x", "c", dir + "/broken.h"]).status != 0)

        let (s, diagnostics) = try Self.parse(["nested.h": Self.nested, "broken.h": "#error deliberately broken\n"],
                                              headers: ["nested.h", "broken.h"], timings: false)
        let warnings = diagnostics.filter { $0.severity == .warning }
        #expect(diagnostics.allSatisfy { $0.severity == .warning }, "no timings asked for: \(diagnostics)")
        #expect(warnings.count == 3, "\(warnings)")
        let fromWarnings = warnings.compactMap { w in w.symbol.map { "\($0) | \(w.message)" } }.sorted()
        #expect(fromWarnings == s.unsupported.map { "\($0.name) | \($0.reason)" }.sorted())

        let innerLine = try #require(Self.nested.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("inner[2]") }) + 1
        let inner = try #require(warnings.first { $0.symbol?.hasSuffix(".inner") == true })
        #expect(inner.location == "nested.h:\(innerLine)")
        #expect(inner.symbol == "__typeof__(((struct diag_outer *)0)->rows[0]).inner")
        let shadow = try #require(warnings.first { $0.symbol == "DIAG_SHADOW" })
        #expect(shadow.location == "nested.h")
        #expect(s.constant(named: "DIAG_SHADOW")?.value == .signed(1))
        let broken = try #require(warnings.first { $0.symbol == "broken.h" })
        #expect(broken.location == "broken.h")
        #expect(broken.message.contains("deliberately broken"))
    }

    @Test("phase timings are notes in the collector when asked for, and change nothing in the snapshot")
    func phaseTimings() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.nested.write(toFile: dir + "/nested.h", atomically: true, encoding: .utf8)
        let timed = try Self.parse(dir, headers: ["nested.h"], timings: true)
        let phases = timed.diagnostics.filter { $0.severity == .note }.map(\.message)
        for phase in ["phase parse:", "phase walk declarations:", "phase parse macro unit as gcc:", "phase evaluate macros:"] {
            #expect(phases.contains { $0.hasPrefix(phase) }, "\(phase) in \(phases)")
        }
        let plain = try Self.parse(dir, headers: ["nested.h"], timings: false)
        #expect(plain.diagnostics.allSatisfy { $0.severity != .note })
        #expect(try timed.snapshot.jsonData() == plain.snapshot.jsonData())
    }
}

@Suite("Frontend: globs")
struct FrontendGlobTests {
    @Test("globMatch is fnmatch(3): it agrees with bash's [[ text == pattern ]] (C locale) and with the expected answer", arguments: [
        ("linux/*.h", "linux/io_uring.h", true), ("*.h", "linux/io_uring.h", true), ("io_uring_*", "io_uring_sqe", true),
        ("io_uring_*", "io_sqring_offsets", false), ("?", "a", true), ("?", "ab", false), ("*", "", true), ("", "", true),
        ("", "a", false), ("a*b*c", "aXbYc", true), ("a*b*c", "aXbY", false), ("[ab]x", "bx", true), ("[ab]x", "cx", false),
        ("?", "é", false), ("??", "é", true), ("*_t", "trust_bar_t", true), ("**", "x", true),
    ])
    func glob(pattern: String, text: String, expected: Bool) throws {
        #expect(globMatch(pattern, text) == expected)
        let bash = try runProcess("env", ["LC_ALL=C", "bash", "-c", "[[ $1 == $2 ]]", "bash", text, pattern])
        #expect((bash.status == 0) == expected, "bash disagrees on \(pattern) / \(text)")
    }
}

import ABIBackends
import ABIModel
import AbigenCLI
import Foundation
import Testing

@Suite("Generator: golden files, completeness, errors")
struct GeneratorTests {
    @Test("Fixtures/golden is what abigen generates today (regenerate: bash Scripts/regenerate.sh)")
    func golden() throws {
        for (args, file) in [([String](), "io_uring-6.1.swift"), (["--format", "json"], "io_uring-6.1.json")] {
            let r = try abigen(["--headers", "/usr/include"] + args)
            #expect(r.status == 0, "\(r.stderr)")
            let golden = try String(contentsOfFile: Repo.root + "/Fixtures/golden/" + file, encoding: .utf8)
            // A Bool first, so a failure prints the differing lines, not both whole files.
            let current = r.stdout == golden
            #expect(current, "Fixtures/golden/\(file) is stale: run bash Scripts/regenerate.sh\n\(ReferenceDiff.describe(expected: golden, actual: r.stdout) ?? "")")
        }
    }

    @Test("the IoUring library's generated layouts are current (regenerate: bash Scripts/regenerate.sh)")
    func libraryLayoutsCurrent() throws {
        let tree = try Repo.kernelTree("6.12")
        // The same selection as abigen.json: the preset's headers plus the timespec the ring's timeouts use.
        let r = try abigen(["--headers", "/usr/include", "--kernel-tree", tree,
                            "--header", "linux/io_uring.h", "--header", "include/linux/io_uring/cmd.h", "--header", "linux/time_types.h",
                            "--record", "io_*", "--record", "__kernel_timespec"])
        #expect(r.status == 0, "\(r.stderr)")
        let checkedIn = try String(contentsOfFile: Repo.root + "/Sources/IoUring/Generated/IoUringABI.swift", encoding: .utf8)
        let current = r.stdout == checkedIn
        #expect(current, "Sources/IoUring/Generated/IoUringABI.swift is stale: run bash Scripts/regenerate.sh\n\(ReferenceDiff.describe(expected: checkedIn, actual: r.stdout) ?? "")")
    }

    @Test("output is byte-identical run to run")
    func deterministic() throws {
        let a = try abigen(["--headers", "/usr/include", "--format", "json"])
        let b = try abigen(["--headers", "/usr/include", "--format", "json"])
        #expect(a.status == 0 && a.stdout == b.stdout)
        let snapshot = try ABISnapshot.decode(Data(a.stdout.utf8), path: "stdout")
        #expect(try String(decoding: snapshot.jsonData(), as: UTF8.self) == a.stdout, "JSON round-trips exactly")
    }

    @Test("the fast JSON writer and reader agree with Foundation's JSONEncoder and JSONDecoder")
    func jsonWriterMatchesFoundation() throws {
        for args in [["--headers", "/usr/include"],
                     ["--headers", Repo.root + "/Fixtures/headers", "--header", "zoo.h", "--preset", "none"],
                     ["--headers", "/usr/include", "--header", "linux/*.h", "--preset", "none"]] {
            let s = try HeaderOptions.parse(args).snapshot()
            #expect(try s.jsonData() == s.foundationJSONData(), "\(args)")
            // And the fast reader gives back what JSONDecoder does.
            let data = try s.jsonData()
            #expect(try ABISnapshot.decode(data, path: "fast") == ABISnapshot.foundationDecode(data, path: "foundation"))
        }
    }

    /// Object-like macros with a preset prefix, as the C preprocessor (`cc -dM -E`) defines them.
    func preprocessorMacros(header: String, includeDirectories: [String], prelude: [String]) throws -> Set<String> {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try (prelude + [header]).map { "#include <\($0)>\n" }.joined().write(toFile: dir + "/m.c", atomically: true, encoding: .utf8)
        let r = try runProcess("cc", ["-dM", "-E", dir + "/m.c"] + includeDirectories.flatMap { ["-I", $0] })
        guard r.status == 0 else { throw TestSetupError(r.stderr) }
        let prefixes = Preset.ioUring.macroPrefixes!
        return Set(r.stdout.split(separator: "\n").compactMap { line -> String? in
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, parts[0] == "#define" else { return nil }
            let name = String(parts[1])
            guard !name.contains("("), prefixes.contains(where: { name.hasPrefix($0) }) else { return nil }
            return name
        })
    }

    /// Enumerator names declared in `header` itself, from clang's own AST dump (minus those its includes declare).
    func astEnumerators(header: String, includeDirectories: [String], prelude: [String]) throws -> Set<String> {
        func names(_ includes: [String]) throws -> Set<String> {
            let dir = try Repo.tempDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try includes.map { "#include <\($0)>\n" }.joined().write(toFile: dir + "/e.c", atomically: true, encoding: .utf8)
            let r = try runProcess("clang", ["-fsyntax-only", "-Xclang", "-ast-dump=json", dir + "/e.c"] + includeDirectories.flatMap { ["-I", $0] })
            guard r.status == 0 else { throw TestSetupError(r.stderr) }
            var found: Set<String> = []
            func walk(_ node: Any) {
                if let d = node as? [String: Any] {
                    if d["kind"] as? String == "EnumConstantDecl", let n = d["name"] as? String { found.insert(n) }
                    (d["inner"] as? [Any])?.forEach(walk)
                }
            }
            walk(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)))
            return found
        }
        // The header's own #include lines, to subtract what they declare.
        let path = includeDirectories.map { $0 + "/" + header }.first { FileManager.default.fileExists(atPath: $0) }!
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let deps = text.split(separator: "\n").compactMap { line -> String? in
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("#include <"), let end = t.firstIndex(of: ">") else { return nil }
            return String(t[t.index(t.startIndex, offsetBy: 10)..<end])
        }
        return try names(prelude + [header]).subtracting(try names(prelude + deps))
    }

    @Test("completeness: every enumerator and every prefixed macro of the header is a constant or listed as skipped", arguments: HeaderSet.allCases)
    func completeness(_ set: HeaderSet) throws {
        let s = try set.snapshot()
        let header = s.headers[0]
        let dirs = try set.probeIncludeDirectories()
        let prelude = s.preludeHeaders ?? []
        let constants = Set(s.constants.map(\.name))
        let skipped = Set(s.skippedMacros.map(\.name))
        let macros = try preprocessorMacros(header: header, includeDirectories: dirs, prelude: prelude)
        #expect(macros.count > 50)
        #expect(macros.subtracting(constants).subtracting(skipped).sorted() == [], "macros the preprocessor defines but abigen lost")
        let enumerators = try astEnumerators(header: header, includeDirectories: dirs, prelude: prelude)
        #expect(enumerators.count > 60)
        #expect(enumerators.subtracting(constants).sorted() == [], "enumerators clang's AST has but abigen lost")
        // Nothing invented: every enumerator constant abigen reports is one clang's AST has.
        let ours = Set(s.constants.filter { $0.origin == .enumerator && $0.header == header }.map(\.name))
        #expect(ours.subtracting(enumerators).sorted() == [])
    }

    @Test("the seven IOSQE_* flags, (~0U) and the ULL mmap offsets keep clang's values and types")
    func trickyMacros() throws {
        let s = try HeaderSet.system61.snapshot()
        let flags = s.constants.filter { $0.name.hasPrefix("IOSQE_") && !$0.name.hasSuffix("_BIT") }
        #expect(flags.count == 7)
        for f in flags {
            #expect(f.type == "unsigned int" && f.origin == .macro)
            let bit = try #require(s.constant(named: f.name + "_BIT"))
            #expect(f.value.bitPattern == 1 << bit.value.bitPattern, "\(f.name) is 1U << \(bit.name)")
        }
        let alloc = try #require(s.constant(named: "IORING_FILE_INDEX_ALLOC"))
        #expect(alloc.value == .unsigned(UInt64(UInt32.max)) && !alloc.signed && alloc.size == 4)
        let sqes = try #require(s.constant(named: "IORING_OFF_SQES"))
        #expect(sqes.size == 8 && sqes.type == "unsigned long long")
    }

    @Test("anonymous members are numbered as bindgen and Swift's importer name them")
    func anonymousNumbering() throws {
        let sqe = try #require(try HeaderSet.system61.snapshot().record(named: "io_uring_sqe"))
        let cmd = try #require(sqe.field(named: "cmd"))
        #expect(cmd.anonymousPath == [6])
        let union6 = try #require(sqe.anonymousMembers.first { $0.path == [6] })
        #expect(union6.bindgenName == "__bindgen_anon_6" && union6.swiftImporterName == "__Anonymous_field12")
        #expect(sqe.field(named: "addr3")?.anonymousPath == [6, 1])
        #expect(cmd.size == 0 && cmd.type.arrayDimensions == [0])
    }

    @Test("a zoo of layout constructs: generated Swift matches C byte for byte")
    func zoo() throws {
        let s = try HeaderOptions.parse(["--headers", Repo.root + "/Fixtures/headers", "--header", "zoo.h", "--preset", "none"]).snapshot()
        #expect(s.records.count == 8)
        #expect(s.record(named: "zoo_packed")?.packed == true)
        #expect(s.record(named: "zoo_bits")?.fields.map(\.name) == ["a", "b", "c", "d", "e"], "unnamed bitfields are padding")
        #expect(s.skippedMacros.map(\.name).sorted() == ["ABIGEN_TEST_ZOO_H", "ZOO_CALL", "ZOO_EMPTY", "ZOO_STRING"])
        let (c, swift) = try CrossCheck.run(s, includes: ["zoo.h"], includeDirectories: [Repo.root + "/Fixtures/headers"])
        #expect(c.count == swift.count && c.count > 25)
        for (a, b) in zip(c, swift) where a != b { Issue.record("C says `\(a)`, generated Swift says `\(b)`") }
    }

    @Test("bad input: one line naming the file, exit 2, no output file")
    func errors() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out.swift"
        let cases: [([String], String)] = [
            (["--headers", dir + "/missing"], dir + "/missing"),
            (["--headers", "/usr/include", "--header", "linux/no_such.h"], "linux/no_such.h"),
            (["--headers", Repo.root + "/Fixtures/bad", "--header", "broken.h"], "broken.h:4:"),
            (["--headers", "/usr/include", "--kernel-tree", dir], dir),
            (["--headers", "/usr/include", "--preset", "nope"], "nope"),
        ]
        for (args, mention) in cases {
            let r = try abigen(args + ["-o", out])
            #expect(r.status == 2, "\(args)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1 && r.stderr.contains(mention), "\(args): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "no temporary file left")
        }
        // An existing output file is left alone when generation fails.
        try "previous".write(toFile: out, atomically: true, encoding: .utf8)
        _ = try abigen(["--headers", Repo.root + "/Fixtures/bad", "--header", "broken.h", "-o", out])
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "previous")
        let ok = try abigen(["--headers", "/usr/include", "-o", out])
        #expect(ok.status == 0 && ok.stdout.isEmpty)
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("struct io_uring_sqe"))
    }

    @Test("--version names the libclang that is loaded")
    func version() throws {
        let r = try abigen(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("libclang: "))
        #expect(r.stdout.contains("loaded from /usr/lib/"), "Debian's libclang, not the Swift toolchain's: \(r.stdout)")
    }
}

@Suite("Documentation stays true")
struct DocumentationTests {
    /// How the help of `command` differs from its block in Documentation/CLI.md.
    static func staleness(_ doc: String, _ command: String, _ help: String) -> String {
        guard let block = ReferenceDiff.fencedBlock(after: "## abigen \(command)", in: doc) else {
            return "Documentation/CLI.md has no `## abigen \(command)` section"
        }
        return ReferenceDiff.describe(expected: block.text, actual: help, firstLine: block.line) ?? ""
    }

    @Test("Documentation/CLI.md holds the current help of every command (regenerate: bash Scripts/regenerate.sh)")
    func cliReference() throws {
        let doc = try String(contentsOfFile: Repo.root + "/Documentation/CLI.md", encoding: .utf8)
        for command in ["generate", "verify", "diff", "check", "config", "targets", "matrix"] {
            let help = try abigen(["help", command])
            #expect(help.status == 0)
            let current = doc.contains(help.stdout)
            #expect(current, "Documentation/CLI.md is stale for `abigen help \(command)`\n\(Self.staleness(doc, command, help.stdout))")
        }
    }
}

@Suite("abigen config (what `swift package generate-abi` runs)")
struct ConfigTests {
    @Test("every output of an abigen.json is written, the same as the command line would")
    func config() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        { "outputs": [
            { "output": "out/ABI.swift", "headers": ["/usr/include"], "records": ["io_uring_sqe", "io_uring_cqe"] },
            { "output": "out/abi.json", "headers": ["/usr/include"], "format": "json" } ] }
        """.write(toFile: dir + "/abigen.json", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        let r = try abigen(["config", dir + "/abigen.json"])
        #expect(r.status == 0, "\(r.stderr)")
        let direct = try abigen(["--headers", "/usr/include", "--record", "io_uring_sqe", "--record", "io_uring_cqe"])
        #expect(try String(contentsOfFile: dir + "/out/ABI.swift", encoding: .utf8) == direct.stdout)
        let json = try ABISnapshot.load(from: dir + "/out/abi.json")
        #expect(json.record(named: "io_uring_sqe") != nil)
        // The repository's own abigen.json is what produces the library's layouts.
        let own = try AbigenConfig.load(Repo.root + "/abigen.json")
        #expect(own.outputs.map(\.output) == ["Sources/IoUring/Generated/IoUringABI.swift"])
        // A broken configuration: one line naming the file, exit 2.
        try "{ \"outputs\": [ { \"headers\": [] } ] }".write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
        let bad = try abigen(["config", dir + "/bad.json"])
        #expect(bad.status == 2 && bad.stderr.contains("bad.json") && bad.stderr.contains("output"))
    }
}

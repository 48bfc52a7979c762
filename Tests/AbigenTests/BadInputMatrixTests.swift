import ABIModel
import Foundation
import Testing

/// One run of abigen on bad input and what must hold besides "exit 2, one line, no trap".
struct Invocation: Sendable {
    var arguments: [String]
    var stdout: StandardOutput = .pipe
    var environment: [String: String] = [:]
    /// Files that must not exist afterwards (the `-o` target, config outputs).
    var mustNotExist: [String] = []
    /// Texts the error line must contain (the file at fault, the key, the valid choices).
    var mentions: [String] = []
    /// Paths that must still be character devices afterwards.
    var devices: [String] = []
    /// Directories that must be empty afterwards (a TMPDIR given to the run).
    var emptyDirectories: [String] = []
}

/// A row of the matrix.
struct BadInputCase: Sendable, CustomTestStringConvertible {
    /// Whose code makes the case pass: the command line (this branch), the frontend, or the model's snapshot validation.
    enum Owner: String, Sendable { case cli, frontend, model }
    var name: String
    var owner: Owner
    var make: @Sendable (BadInputFixture) throws -> Invocation
    var testDescription: String { "\(owner.rawValue): \(name)" }

    init(_ name: String, _ owner: Owner = .cli, _ make: @escaping @Sendable (BadInputFixture) throws -> Invocation) {
        self.name = name
        self.owner = owner
        self.make = make
    }
}

/// A case that renders an edited snapshot (`generate --snapshot`) into a file that must not appear.
func snapshotCase(_ name: String, format: String = "swift", _ edits: [(String, String)]) -> BadInputCase {
    BadInputCase(name, .model) { f in
        let path = try f.snapshot(name, edits)
        let out = (path as NSString).deletingLastPathComponent + "/out"
        return Invocation(arguments: ["--snapshot", path, "--format", format, "-o", out], mustNotExist: [out], mentions: [path])
    }
}

/// A case that diffs the good snapshot against an edited one.
func diffCase(_ name: String, _ edits: [(String, String)]) -> BadInputCase {
    BadInputCase(name, .model) { f in
        let path = try f.snapshot(name, edits)
        return Invocation(arguments: ["diff", f.good, path], mentions: [path])
    }
}

/// A case that parses bad raw bytes as a snapshot.
func rawSnapshotCase(_ name: String, _ bytes: @escaping @Sendable (BadInputFixture) -> [UInt8]) -> BadInputCase {
    BadInputCase(name, .model) { f in
        let path = try f.file(name, "bad.json", bytes(f))
        let out = (path as NSString).deletingLastPathComponent + "/out"
        return Invocation(arguments: ["--snapshot", path, "-o", out], mustNotExist: [out], mentions: [path])
    }
}

/// A configuration file case: `text` is written as abigen.json next to the fixture header; `outputs` must not appear.
func configCase(_ name: String, owner: BadInputCase.Owner = .cli, mentions: [String] = [], namesConfig: Bool = true, _ text: @escaping @Sendable (_ dir: String, _ header: String) -> String,
                outputs: [String] = ["a.swift", "b.swift"]) -> BadInputCase {
    BadInputCase(name, owner) { f in
        let d = try f.caseDirectory(name)
        let config = d + "/abigen.json"
        try text(d, f.dir).write(toFile: config, atomically: true, encoding: .utf8)
        return Invocation(arguments: ["config", config], mustNotExist: outputs.map { d + "/" + $0 }, mentions: (namesConfig ? [config] : []) + mentions)
    }
}

/// The commands whose output goes to standard output, for the full and closed standard output cases.
func stdoutCommands(_ f: BadInputFixture) -> [(String, [String])] {
    [
        ("generate swift", ["--headers", f.dir, "--header", "t.h", "--preset", "none"]),
        ("generate json", ["--snapshot", f.good, "--format", "json"]),
        ("generate svg", ["--snapshot", f.good, "--format", "svg"]),
        ("diff", ["diff", f.good, f.good]),
        ("check", ["check", "--baseline", f.good, "--headers", f.dir, "--header", "t.h", "--preset", "none"]),
        ("verify", ["verify", "--snapshot", f.good, "--headers", f.dir, "--preset", "none"]),
        ("help", ["help", "diff"]),
        ("version", ["--version"]),
    ]
}

@Suite("bad input matrix: exit 2, one line on stderr, no trap, no output file")
struct BadInputMatrixTests {
    static let cases: [BadInputCase] = [
        // Flags and values.
        BadInputCase("--format bogus lists the formats") { f in
            Invocation(arguments: ["--snapshot", f.good, "--format", "bogus"], mentions: ["bogus", "swift", "json", "markdown", "svg"])
        },
        BadInputCase("diff --format bogus lists the formats") { f in
            Invocation(arguments: ["diff", f.good, f.good, "--format", "bogus"], mentions: ["text", "json", "markdown", "github"])
        },
        BadInputCase("--fail-on bogus") { f in Invocation(arguments: ["diff", f.good, f.good, "--fail-on", "bogus"], mentions: ["breaking", "any"]) },
        BadInputCase("--access bogus") { f in Invocation(arguments: ["--snapshot", f.good, "--access", "bogus"], mentions: ["public", "internal"]) },
        BadInputCase("--preset bogus") { f in Invocation(arguments: ["--headers", f.dir, "--header", "t.h", "--preset", "bogus"], mentions: ["io_uring", "none"]) },
        BadInputCase("unknown option") { f in Invocation(arguments: ["--snapshot", f.good, "--bogus-option"], mentions: ["--bogus-option"]) },
        BadInputCase("missing argument of diff") { f in Invocation(arguments: ["diff", f.good], mentions: ["new"]) },
        BadInputCase("--extend huge (1 GB)") { f in
            let out = try f.caseDirectory("extend-huge") + "/out.svg"
            return Invocation(arguments: ["--snapshot", f.good, "--format", "svg", "--extend", "s=1000000000", "-o", out],
                              mustNotExist: [out], mentions: ["--extend", "1048576"])
        },
        BadInputCase("--extend past Int") { f in
            Invocation(arguments: ["--snapshot", f.good, "--format", "svg", "--extend", "s=99999999999999999999999"], mentions: ["--extend"])
        },
        BadInputCase("--extend negative") { f in Invocation(arguments: ["--snapshot", f.good, "--format", "svg", "--extend", "s=-8"], mentions: ["--extend"]) },
        BadInputCase("--extend without size") { f in Invocation(arguments: ["--snapshot", f.good, "--format", "svg", "--extend", "s"], mentions: ["--extend"]) },
        // Headers.
        BadInputCase("--header that is a directory") { f in
            Invocation(arguments: ["--headers", f.dir, "--header", "sub", "--preset", "none"], mentions: ["sub"])
        },
        BadInputCase("--header with a quote") { f in
            Invocation(arguments: ["--headers", f.dir, "--header", "t\".h", "--preset", "none"], mentions: ["t\\\".h"])
        },
        BadInputCase("--header with a newline") { f in
            Invocation(arguments: ["--headers", f.dir, "--header", "t.h\n#include \"/etc/passwd\"", "--preset", "none"])
        },
        BadInputCase("--header not found") { f in
            Invocation(arguments: ["--headers", f.dir, "--header", "none.h", "--preset", "none"], mentions: ["none.h"])
        },
        BadInputCase("--header glob matching nothing") { f in
            Invocation(arguments: ["--headers", f.dir, "--header", "nothing*.h", "--preset", "none"], mentions: ["nothing*.h"])
        },
        BadInputCase("missing --include", .frontend) { f in
            Invocation(arguments: ["--headers", f.dir, "--header", "t.h", "--include", "missing_prelude.h", "--preset", "none"],
                       mentions: ["missing_prelude.h"])
        },
        BadInputCase("unknown --target", .frontend) { f in
            Invocation(arguments: ["--headers", f.dir, "--header", "t.h", "--target", "bogus-unknown-none", "--preset", "none"],
                       mentions: ["bogus-unknown-none"])
        },
        BadInputCase("--kernel-tree that is not a tree") { f in
            Invocation(arguments: ["--headers", "/usr/include", "--kernel-tree", f.dir], mentions: [f.dir])
        },
        // Snapshot files, at the command line's level.
        BadInputCase("--snapshot missing") { f in
            let out = f.dir + "/missing-out.swift"
            return Invocation(arguments: ["--snapshot", f.dir + "/none.json", "-o", out], mustNotExist: [out], mentions: [f.dir + "/none.json"])
        },
        BadInputCase("--snapshot that is not JSON") { f in
            let path = try f.file("not-json", "x.json", Array("hello, world\n".utf8))
            return Invocation(arguments: ["--snapshot", path], mentions: [path])
        },
        BadInputCase("--snapshot that is a directory") { f in Invocation(arguments: ["--snapshot", f.dir + "/sub"], mentions: [f.dir + "/sub"]) },
        BadInputCase("diff with a missing side") { f in Invocation(arguments: ["diff", f.dir + "/none.json", f.good], mentions: ["none.json"]) },
        BadInputCase("diff with a side that is not JSON") { f in
            let path = try f.file("diff-not-json", "x.json", Array("[1,".utf8))
            return Invocation(arguments: ["diff", f.good, path], mentions: [path])
        },
        BadInputCase("check with a missing baseline") { f in
            Invocation(arguments: ["check", "--baseline", f.dir + "/none.json", "--headers", f.dir, "--header", "t.h", "--preset", "none"],
                       mentions: ["none.json"])
        },
        BadInputCase("missing suppression file") { f in
            Invocation(arguments: ["diff", f.good, f.good, "--suppressions", f.dir + "/none.txt"], mentions: ["none.txt"])
        },
        BadInputCase("verify --snapshot missing") { f in
            Invocation(arguments: ["verify", "--snapshot", f.dir + "/none.json", "--headers", f.dir], mentions: ["none.json"])
        },
        // --btf and what it cannot be combined with (issue 13): refused by the command line before reading the blob,
        // so each error names the option at fault (a BTF read error would name only the file).
        BadInputCase("--btf given twice names both files") { f in
            let a = try f.file("btf-twice-a", "a.btf", badInputBTFMagic), b = try f.file("btf-twice-b", "b.btf", badInputBTFMagic)
            return Invocation(arguments: ["--btf", a, "--btf", b, "--preset", "none"], mentions: [a, b])
        },
        BadInputCase("--btf with --header") { f in
            Invocation(arguments: ["--btf", try f.file("btf-header", "x.btf", badInputBTFMagic), "--header", "t.h"], mentions: ["--btf", "--header"])
        },
        BadInputCase("--btf with --headers") { f in
            Invocation(arguments: ["--btf", try f.file("btf-headers", "x.btf", badInputBTFMagic), "--headers", f.dir], mentions: ["--btf", "--headers"])
        },
        BadInputCase("--btf with --kernel-tree") { f in
            Invocation(arguments: ["--btf", try f.file("btf-tree", "x.btf", badInputBTFMagic), "--kernel-tree", f.dir], mentions: ["--btf", "--kernel-tree"])
        },
        BadInputCase("--btf with --clang-arg") { f in
            Invocation(arguments: ["--btf", try f.file("btf-clang-arg", "x.btf", badInputBTFMagic), "--clang-arg=-DX"], mentions: ["--btf", "--clang-arg"])
        },
        BadInputCase("--btf with --include") { f in
            Invocation(arguments: ["--btf", try f.file("btf-include", "x.btf", badInputBTFMagic), "--include", "t.h"], mentions: ["--btf", "--include"])
        },
        BadInputCase("check --btf with --headers") { f in
            Invocation(arguments: ["check", "--baseline", f.good, "--btf", try f.file("check-btf", "x.btf", badInputBTFMagic), "--headers", f.dir],
                       mentions: ["--btf", "--headers"])
        },
        BadInputCase("matrix --btf") { f in
            Invocation(arguments: ["matrix", "--btf", try f.file("matrix-btf", "x.btf", badInputBTFMagic)], mentions: ["matrix", "--btf"])
        },
        BadInputCase("matrix --kernel-tree running") { _ in Invocation(arguments: ["matrix", "--kernel-tree", "running"], mentions: ["matrix", "running"]) },
        BadInputCase("verify --snapshot given a BTF blob says --btf") { f in
            let blob = try f.file("verify-btf-snapshot", "vmlinux", badInputBTFMagic)
            return Invocation(arguments: ["verify", "--snapshot", blob, "--preset", "none"], mentions: [blob, "--btf"])
        },
        // Outside review, fifth round: a member whose type C cannot hold by value (here a forward declaration).
        BadInputCase("BTF with a member of forward-declared type by value", .frontend) { f in
            let blob = try f.file("btf-fwd-member", "fwd.btf", badInputBTFForwardMember)
            return Invocation(arguments: ["--btf", blob, "--preset", "none", "--format", "json"], mentions: [blob, "member 'bad'", "FWD"])
        },
        // ABIGEN_LIBCLANG must name a regular file (a FIFO blocked dlopen for ever) by a path (a bare name is searched for).
        BadInputCase("ABIGEN_LIBCLANG naming a directory") { f in
            var inv = Invocation(arguments: ["--headers", f.dir, "--header", "t.h", "--preset", "none"], mentions: [f.dir, "not a regular file"])
            inv.environment = ["ABIGEN_LIBCLANG": f.dir]
            return inv
        },
        BadInputCase("ABIGEN_LIBCLANG a bare name") { f in
            var inv = Invocation(arguments: ["--headers", f.dir, "--header", "t.h", "--preset", "none"], mentions: ["libclang.so", "not a path"])
            inv.environment = ["ABIGEN_LIBCLANG": "libclang.so"]
            return inv
        },
        // Outside review of the one-parse frontend: a header whose last declaration lacks its ';' was taken in by the
        // macro section after it and accepted; it must fail with clang's error in the header, as cc does.
        BadInputCase("a header whose last struct lacks its ';'", .frontend) { f in
            let dir = try f.caseDirectory("missing-semicolon")
            try Data("#ifndef X_H\n#define X_H\nstruct s { int a; }\n#endif\n".utf8).write(to: URL(fileURLWithPath: dir + "/x.h"))
            return Invocation(arguments: ["--headers", dir, "--header", "x.h", "--preset", "none"], mentions: ["x.h:3:20", "expected ';' after struct"])
        },
        // A header found for no target: the matrix cannot run at all (2), it is not a failed check (1).
        BadInputCase("matrix with a missing header") { f in
            Invocation(arguments: ["matrix", "--headers", f.dir, "--header", "none.h", "--preset", "none"], mentions: ["none.h"])
        },
        BadInputCase("--extend a record the snapshot does not have") { f in
            let out = try f.caseDirectory("extend-unknown") + "/out.svg"
            return Invocation(arguments: ["--snapshot", f.good, "--format", "svg", "--extend", "nosuch=64", "-o", out], mustNotExist: [out],
                              mentions: ["nosuch"])
        },
        // Output files.
        BadInputCase("-o into a missing directory") { f in
            let out = f.dir + "/no/such/dir/out.swift"
            return Invocation(arguments: ["--snapshot", f.good, "-o", out], mustNotExist: [out], mentions: [out])
        },
        BadInputCase("-o a directory") { f in Invocation(arguments: ["--snapshot", f.good, "-o", f.dir + "/sub"], mentions: [f.dir + "/sub"]) },
        BadInputCase("-o a dangling symbolic link") { f in
            let d = try f.caseDirectory("dangling")
            try FileManager.default.createSymbolicLink(atPath: d + "/link", withDestinationPath: d + "/nowhere/file")
            return Invocation(arguments: ["--snapshot", f.good, "-o", d + "/link"], mustNotExist: [d + "/nowhere"], mentions: [d + "/link"])
        },
        BadInputCase("-o /dev/full is written through, not replaced") { f in
            // As root a broken abigen would replace the machine's /dev/full (it did): root uses a twin made with
            // mknod in a scratch directory instead, the same device numbers.
            let d = try f.caseDirectory("mknod")
            let node = d + "/full"
            if geteuid() != 0 || mknod(node, S_IFCHR | 0o666, dev_t(1 << 8 | 7)) != 0 {
                return Invocation(arguments: ["--snapshot", f.good, "-o", "/dev/full"], mentions: ["/dev/full"], devices: ["/dev/full"])
            }
            return Invocation(arguments: ["--snapshot", f.good, "-o", node], mentions: [node], devices: [node])
        },
        BadInputCase("-o a symbolic link to /dev/full") { f in
            let d = try f.caseDirectory("link-full")
            try FileManager.default.createSymbolicLink(atPath: d + "/link", withDestinationPath: "/dev/full")
            return Invocation(arguments: ["--snapshot", f.good, "-o", d + "/link"], devices: ["/dev/full"])
        },
        // Configuration files.
        BadInputCase("config file missing") { f in Invocation(arguments: ["config", f.dir + "/none.json"], mentions: ["none.json"]) },
        configCase("config not JSON") { _, _ in "{ \"outputs\": [ " },
        // Foundation's JSON readers trap on 513 levels opened at the end of a file (outside review).
        configCase("config nested 513 levels deep, then the end", mentions: ["nesting deeper than 512 levels"]) { _, _ in String(repeating: "[", count: 513) },
        configCase("config whose outputs are nested 600 levels deep", mentions: ["nesting deeper than 512 levels"]) { _, _ in
            "{\"outputs\": [" + String(repeating: "[", count: 600)
        },
        configCase("config with an unknown top-level key", mentions: ["outptus"]) { _, h in
            #"{"outptus": [], "outputs": [{"output": "a.swift", "headers": ["\#(h)"], "header": ["t.h"], "preset": "none"}]}"#
        },
        configCase("config with an unknown output key", mentions: ["formt"]) { _, h in
            #"{"outputs": [{"output": "a.swift", "headers": ["\#(h)"], "header": ["t.h"], "preset": "none", "formt": "json"}]}"#
        },
        configCase("config with a bad format", mentions: ["bogus", "format"]) { _, h in
            #"{"outputs": [{"output": "a.swift", "headers": ["\#(h)"], "header": ["t.h"], "preset": "none", "format": "bogus"}]}"#
        },
        configCase("config with a bad access", mentions: ["secret", "access"]) { _, h in
            #"{"outputs": [{"output": "a.swift", "headers": ["\#(h)"], "header": ["t.h"], "preset": "none", "access": "secret"}]}"#
        },
        configCase("config with a bad preset", mentions: ["bogus"]) { _, h in
            #"{"outputs": [{"output": "a.swift", "headers": ["\#(h)"], "header": ["t.h"], "preset": "bogus"}]}"#
        },
        configCase("config with two outputs to one file", mentions: ["outputs[0]", "outputs[1]"]) { _, h in
            #"{"outputs": [{"output": "a.swift", "headers": ["\#(h)"], "header": ["t.h"], "preset": "none"},"#
                + #" {"output": "./a.swift", "headers": ["\#(h)"], "header": ["t.h"], "preset": "none", "format": "json"}]}"#
        },
        configCase("config with no outputs") { _, _ in #"{"outputs": []}"# },
        configCase("config with a wrongly typed key", mentions: ["headers"]) { _, _ in #"{"outputs": [{"output": "a.swift", "headers": "/usr/include"}]}"# },
        configCase("config whose second output fails writes neither", mentions: ["none.h"], namesConfig: false) { _, h in
            #"{"outputs": [{"output": "a.swift", "headers": ["\#(h)"], "header": ["t.h"], "preset": "none"},"#
                + #" {"output": "b.swift", "headers": ["\#(h)"], "header": ["none.h"], "preset": "none"}]}"#
        },
        configCase("config whose second output's directory is missing writes neither", mentions: ["missing/b.swift"], namesConfig: false) { _, h in
            #"{"outputs": [{"output": "a.swift", "headers": ["\#(h)"], "header": ["t.h"], "preset": "none"},"#
                + #" {"output": "missing/b.swift", "headers": ["\#(h)"], "header": ["t.h"], "preset": "none"}]}"#
        },
        // verify's environment.
        BadInputCase("verify with a missing compiler names --cc") { f in
            Invocation(arguments: ["verify", "--snapshot", f.good, "--headers", f.dir, "--cc", f.dir + "/no-cc"], mentions: ["--cc"])
        },
        BadInputCase("verify whose probe does not compile leaves no probe directory") { f in
            let tmp = try f.caseDirectory("verify-tmp")
            return Invocation(arguments: ["verify", "--snapshot", f.good, "--headers", f.dir, "--cc", "/bin/false"],
                              environment: ["TMPDIR": tmp], emptyDirectories: [tmp])
        },
        // Snapshots: rules of the model's validation (section 2).
        snapshotCase("bitWidth without bitOffset", [(#""bitOffset":32,"#, "")]),
        snapshotCase("constant size 0", [(#""origin":"macro","signed":true,"size":4"#, #""origin":"macro","signed":true,"size":0"#)]),
        snapshotCase("constant size negative", [(#""origin":"macro","signed":true,"size":4"#, #""origin":"macro","signed":true,"size":-4"#)]),
        snapshotCase("constant size 3", [(#""origin":"macro","signed":true,"size":4"#, #""origin":"macro","signed":true,"size":3"#)]),
        snapshotCase("enum size 0", [(#""enumType":{"signed":false,"size":4"#, #""enumType":{"signed":false,"size":0"#)]),
        snapshotCase("empty anonymousPath", [(#""anonymousPath":[1],"name":"x""#, #""anonymousPath":[],"name":"x""#)]),
        snapshotCase("empty fieldIndexes", [(#""fieldIndexes":[3]"#, #""fieldIndexes":[]"#)]),
        snapshotCase("array dimensions whose product overflows", [(#""arrayDimensions":[2,3]"#, #""arrayDimensions":[4611686018427387904,4611686018427387904]"#)]),
        snapshotCase("Int64.min offset", [(#""name":"arr","offset":12"#, #""name":"arr","offset":-9223372036854775808"#)]),
        snapshotCase("bitWidth 1000", [(#""bitWidth":3"#, #""bitWidth":1000"#)]),
        snapshotCase("negative record size", [(#""packed":false,"size":36"#, #""packed":false,"size":-36"#)]),
        snapshotCase("absurd record size (2^40)", [(#""packed":false,"size":36"#, #""packed":false,"size":1099511627776"#)]),
        snapshotCase("offset beyond the record", [(#""name":"arr","offset":12"#, #""name":"arr","offset":400"#)]),
        snapshotCase("bitfield beyond the record", [(#""bitOffset":32"#, #""bitOffset":4000"#)]),
        snapshotCase("record name not an identifier", [(#""kind":"struct","name":"s""#, #""kind":"struct","name":"s; x""#)]),
        snapshotCase("field name not an identifier", [(#""name":"a","offset":0"#, #""name":"a b","offset":0"#)]),
        snapshotCase("constant name not an identifier", [(#""name":"K_ONE""#, #""name":"K-ONE""#)]),
        snapshotCase("header with a newline (code injection)", [(#""headers":["t.h"]"#, #""headers":["t.h\npublic let injected = 42"]"#)]),
        snapshotCase("record header with a control character", [(#""header":"t.h","kind""#, #""header":"t.h\u0007","kind""#)]),
        snapshotCase("schemaVersion 99", [(currentSchemaVersionText, #""schemaVersion":99"#)]),
        snapshotCase("schemaVersion -1", [(currentSchemaVersionText, #""schemaVersion":-1"#)]),
        snapshotCase("markdown: negative size", format: "markdown", [(#""packed":false,"size":36"#, #""packed":false,"size":-36"#)]),
        snapshotCase("markdown: negative offset", format: "markdown", [(#""name":"arr","offset":12"#, #""name":"arr","offset":-12"#)]),
        snapshotCase("svg: offset beyond the record", format: "svg", [(#""name":"arr","offset":12"#, #""name":"arr","offset":400"#)]),
        BadInputCase("verify: absolute header path", .model) { f in
            let path = try f.snapshot("absolute-header", [(#""headers":["t.h"]"#, #""headers":["/etc/shadow"]"#)])
            return Invocation(arguments: ["verify", "--snapshot", path, "--headers", f.dir], mentions: [path])
        },
        BadInputCase("verify: header with ..", .model) { f in
            let path = try f.snapshot("dotdot-header", [(#""headers":["t.h"]"#, #""headers":["../../../../../etc/shadow"]"#)])
            return Invocation(arguments: ["verify", "--snapshot", path, "--headers", f.dir], mentions: [path])
        },
        diffCase("diff: an empty anonymous member path", [(#""path":[1]"#, #""path":[]"#)]),
        diffCase("diff: a negative size", [(#""packed":false,"size":36"#, #""packed":false,"size":-36"#)]),
        diffCase("diff: a negative reserved offset", [(#""name":"a","offset":0"#, #""name":"resv","offset":-8"#)]),
        diffCase("diff: a size near Int.max", [(#""packed":false,"size":36"#, #""packed":false,"size":9223372036854775807"#)]),
        diffCase("diff: an anonymous member without fieldIndexes", [(#""fieldIndexes":[3],"#, "")]),
        diffCase("diff: a field size of 10^12", [(#""name":"arr","offset":12,"size":24"#, #""name":"arr","offset":12,"size":1000000000000"#)]),
        // Snapshots: the JSON reader.
        rawSnapshotCase("JSON nested 100,000 deep") { _ in Array(repeating: UInt8(ascii: "["), count: 100_000) + Array(repeating: UInt8(ascii: "]"), count: 100_000) },
        rawSnapshotCase("JSON with a raw control character in a string") { f in Array(f.snapshot.replacingOccurrences(of: #""target":"x86"#, with: "\"target\":\"x\u{1}86").utf8) },
        rawSnapshotCase("JSON with a leading zero") { f in Array(f.snapshot.replacingOccurrences(of: #""alignment":4"#, with: #""alignment":04"#).utf8) },
        rawSnapshotCase("JSON with invalid UTF-8") { f in
            let parts = f.snapshot.components(separatedBy: #""target":""#)
            return Array(parts[0].utf8) + Array(#""target":""#.utf8) + [0xFF, 0xFE] + Array(parts.dropFirst().joined(separator: #""target":""#).utf8)
        },
        rawSnapshotCase("JSON number 2^64") { f in Array(f.snapshot.replacingOccurrences(of: #""value":1"#, with: #""value":18446744073709551616"#).utf8) },
        rawSnapshotCase("JSON truncated") { f in Array(f.snapshot.utf8.dropLast(20)) },
        rawSnapshotCase("empty file") { _ in [] },
    ]

    @Test("each case", arguments: cases)
    func matrix(_ c: BadInputCase) throws {
        let fixture = try BadInputMatrixTests.fixture()
        let inv = try c.make(fixture)
        let r = try runAbigen(inv.arguments, stdout: inv.stdout, environment: inv.environment)
        try check(r, inv, c.testDescription)
    }

    @Test("full and closed standard output, every command", arguments: [StandardOutput.full, .closed])
    func standardOutput(_ mode: StandardOutput) throws {
        let fixture = try BadInputMatrixTests.fixture()
        for (name, args) in stdoutCommands(fixture) {
            let r = try runAbigen(args, stdout: mode, environment: [:])
            try check(r, Invocation(arguments: args, stdout: mode, mentions: ["standard output"]), "\(name) >\(mode.rawValue)")
        }
    }

    static func fixture() throws -> BadInputFixture { try BadInputFixture.shared.get() }

    func check(_ r: ProcessResult, _ inv: Invocation, _ label: String) throws {
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(r.status == 2, "\(label): exit \(r.status); stderr: \(r.stderr.prefix(600))")
        #expect(r.status < 128, "\(label): trapped")
        #expect(lines.count == 2 && lines[1].isEmpty && !lines[0].isEmpty,
                "\(label): want exactly one line on stderr, got \(lines.count - 1): \(r.stderr.prefix(600))")
        #expect(r.stdout.isEmpty, "\(label): wrote to standard output: \(r.stdout.prefix(200))")
        #expect(!r.stderr.contains("/abigen-input"), "\(label): names an internal file: \(r.stderr.prefix(300))")
        for m in inv.mentions { #expect(r.stderr.contains(m), "\(label): the error does not mention \(m): \(r.stderr.prefix(300))") }
        for p in inv.mustNotExist {
            var st = stat()
            #expect(lstat(p, &st) != 0, "\(label): \(p) exists")
        }
        for d in inv.devices {
            var st = stat()
            #expect(stat(d, &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR, "\(label): \(d) is no longer a character device")
        }
        for d in inv.emptyDirectories {
            let left = (try? FileManager.default.contentsOfDirectory(atPath: d)) ?? []
            #expect(left.isEmpty, "\(label): left behind in \(d): \(left)")
        }
    }
}

/// The first bytes of a BTF blob (magic 0xEB9F, little-endian, version 1) and nothing else: abigen tells it is BTF.
let badInputBTFMagic: [UInt8] = [0x9f, 0xeb, 0x01, 0x00, 0x18, 0x00, 0x00, 0x00]

/// A little-endian BTF blob: `int` (id 1), a forward declaration `later` (id 2), and `struct s { int n; later bad; }`.
let badInputBTFForwardMember: [UInt8] = {
    func u32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)] }
    let strings = Array("\0int\0later\0s\0n\0bad\0".utf8)          // offsets 1, 5, 11, 13, 15
    var types: [UInt8] = []
    types += u32(1) + u32(1 << 24) + u32(4) + u32(1 << 24 | 32)           // INT int, 4 bytes, signed, 32 bits
    types += u32(5) + u32(7 << 24) + u32(0)                               // FWD later (a struct)
    types += u32(11) + u32(4 << 24 | 2) + u32(8)                          // STRUCT s, 2 members, 8 bytes
    types += u32(13) + u32(1) + u32(0) + u32(15) + u32(2) + u32(32)       // n: int at bit 0; bad: later at bit 32
    let header: [UInt8] = [0x9f, 0xeb, 0x01, 0x00] + u32(24) + u32(0) + u32(UInt32(types.count)) + u32(UInt32(types.count)) + u32(UInt32(strings.count))
    return header + types + strings
}()

/// The fixture snapshot's version field as written (the version abigen writes today).
let currentSchemaVersionText = "\"schemaVersion\":\(ABISnapshot.currentSchemaVersion)"

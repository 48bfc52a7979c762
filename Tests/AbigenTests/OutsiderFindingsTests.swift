import ABIModel
import Foundation
import Testing

/// Defects found by an outside review (hostile inputs and misuse), one test each.
@Suite struct OutsiderFindingsTests {
    /// `--target` with a space or a newline was handed to clang, which accepted it, and written into the snapshot,
    /// which abigen's own validator then refused to read back. It must be refused up front, with no output file.
    @Test(arguments: ["x86_64-linux-gnu -DX=1", "x86_64-linux-gnu\nevil"])
    func targetThatIsNotATripleIsRefused(_ target: String) throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/abi.json"
        let r = try runAbigen(["--headers", "/usr/include", "--target", target, "--format", "json", "-o", out])
        #expect(r.status == 2)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("--target"))
        #expect(!FileManager.default.fileExists(atPath: out))
        let v = try runAbigen(["verify", "--headers", "/usr/include", "--target", target])
        #expect(v.status == 2)
        #expect(v.stderr.split(separator: "\n").count == 1)
    }

    /// `#define BIG 18446744073709551615` (unsuffixed decimal above LLONG_MAX) is `unsigned long long` to clang but
    /// `__int128` to gcc, so the snapshot said 8 bytes and `verify` (gcc) said 16: abigen disagreed with itself.
    /// Such a macro, directly or through another macro, must be skipped as compiler-dependent and verify must pass.
    @Test func unsuffixedDecimalAboveLongLongIsCompilerDependent() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        #define OF_BIG 18446744073709551615
        #define OF_VIA (OF_BIG)
        #define OF_HEX 0xffffffffffffffff
        #define OF_OK 9223372036854775807

        """.write(toFile: dir + "/of.h", atomically: true, encoding: .utf8)
        let args = ["--headers", dir, "--header", "of.h", "--preset", "none", "--macro-prefix", "OF_"]
        let v = try runAbigen(["verify"] + args)
        #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
        let g = try runAbigen(args + ["--format", "json", "-o", "-"])
        #expect(g.status == 0)
        let snapshot = try ABISnapshot.decode(Data(g.stdout.utf8), path: "stdout")
        #expect(snapshot.constants.map(\.name) == ["OF_HEX", "OF_OK"])
        let skipped = snapshot.skippedMacros.filter { $0.reason.hasPrefix("compiler-dependent") }.map(\.name)
        #expect(skipped == ["OF_BIG", "OF_VIA"])
    }

    /// clang spells an unnamed record with its file (`struct (unnamed struct at DIR/y.h:1:12) *`), which abigen
    /// drops; a `)` in the directory name ended the dropped text early, so the same header gave another snapshot
    /// (`struct <unnamed>x/y.h:1:12) *`) and `diff` a respelled-type note. The oracle: the same header elsewhere.
    @Test func parenthesisInTheHeaderPathDoesNotLeakIntoSpellings() throws {
        let root = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var outputs: [String] = []
        // (A directory whose own name holds `:LINE:COLUMN)` stays ambiguous; none of these does.)
        for name in ["plain", "inc)x", "headers (copy)", "x) y(z", "a)b)c"] {
            let dir = root + "/" + name
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try "struct s { struct { int p; } *ptr; union { int q; } *qp; };\n".write(toFile: dir + "/y.h", atomically: true, encoding: .utf8)
            let r = try runAbigen(["--headers", dir, "--header", "y.h", "--preset", "none", "--format", "json", "-o", "-"])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            let snapshot = try ABISnapshot.decode(Data(r.stdout.utf8), path: name)
            let spellings = snapshot.records.flatMap(\.fields).map(\.type.spelling)
            outputs.append(spellings.joined(separator: "; "))
        }
        #expect(outputs[0] == "struct <unnamed> *; union <unnamed> *", "\(outputs[0])")
        for (i, o) in outputs.enumerated() { #expect(o == outputs[0], "directory \(i): \(o)") }
    }

    /// `verify --keep-probe` at an existing file printed Foundation's whole NSError dump (`Error Domain=NSCocoaErrorDomain
    /// Code=516 ... UserInfo={...}`) instead of the problem in words.
    @Test func keepProbeAtAFileGivesAShortReason() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/taken"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let r = try runAbigen(["verify", "--headers", "/usr/include", "--keep-probe", file])
        #expect(r.status == 2)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains(file))
        #expect(r.stderr.contains(String(cString: strerror(EEXIST))))
        #expect(!r.stderr.contains("Domain="))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "x")
    }

    /// With `--target i686-linux-gnu`, generate found `<stdint.h>`'s `bits/` headers in the cross directory it adds by
    /// itself (/usr/i686-linux-gnu/include), but verify's probe compiler was not given that directory and failed
    /// (exit 2) on the same header. The oracle is clang -target i686-linux-gnu compiling the probe.
    @Test func verifyForAnotherTargetSeesTheSameHeadersAsGenerate() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        #include <stdint.h>
        struct of_x { uint8_t a; uint64_t b; };

        """.write(toFile: dir + "/x.h", atomically: true, encoding: .utf8)
        let args = ["--headers", dir, "--header", "x.h", "--preset", "none", "--target", "i686-linux-gnu"]
        let g = try runAbigen(args + ["--format", "json", "-o", "-"])
        #expect(g.status == 0, "\(g.stderr)")
        let v = try runAbigen(["verify"] + args)
        #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
        #expect(v.stdout.contains("0 mismatches"))
    }

    /// `diff --format markdown` printed a respelled member's types as raw `struct <unnamed>` outside a code span; a
    /// markdown renderer (GitHub's included) takes `<unnamed>` for an HTML tag and shows an empty cell.
    @Test func markdownDiffEscapesAngleBracketsOutsideCodeSpans() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (side, body) in [("old", "struct { int a; }"), ("new", "union { int a; }")] {
            try FileManager.default.createDirectory(atPath: dir + "/" + side, withIntermediateDirectories: true)
            try "struct of_s { \(body) x; };\n".write(toFile: dir + "/\(side)/a.h", atomically: true, encoding: .utf8)
            let g = try runAbigen(["--headers", dir + "/" + side, "--header", "a.h", "--preset", "none", "--format", "json",
                                   "-o", dir + "/\(side).json"])
            #expect(g.status == 0, "\(g.stderr)")
        }
        let d = try runAbigen(["diff", dir + "/old.json", dir + "/new.json", "--format", "markdown"])
        #expect(d.status == 0, "\(d.stderr)")
        let row = try #require(d.stdout.split(separator: "\n").first { $0.contains("field-type-respelled") })
        // Outside the backquoted subject, no character may open an HTML tag.
        let outsideCode = row.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        #expect(!outsideCode.contains { $0.contains("<") })
        #expect(row.contains("struct &lt;unnamed&gt;") && row.contains("union &lt;unnamed&gt;"))
    }

    /// `-o /dev/stdout` with standard output a pipe (`abigen ... -o /dev/stdout | cat`) was refused as "a symbolic link
    /// whose target does not exist": /proc/self/fd/1 names `pipe:[N]`, no path. A pipe is written through.
    @Test func outputToDevStdoutWhenItIsAPipe() throws {
        let direct = try abigen(["--headers", "/usr/include", "--format", "json"])   // runProcess: stdout is a pipe
        #expect(direct.status == 0)
        let r = try abigen(["--headers", "/usr/include", "--format", "json", "-o", "/dev/stdout"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == direct.stdout)
    }
}

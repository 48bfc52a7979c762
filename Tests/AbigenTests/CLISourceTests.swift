import ABIModel
import AbigenCLI
import Foundation
import Testing

/// Whether a snapshot written to JSON and read back keeps its recorded source (schema 2's `source`).
private let sourceRoundTrips: Bool = {
    let s = ABISnapshot(target: "x86_64-linux-gnu", headers: ["t.h"], includeDirectories: [], records: [], constants: [])
    var recorded = s
    recorded.source = .headers(HeaderSource(includeDirectories: [.init(path: "/x", role: .user)], headers: ["t.h"]))
    guard let data = try? recorded.jsonData(), let back = try? ABISnapshot.decode(data, path: "<memory>") else { return false }
    return back.source != nil
}()

/// The command line's resolver, choices and diagnostics, run through the built binary.
@Suite struct CLISourceTests {
    /// A scratch include directory with `t.h` declaring one record.
    func headerDirectory(_ body: String = "struct s { int a; int b; };") throws -> String {
        let dir = try Repo.tempDirectory()
        try (body + "\n").write(toFile: dir + "/t.h", atomically: true, encoding: .utf8)
        return dir
    }

    @Test("check without header options re-reads the baseline's recorded headers; with them, the options win",
          .enabled(if: sourceRoundTrips, "snapshots do not record their source in JSON yet"))
    func checkUsesRecordedSource() throws {
        let dir = try headerDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let baseline = dir + "/base.json"
        let made = try abigen(["--headers", dir, "--header", "t.h", "--preset", "none", "--format", "json", "-o", baseline])
        #expect(made.status == 0, "\(made.stderr)")
        let same = try abigen(["check", "--baseline", baseline, "--preset", "none"])
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
        // The recorded directory is read again: a member moved there is breaking.
        try "struct s { long a; int b; };\n".write(toFile: dir + "/t.h", atomically: true, encoding: .utf8)
        let moved = try abigen(["check", "--baseline", baseline, "--preset", "none"])
        #expect(moved.status == 1 && moved.stdout.contains("s.b"), "\(moved.stdout)\(moved.stderr)")
        // Header options given: they decide what is read, not the record.
        let other = try headerDirectory()
        defer { try? FileManager.default.removeItem(atPath: other) }
        let given = try abigen(["check", "--baseline", baseline, "--headers", other, "--header", "t.h", "--preset", "none"])
        #expect(given.status == 0, "\(given.stdout)\(given.stderr)")
    }

    /// Outside review: `--record` narrowed only the new side, so every other record of the baseline was "removed".
    @Test("check --record narrows the baseline alike (with the element records of its arrays of anonymous records)")
    func checkRecordNarrowsBaseline() throws {
        let dir = try headerDirectory("struct foo { struct { int x; } items[2]; int n; };\nstruct bar { int a; };")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let baseline = dir + "/base.json"
        let made = try abigen(["--headers", dir, "--header", "t.h", "--preset", "none", "--format", "json", "-o", baseline])
        #expect(made.status == 0, "\(made.stderr)")
        let narrowed = try abigen(["check", "--baseline", baseline, "--headers", dir, "--header", "t.h", "--preset", "none", "--record", "foo"])
        #expect(narrowed.status == 0, "\(narrowed.stdout)\(narrowed.stderr)")
        #expect(!narrowed.stdout.contains("record-removed"), "\(narrowed.stdout)")
        // A change inside the selection is still found.
        try "struct foo { struct { long x; } items[2]; int n; };\nstruct bar { int a; };\n".write(toFile: dir + "/t.h", atomically: true, encoding: .utf8)
        let changed = try abigen(["check", "--baseline", baseline, "--headers", dir, "--header", "t.h", "--preset", "none", "--record", "foo"])
        #expect(changed.status == 1 && changed.stdout.contains("foo.n"), "\(changed.stdout)\(changed.stderr)")
    }

    @Test("--verbose and ABIGEN_TRACE show phase timings on standard error; the output is the same bytes; silent otherwise")
    func verboseAndTrace() throws {
        let dir = try headerDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = ["--headers", dir, "--header", "t.h", "--preset", "none"]
        let plain = try runAbigen(args)
        let verbose = try runAbigen(args + ["--verbose"])
        let traced = try runAbigen(args, environment: ["ABIGEN_TRACE": "1"])
        #expect(plain.status == 0 && verbose.status == 0 && traced.status == 0)
        #expect(verbose.stdout == plain.stdout && traced.stdout == plain.stdout)
        #expect(verbose.stderr.contains("phase generate: parsed"), "\(verbose.stderr)")
        #expect(traced.stderr.contains("phase generate: parsed"), "\(traced.stderr)")
        if ProcessInfo.processInfo.environment["ABIGEN_TRACE"] == nil { #expect(plain.stderr.isEmpty, "\(plain.stderr)") }
    }

    @Test("help lists the choices of every fixed-choice option", arguments: [
        (["generate", "--help"], ["swift", "json", "markdown", "svg", "io_uring", "none", "public", "internal"]),
        (["diff", "--help"], ["text", "json", "markdown", "github", "breaking", "any"]),
        (["check", "--help"], ["breaking", "any", "io_uring"]),
        (["verify", "--help"], ["io_uring", "none"]),
    ])
    func helpListsChoices(_ args: [String], _ choices: [String]) throws {
        let r = try abigen(args)
        #expect(r.status == 0)
        // ArgumentParser prints an enum option's choices as "(values: a, b, ...)".
        // Help wraps lines: read it as one line.
        let text = r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let lists = text.components(separatedBy: "(values: ").dropFirst().map { $0.prefix { $0 != ")" } }
        for c in choices {
            #expect(lists.contains { $0.split(whereSeparator: { $0 == "," || $0 == ";" }).map { $0.trimmingCharacters(in: .whitespaces) }.contains(c) },
                    "\(args): \(c) not listed")
        }
    }

    @Test("an unknown choice names what was typed and the choices")
    func unknownChoice() throws {
        let r = try abigen(["--preset", "io-uring", "--headers", "/usr/include"])
        #expect(r.status == 2 && r.stderr.contains("io-uring") && r.stderr.contains("io_uring") && r.stderr.contains("none"))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }
}

/// Shell completion offers what each option takes (ArgumentParser's zsh script: `_files -/` for directories,
/// `_files -g '*.h'` for headers, `_files -g '*.json'` for snapshots).
@Suite struct CLICompletionTests {
    @Test("completion kinds: directories, headers, snapshots", arguments: [
        ("headers", "_files -/"), ("kernel-tree", "_files -/"), ("keep-probe", "_files -/"),
        ("header", "*.h"), ("include", "*.h"), ("snapshot", "*.json"), ("baseline", "*.json"),
    ])
    func completionKind(_ option: String, _ completion: String) throws {
        let r = try abigen(["--generate-completion-script", "zsh"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n").filter { $0.contains("'--\(option)[") || $0.contains("'*--\(option)[") }
        #expect(!lines.isEmpty, "--\(option) not in the script")
        for line in lines { #expect(line.hasSuffix("'") && line.contains(completion), "--\(option): \(line.suffix(60))") }
    }
}

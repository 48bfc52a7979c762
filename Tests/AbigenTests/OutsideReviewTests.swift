import ABIBackends
import ABIFrontend
import ABIModel
import Foundation
import Testing
import TestSupport

/// A snapshot of the default run (io_uring preset, host headers) written to `dir`, edited as JSON by `edit`.
func editedSnapshot(in dir: String, name: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
    let base = dir + "/base.json"
    if !FileManager.default.fileExists(atPath: base) {
        let g = try runAbigen(["--format", "json", "-o", base])
        guard g.status == 0 else { throw TestSetupError("generate failed: \(g.stderr)") }
    }
    let data = try Data(contentsOf: URL(fileURLWithPath: base))
    guard var object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw TestSetupError("not an object") }
    edit(&object)
    let path = dir + "/" + name
    try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
    return path
}

/// `object["source"][key] = value`.
func setSource(_ object: inout [String: Any], _ key: String, _ value: Any) {
    var source = object["source"] as? [String: Any] ?? [:]
    source[key] = value
    object["source"] = source
}

/// Defects found by the second outside review of replayed sources and CLI messages, one test each.
@Suite struct OutsideReviewTests {
    /// The hand-edited recorded sources that must never be replayed: (name, key, value builder from the directory).
    static let hostile: [(String, String, @Sendable (String) -> Any)] = [
        ("fplugin", "arguments", { ["-fplugin=" + $0 + "/marker.so"] }),
        ("MF", "arguments", { ["-MMD", "-MF", $0 + "/marker"] }),
        ("MF-joined", "arguments", { ["-MD", "-MF" + $0 + "/marker"] }),
        ("atfile", "arguments", { ["@" + $0 + "/args"] }),
        ("include", "arguments", { ["-include", $0 + "/marker.h"] }),
        ("absolute header", "headers", { _ in ["/etc/passwd"] }),
        ("dotdot header", "headers", { _ in ["../../../../../../etc/passwd"] }),
        ("no header", "headers", { _ in [String]() }),
    ]

    /// Items 1-3 and 13: verify --snapshot and check --baseline ran a plugin, wrote files through -MF, read @file and
    /// parsed /etc/passwd from a hand-edited snapshot. Each is refused: one line naming the snapshot, exit 2, no file.
    @Test(arguments: 0..<hostile.count)
    func hostileRecordedSourceIsNotReplayed(_ index: Int) throws {
        let (name, key, value) = Self.hostile[index]
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "-DX=1\n".write(toFile: dir + "/args", atomically: true, encoding: .utf8)
        let path = try editedSnapshot(in: dir, name: "hostile.json") { setSource(&$0, key, value(dir)) }
        for command in [["check", "--baseline", path], ["verify", "--snapshot", path]] {
            let r = try runAbigen(command)
            #expect(r.status == 2, "\(name) \(command[0]): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(name): \(r.stderr)")
            // Refused when replayed, or already when read: a recorded header the snapshot never read is invalid.
            #expect(r.stderr.hasPrefix("abigen: \(path): cannot replay the recorded source: ")
                    || r.stderr.hasPrefix("abigen: \(path): source: header "), "\(name): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/marker"), "\(name)")
        }
    }

    /// Item 8: a recorded include directory that no longer exists made verify fall back to the system headers.
    @Test func missingRecordedIncludeDirectoryIsRefused() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gone = dir + "/gone"
        let path = try editedSnapshot(in: dir, name: "gone.json") { object in
            var source = object["source"] as? [String: Any] ?? [:]
            var dirs = source["includeDirectories"] as? [Any] ?? []
            dirs.insert(["path": gone, "role": "user"], at: 0)
            source["includeDirectories"] = dirs
            object["source"] = source
        }
        for command in [["verify", "--snapshot", path], ["check", "--baseline", path]] {
            let r = try runAbigen(command)
            #expect(r.status == 2, "\(command[0]): \(r.stdout)\(r.stderr)")
            #expect(r.stderr == "abigen: \(path): recorded include directory \(gone) does not exist; pass --headers\n")
        }
    }

    /// Item 4: check replayed a `--preset none --header linux/fs.h` snapshot with the io_uring preset's macro prefixes
    /// and reported every other macro as removed.
    @Test func checkReplaysTheRecordedSelection() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/fs.json"
        let g = try runAbigen(["--preset", "none", "--header", "linux/fs.h", "--format", "json", "-o", path])
        try #require(g.status == 0, "\(g.stderr)")
        for extra in [[], ["--preset", "none"]] {
            let r = try runAbigen(["check", "--baseline", path, "--format", "json"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            #expect((report?["changes"] as? [Any])?.count == 0, "\(extra): \(r.stdout.prefix(400))")
        }
    }

    /// Item 5: check --baseline of a BTF snapshot compared it with default headers under an empty label.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/sys/kernel/btf/vmlinux")))
    func checkOfABTFBaselineRereadsTheBTF() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/btf.json"
        let g = try runAbigen(["--btf", "/sys/kernel/btf/vmlinux", "--format", "json", "-o", path])
        try #require(g.status == 0, "\(g.stderr)")
        let r = try runAbigen(["check", "--baseline", path])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.hasPrefix("ABI changes from \(path) to /sys/kernel/btf/vmlinux: 0 breaking"), "\(r.stdout.prefix(300))")
        // The recorded BTF file gone: one line, exit 2.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let moved = dir + "/moved.json"
        try text.replacingOccurrences(of: "/sys/kernel/btf/vmlinux", with: dir + "/vmlinux").write(toFile: moved, atomically: true, encoding: .utf8)
        let m = try runAbigen(["check", "--baseline", moved])
        #expect(m.status == 2)
        #expect(m.stderr.split(separator: "\n").count == 1 && m.stderr.contains(moved) && m.stderr.contains(dir + "/vmlinux"), "\(m.stderr)")
    }

    /// Item 6: check --baseline of a version 1 snapshot made for i686 compared it with the host's headers.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/i686-linux-gnu/include/asm/unistd.h")))
    func checkOfAVersion1BaselineUsesItsTargetAndDirectories() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/i686.json"
        let g = try runAbigen(["--headers", "/usr/i686-linux-gnu/include", "--target", "i686-linux-gnu", "--format", "json", "-o", path])
        try #require(g.status == 0, "\(g.stderr)")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        object.removeValue(forKey: "source")
        object["schemaVersion"] = 1
        let v1 = dir + "/v1.json"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: v1))
        let r = try runAbigen(["check", "--baseline", v1])
        #expect(r.status == 0, "\(r.stdout.prefix(600))\(r.stderr)")
        #expect(r.stdout.hasPrefix("ABI changes from \(v1) to /usr/i686-linux-gnu/include: 0 breaking, 0 compatible, 0 notes"), "\(r.stdout.prefix(300))")
    }

    /// Item 7: a `--kernel-tree running` snapshot recorded no kernel tree: check reported io_uring_cmd removed and
    /// verify failed in the compiler. Check now reads the running kernel again; verify refuses as for the option.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/sys/kernel/btf/vmlinux")))
    func runningKernelSnapshotIsReplayedByCheckAndRefusedByVerify() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/running.json"
        let g = try runAbigen(["--kernel-tree", "running", "--format", "json", "-o", path])
        try #require(g.status == 0, "\(g.stderr)")
        let snapshot = try ABISnapshot.load(from: path)
        #expect(snapshot.source?.headers?.kernelTree?.path == "running")
        let c = try runAbigen(["check", "--baseline", path])
        #expect(c.status == 0, "\(c.stdout.prefix(600))\(c.stderr)")
        #expect(!c.stdout.contains("record-removed"), "\(c.stdout.prefix(600))")
        let v = try runAbigen(["verify", "--snapshot", path])
        #expect(v.status == 2)
        #expect(v.stderr.split(separator: "\n").count == 1 && v.stderr.contains("--kernel-tree running"), "\(v.stderr)")
    }

    /// Item 9: verify --btf with nothing in common said "0 records and 0 enumerators compared; 0 breaking" and exit 0.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/sys/kernel/btf/vmlinux")))
    func verifyAgainstBTFWithNothingInCommonIsNotAgreement() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "struct zz_nothing_here { int a; };\n".write(toFile: dir + "/zz.h", atomically: true, encoding: .utf8)
        let path = dir + "/zz.json"
        let g = try runAbigen(["--headers", dir, "--header", "zz.h", "--preset", "none", "--format", "json", "-o", path])
        try #require(g.status == 0, "\(g.stderr)")
        let r = try runAbigen(["verify", "--snapshot", path, "--btf", "/sys/kernel/btf/vmlinux"])
        #expect(r.status == 2, "\(r.stdout)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(path) && r.stderr.contains("/sys/kernel/btf/vmlinux"), "\(r.stderr)")
    }

    /// Item 10: diff --format json and markdown dropped the "not compared" caveats the text format prints.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/sys/kernel/btf/vmlinux")))
    func diffJSONAndMarkdownSayWhatWasNotCompared() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (path, text, notes) = try diffAgainstKernel(in: dir)
        try #require(!notes.isEmpty, "\(text.stdout.suffix(400))")
        let json = try runAbigen(["diff", path, "/sys/kernel/btf/vmlinux", "--format", "json"])
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(report?["notCompared"] as? [String] == notes, "\(String(describing: report?["notCompared"]))")
        let md = try runAbigen(["diff", path, "/sys/kernel/btf/vmlinux", "--format", "markdown"])
        #expect(md.stdout.contains("\n## Not compared\n\n- BTF has no macros"), "\(md.stdout.suffix(400))")
        #expect(md.stdout.split(separator: "\n").filter { $0.hasPrefix("- ") }.count >= notes.count)
    }

    /// Item 11: options that cannot apply to the format were silently accepted by generate; the preset's own
    /// extension of io_uring_sqe (not typed) still does not count.
    @Test(arguments: [["--extend", "io_uring_sqe=128", "--format", "json"], ["--extend", "io_uring_sqe=128"],
                      ["--access", "internal", "--format", "markdown"], ["--access", "public", "--format", "json"],
                      ["--no-support-types", "--format", "svg"], ["--no-support-types", "--format", "json"]])
    func optionsThatCannotApplyAreRefused(_ arguments: [String]) throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out"
        let r = try runAbigen(arguments + ["-o", out])
        #expect(r.status == 2, "\(arguments)")
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(arguments[0]), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// Item 11, the other side: every format still runs with its defaults (the preset's extend included).
    @Test func defaultsOfEveryFormatStillRun() throws {
        for format in ["swift", "json", "markdown", "svg"] {
            let r = try runAbigen(["--format", format])
            #expect(r.status == 0, "\(format): \(r.stderr)")
        }
    }

    /// Item 12: config messages leaked decoder internals, doubled the prefix, treated "running" as a path and
    /// said "wrote -" for standard output.
    @Test(arguments: [
        (#"{"outputs":[{}]}"#, #"missing key "outputs[0].output""#),
        (#"{"outputs":[[]]}"#, "outputs[0]: expected an object, found an array"),
        (#"{"outputs":{}}"#, "outputs: expected an array, found an object"),
        (#"{"outputs":[{"output":3}]}"#, "outputs[0].output: expected a string, found a number"),
        (#"{"outputs":[{"output":"x.swift","target":"bad triple"}]}"#, #"outputs[0]: --target "bad triple""#),
    ])
    func configMessagesArePlain(_ json: String, _ expected: String) throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/abigen.json"
        try json.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try runAbigen(["config", file])
        #expect(r.status == 2)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.hasPrefix("abigen: \(file): \(expected)"), "\(r.stderr)")
        #expect(!r.stderr.dropFirst(8).contains("abigen:"), "\(r.stderr)")
        #expect(!r.stderr.contains("Index") && !r.stderr.contains("Dictionary<"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.swift"))
    }

    /// Item 12: `"output": "-"` writes standard output (no file named "-", no "wrote -"), and `"kernelTree": "running"`
    /// is the keyword, not a directory beside the configuration file.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/sys/kernel/btf/vmlinux")))
    func configStandardOutputAndRunningKernel() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/abigen.json"
        try #"{"outputs":[{"output":"-","format":"json","kernelTree":"running"}]}"#.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try runAbigen(["config", file])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("wrote"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/-"))
        let snapshot = try ABISnapshot.decode(Data(r.stdout.utf8), path: "stdout")
        #expect(snapshot.records.contains { $0.name == "io_uring_cmd" && $0.header == "vmlinux" })
    }

    /// Item 4: headers that do not compile together (a wildcard turns --skip-broken-headers on) were re-read together
    /// by check, which then failed; the recorded selection keeps them apart.
    @Test func checkReplaysSkipBrokenHeaders() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "struct sb_a { int x; };\nint sb_dup;\n".write(toFile: dir + "/a.h", atomically: true, encoding: .utf8)
        try "struct sb_b { int y; };\nchar sb_dup;\n".write(toFile: dir + "/b.h", atomically: true, encoding: .utf8)
        let path = dir + "/sb.json"
        let g = try runAbigen(["--headers", dir, "--header", "*.h", "--preset", "none", "--format", "json", "-o", path])
        try #require(g.status == 0, "\(g.stderr)")
        let r = try runAbigen(["check", "--baseline", path])
        #expect(r.status == 0, "\(r.stdout.prefix(400))\(r.stderr)")
        #expect(r.stdout.hasPrefix("ABI changes from \(path) to \(dir): 0 breaking, 0 compatible, 0 notes"), "\(r.stdout.prefix(400))")
    }
}

/// Runs abigen under `timeout` (a regression that reads a FIFO or a device forever fails instead of hanging the suite).
func runAbigenBounded(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    return try runProcessIn(env, "/usr/bin/timeout", ["-s", "KILL", "120", Repo.binary] + arguments)
}

/// A scratch directory holding `inc/t.h` (one struct) and `s.json`, its snapshot read with `--headers inc`.
func replayFixture() throws -> (dir: String, snapshot: String) {
    let dir = try Repo.tempDirectory()
    try FileManager.default.createDirectory(atPath: dir + "/inc", withIntermediateDirectories: true)
    try "struct t { int a; };\n".write(toFile: dir + "/inc/t.h", atomically: true, encoding: .utf8)
    let g = try runAbigen(["--preset", "none", "--headers", dir + "/inc", "--header", "t.h", "--format", "json", "-o", dir + "/s.json"])
    guard g.status == 0 else { throw TestSetupError("generate failed: \(g.stderr)") }
    return (dir, dir + "/s.json")
}

/// Expects a refusal: exit 2, exactly `line` (or one line starting with it) on stderr, nothing on stdout.
func expectRefusal(_ r: ProcessResult, _ line: String, prefix: Bool = false, _ what: String) {
    #expect(r.status == 2, "\(what): \(r.status) \(r.stderr)")
    #expect(r.stdout.isEmpty, "\(what): \(r.stdout.prefix(300))")
    if prefix {
        #expect(r.stderr.hasPrefix(line) && r.stderr.split(separator: "\n").count == 1, "\(what): \(r.stderr)")
    } else {
        #expect(r.stderr == line + "\n", "\(what): \(r.stderr)")
    }
}

/// Defects found by the third outside review: non-regular headers, silent fall-backs, ignored options.
@Suite struct OutsideReviewThirdTests {
    /// Item 1: a header or prelude that is a FIFO (hung forever) or a device (`/dev/zero` ate 23 GB) was read.
    @Test(arguments: [["--header", "fifo.h"], ["--header", "zero.h"], ["--include", "fifo.h"], ["--include", "zero.h"]])
    func nonRegularHeaderIsRefused(_ option: [String]) throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try #require(mkfifo(dir + "/fifo.h", 0o600) == 0)
        try FileManager.default.createSymbolicLink(atPath: dir + "/zero.h", withDestinationPath: "/dev/zero")
        try "struct t { int a; };\n".write(toFile: dir + "/t.h", atomically: true, encoding: .utf8)
        let out = dir + "/out.swift"
        let extra = option[0] == "--include" ? ["--header", "t.h"] : []
        let r = try runAbigenBounded(["--preset", "none", "--headers", dir] + option + extra + ["-o", out])
        expectRefusal(r, "abigen: \(dir)/\(option[1]): not a regular file", "\(option)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// Item 1: `--headers /dev --header zero`, as the review ran it.
    @Test func deviceDirectoryHeaderIsRefused() throws {
        let r = try runAbigenBounded(["--headers", "/dev", "--header", "zero"])
        expectRefusal(r, "abigen: /dev/zero: not a regular file", "/dev/zero")
    }

    /// Item 1: a recorded header replaced by a FIFO or a link to /dev/zero was compiled by verify and parsed by check.
    @Test(arguments: ["fifo", "zero"])
    func replayedNonRegularHeaderIsRefused(_ kind: String) throws {
        let (dir, snapshot) = try replayFixture()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.removeItem(atPath: dir + "/inc/t.h")
        if kind == "fifo" {
            try #require(mkfifo(dir + "/inc/t.h", 0o600) == 0)
        } else {
            try FileManager.default.createSymbolicLink(atPath: dir + "/inc/t.h", withDestinationPath: "/dev/zero")
        }
        for command in [["verify", "--snapshot", snapshot], ["check", "--baseline", snapshot]] {
            expectRefusal(try runAbigenBounded(command), "abigen: \(dir)/inc/t.h: not a regular file", "\(kind) \(command[0])")
        }
    }

    /// Item 2: a recorded header gone from its recorded include directory was silently taken from /usr/include
    /// (here: a name /usr/include has, so the fall-back would succeed).
    @Test func replayedHeaderMissingFromItsDirectoriesIsRefused() throws {
        let (dir, _) = try replayFixture()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/inc/linux", withIntermediateDirectories: true)
        try "struct io_uring_sqe { int a; };\n".write(toFile: dir + "/inc/linux/io_uring.h", atomically: true, encoding: .utf8)
        let snapshot = dir + "/u.json"
        let g = try runAbigen(["--headers", dir + "/inc", "--format", "json", "-o", snapshot])
        try #require(g.status == 0, "\(g.stderr)")
        try FileManager.default.removeItem(atPath: dir + "/inc/linux/io_uring.h")
        for command in [["verify", "--snapshot", snapshot], ["check", "--baseline", snapshot]] {
            let r = try runAbigenBounded(command)
            expectRefusal(r, "abigen: \(snapshot): recorded header linux/io_uring.h is not in its recorded include directories (\(dir)/inc); pass --headers", command[0])
        }
    }

    /// Item 2: `diff A DIR` read the selected headers from /usr/include when DIR lacked them, and named DIR.
    @Test func diffDirectorySideMustHoldTheHeaders() throws {
        let (dir, snapshot) = try replayFixture()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let empty = dir + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        expectRefusal(try runAbigenBounded(["diff", snapshot, empty]), "abigen: \(empty): header linux/io_uring.h is not in this directory; pass --header with headers it holds", "default")
        expectRefusal(try runAbigenBounded(["diff", empty, snapshot, "--preset", "none", "--header", "t.h"]), "abigen: \(empty): header t.h is not in this directory; pass --header with headers it holds", "t.h")
        let same = try runAbigenBounded(["diff", snapshot, dir + "/inc", "--preset", "none", "--header", "t.h"])
        #expect(same.status == 0, "\(same.stderr)")
    }

    /// Item 3: `diff --format github` dropped the "not compared" notes; the other formats stay as they were.
    @Test func githubFormatGivesNotices() {
        let notes = ["BTF has no macros: 3 constants (not compared)", "100% sure, line\nbreak"]
        let github = DiffReport.render([], format: .github, oldLabel: "a", newLabel: "b", notes: notes)
        #expect(github == "::notice::BTF has no macros: 3 constants (not compared)\n::notice::100%25 sure, line%0Abreak\nABI changes from a to b: 0 breaking, 0 compatible, 0 notes\n")
        #expect(DiffReport.render([], format: .github, oldLabel: "a", newLabel: "b") == "ABI changes from a to b: 0 breaking, 0 compatible, 0 notes\n")
        for format in [DiffFormat.text, .markdown] {
            #expect(DiffReport.render([], format: format, oldLabel: "a", newLabel: "b", notes: notes)
                    == DiffReport.render([], format: format, oldLabel: "a", newLabel: "b"))
        }
    }

    /// Item 3, end to end against the running kernel's BTF: the notes text prints appear as notices.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/sys/kernel/btf/vmlinux")))
    func githubDiffAgainstBTFGivesNotices() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (path, _, notes) = try diffAgainstKernel(in: dir)
        try #require(!notes.isEmpty)
        let gh = try runAbigen(["diff", path, "/sys/kernel/btf/vmlinux", "--format", "github"])
        let notices = gh.stdout.split(separator: "\n").filter { $0.hasPrefix("::notice::") }.map { String($0.dropFirst("::notice::".count)) }
        #expect(notices == notes, "\(gh.stdout.suffix(400))")
    }

    /// Item 4: options that cannot apply were silently ignored.
    @Test(arguments: [
        (["--snapshot", "S", "--headers", "/usr/include"], "abigen: --snapshot S and --headers conflict: a snapshot is rendered as it is, no header is read"),
        (["--snapshot", "S", "--header", "t.h"], "abigen: --snapshot S and --header conflict: a snapshot is rendered as it is, no header is read"),
        (["--snapshot", "S", "--kernel-tree", "/nonexistent"], "abigen: --snapshot S and --kernel-tree conflict: a snapshot is rendered as it is, no header is read"),
        (["--snapshot", "S", "--record", "t"], "abigen: --snapshot S and --record conflict: a snapshot is rendered as it is, no header is read"),
        (["--snapshot", "S", "--target", "i686-linux-gnu"], "abigen: --snapshot S and --target conflict: a snapshot is rendered as it is, no header is read"),
        (["--snapshot", "S", "--include", "x.h"], "abigen: --snapshot S and --include conflict: a snapshot is rendered as it is, no header is read"),
        (["--snapshot", "S", "--clang-arg=-DX"], "abigen: --snapshot S and --clang-arg conflict: a snapshot is rendered as it is, no header is read"),
        (["--snapshot", "S", "--macro-prefix", "X"], "abigen: --snapshot S and --macro-prefix conflict: a snapshot is rendered as it is, no header is read"),
        (["--snapshot", "S", "--all-macros"], "abigen: --snapshot S and --all-macros conflict: a snapshot is rendered as it is, no header is read"),
        (["verify", "--btf", "/sys/kernel/btf/vmlinux", "--cc", "cc"], "abigen: verify: --btf /sys/kernel/btf/vmlinux and --cc conflict: --btf verifies against the kernel, not a compiler"),
        (["verify", "--btf", "/sys/kernel/btf/vmlinux", "--keep-probe", "P"], "abigen: verify: --btf /sys/kernel/btf/vmlinux and --keep-probe conflict: --btf compiles no probe"),
        (["--all-macros", "--macro-prefix", "X"], "abigen: --all-macros and --macro-prefix conflict: --all-macros keeps every macro, whatever its prefix"),
        (["diff", "S", "S", "--headers", "/usr/include"], "abigen: diff: --headers does not apply: neither S nor S is a directory of headers to read"),
        (["diff", "S", "S", "--record", "t"], "abigen: diff: --record does not apply: neither S nor S is a directory of headers to read"),
    ] as [([String], String)])
    func optionsThatCannotApplyAreRefused(_ arguments: [String], _ message: String) throws {
        let (dir, snapshot) = try replayFixture()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = arguments.map { $0 == "S" ? snapshot : $0 == "P" ? dir + "/probe" : $0 } + ["-o", dir + "/out"]
        let r = try runAbigenBounded(args.first == "diff" || args.first == "verify" ? Array(args.dropLast(2)) : args)
        expectRefusal(r, message.replacingOccurrences(of: " S ", with: " \(snapshot) "), "\(arguments)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out") && !FileManager.default.fileExists(atPath: dir + "/probe"))
    }

    /// Item 4: a directory side still reads the header options given to diff.
    @Test func diffDirectorySideStillUsesHeaderOptions() throws {
        let (dir, snapshot) = try replayFixture()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try runAbigenBounded(["diff", snapshot, dir + "/inc", "--preset", "none", "--header", "t.h", "--record", "t"])
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// Item 5: a config path with a NUL wrote to the path cut at the NUL.
    @Test(arguments: ["output", "headers", "kernelTree"])
    func controlCharacterInConfigPathIsRefused(_ key: String) throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bad = "a\u{0}b"
        var output: [String: Any] = ["output": key == "output" ? bad : "out.swift"]
        if key == "headers" { output["headers"] = [bad] } else if key == "kernelTree" { output[key] = bad }
        let config = dir + "/abigen.json"
        try JSONSerialization.data(withJSONObject: ["outputs": [output]]).write(to: URL(fileURLWithPath: config))
        let r = try runAbigenBounded(["config", config])
        expectRefusal(r, "abigen: \(config): outputs[0]: \(key) contains a control character, which no path may hold", key)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["abigen.json"])
    }

    /// Item 6: `ABIGEN_TRACE=0` and an empty `ABIGEN_TRACE` turned the phase timings on.
    @Test func traceNeedsANonZeroValue() throws {
        let (dir, snapshot) = try replayFixture()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (value, traced) in [("0", false), ("", false), ("1", true), ("yes", true)] {
            let r = try runAbigenBounded(["--snapshot", snapshot], environment: ["ABIGEN_TRACE": value])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stderr.contains("phase ") == traced, "ABIGEN_TRACE=\(value.debugDescription): \(r.stderr)")
        }
    }

    /// Item 7: `matrix --swift-dir FILE` printed an NSCocoaErrorDomain dump.
    @Test func matrixSwiftDirThatIsAFileIsOneLine() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/file"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        expectRefusal(try runAbigenBounded(["matrix", "--swift-dir", file]), "abigen: \(file): --swift-dir is not a directory", "file")
        let r = try runAbigenBounded(["matrix", "--swift-dir", file + "/sub", "--targets", SearchPath.hostTriple])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.hasSuffix(": cannot write: Not a directory\n") && !r.stderr.contains("Domain"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    }
}

/// The io_uring snapshot written to `dir`, its text diff against the running kernel's BTF, and the lines of
/// that diff saying what was not compared.
private func diffAgainstKernel(in dir: String) throws -> (path: String, text: ProcessResult, notes: [String]) {
    let path = dir + "/s.json"
    let g = try runAbigen(["--format", "json", "-o", path])
    try #require(g.status == 0, "\(g.stderr)")
    let text = try runAbigen(["diff", path, "/sys/kernel/btf/vmlinux"])
    let notes = text.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("BTF has no macros") || $0.contains("(not compared)") }
    return (path, text, notes)
}

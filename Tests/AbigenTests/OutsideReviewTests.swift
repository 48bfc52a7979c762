import ABIModel
import Foundation
import Testing

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
            #expect(r.stderr.hasPrefix("abigen: \(path): cannot replay the recorded source: "), "\(name): \(r.stderr)")
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
        let path = dir + "/s.json"
        let g = try runAbigen(["--format", "json", "-o", path])
        try #require(g.status == 0, "\(g.stderr)")
        let text = try runAbigen(["diff", path, "/sys/kernel/btf/vmlinux"])
        let notes = text.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("BTF has no macros") || $0.contains("(not compared)") }
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

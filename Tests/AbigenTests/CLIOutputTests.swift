import Foundation
import Testing

/// The file type bits of a path (not following a final symbolic link).
func fileType(_ path: String) -> mode_t? {
    var st = stat()
    return lstat(path, &st) == 0 ? st.st_mode & S_IFMT : nil
}

@Suite("abigen output: -o semantics, standard output, interrupts, config staging, parallel diff")
struct CLIOutputTests {
    static func fixture() throws -> BadInputFixture { try BadInputFixture.shared.get() }

    /// What `generate --snapshot good.json` prints: the oracle for every way of writing it.
    func expected(_ f: BadInputFixture) throws -> String {
        let r = try runAbigen(["--snapshot", f.good])
        try #require(r.status == 0, "\(r.stderr)")
        return r.stdout
    }

    @Test("-o an existing regular file: replaced with the new bytes, its permission bits kept, no temporary left")
    func regularFile() throws {
        let f = try Self.fixture()
        let d = try f.caseDirectory("regular")
        let out = d + "/out.swift"
        try "old".write(toFile: out, atomically: false, encoding: .utf8)
        #expect(chmod(out, 0o640) == 0)
        let r = try runAbigen(["--snapshot", f.good, "-o", out])
        #expect(r.status == 0 && r.stderr.isEmpty && r.stdout.isEmpty, "\(r.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == expected(f))
        var st = stat()
        #expect(stat(out, &st) == 0 && st.st_mode & 0o777 == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: d) == ["out.swift"])
    }

    @Test("-o a symbolic link to a regular file: the target gets the bytes, the link stays a link")
    func symbolicLink() throws {
        let f = try Self.fixture()
        let d = try f.caseDirectory("symlink")
        try "old".write(toFile: d + "/target.swift", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: d + "/link.swift", withDestinationPath: "target.swift")
        let r = try runAbigen(["--snapshot", f.good, "-o", d + "/link.swift"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(fileType(d + "/link.swift") == S_IFLNK)
        #expect(try String(contentsOfFile: d + "/target.swift", encoding: .utf8) == expected(f))
        #expect(try FileManager.default.contentsOfDirectory(atPath: d).sorted() == ["link.swift", "target.swift"])
    }

    @Test("-o a FIFO: written through to the reader, still a FIFO")
    func fifo() throws {
        let f = try Self.fixture()
        let d = try f.caseDirectory("fifo")
        let fifo = d + "/pipe"
        try #require(mkfifo(fifo, 0o600) == 0)
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/sh")
        reader.arguments = ["-c", "exec cat \"$0\" > \"$0.copy\"", fifo]
        try reader.run()
        let r = try runAbigen(["--snapshot", f.good, "-o", fifo])
        if fileType(fifo) != S_IFIFO { reader.terminate() }   // replaced: no writer will ever come
        reader.waitUntilExit()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(fileType(fifo) == S_IFIFO)
        #expect(try String(contentsOfFile: fifo + ".copy", encoding: .utf8) == expected(f))
    }

    @Test("-o a character device: written through, never replaced (a /dev/null twin as root, else /dev/null)")
    func device() throws {
        let f = try Self.fixture()
        let d = try f.caseDirectory("device")
        var node = d + "/null"
        if mknod(node, S_IFCHR | 0o666, dev_t(1 << 8 | 3)) != 0 { node = "/dev/null" }
        let r = try runAbigen(["--snapshot", f.good, "-o", node])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(fileType(node) == S_IFCHR)
        #expect(try FileManager.default.contentsOfDirectory(atPath: d).allSatisfy { $0 == "null" })
    }

    @Test("-o - is standard output")
    func dash() throws {
        let f = try Self.fixture()
        let r = try runAbigen(["--snapshot", f.good, "-o", "-"])
        #expect(r.status == 0)
        #expect(r.stdout == (try expected(f)))
        #expect(!FileManager.default.fileExists(atPath: "-"))
    }

    @Test("a reader that goes away (| head -c 1): one line and exit 2, not death by SIGPIPE")
    func brokenPipe() throws {
        let r = try runProcessIn(ProcessInfo.processInfo.environment, "/bin/bash",
                                 ["-c", "set -o pipefail; \"$0\" \"$@\" | head -c 1 > /dev/null", Repo.binary,
                                  "--headers", "/usr/include", "--header", "linux/*.h", "--preset", "none", "--format", "json"])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("standard output"), "\(r.stderr)")
    }

    @Test("config: every output written when all succeed, each identical to generate's")
    func configWritesAll() throws {
        let f = try Self.fixture()
        let d = try f.caseDirectory("config-good")
        let config = #"{"outputs": [{"output": "a.swift", "headers": ["\#(f.dir)"], "header": ["t.h"], "preset": "none"},"#
            + #" {"output": "b.json", "format": "json", "headers": ["\#(f.dir)"], "header": ["t.h"], "preset": "none"}]}"#
        try config.write(toFile: d + "/abigen.json", atomically: true, encoding: .utf8)
        let r = try runAbigen(["config", d + "/abigen.json"])
        #expect(r.status == 0, "\(r.stderr)")
        let swift = try runAbigen(["--headers", f.dir, "--header", "t.h", "--preset", "none"])
        let json = try runAbigen(["--headers", f.dir, "--header", "t.h", "--preset", "none", "--format", "json"])
        #expect(try String(contentsOfFile: d + "/a.swift", encoding: .utf8) == swift.stdout)
        #expect(try String(contentsOfFile: d + "/b.json", encoding: .utf8) == json.stdout)
        #expect(try FileManager.default.contentsOfDirectory(atPath: d).sorted() == ["a.swift", "abigen.json", "b.json"])
    }

    @Test("diff loads both sides in parallel: the same bytes on every run, run concurrently")
    func parallelDiff() async throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tree = try Repo.kernelTree("6.12")
        let a = try runAbigen(["--headers", "/usr/include", "--format", "json", "-o", dir + "/a.json"])
        let b = try runAbigen(["--headers", Repo.root + "/Headers/kernel", "--headers", tree + "/include/uapi", "--headers", "/usr/include",
                               "--format", "json", "-o", dir + "/b.json"])
        try #require(a.status == 0 && b.status == 0, "\(a.stderr)\(b.stderr)")
        let results = try await withThrowingTaskGroup(of: ProcessResult.self) { group in
            for _ in 0..<8 { group.addTask { try runAbigen(["diff", dir + "/a.json", dir + "/b.json", "--format", "json"]) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let first = try #require(results.first)
        #expect(first.status == 1 && first.stdout.contains("\"breaking\""), "\(first.stderr)")
        for r in results { #expect(r.status == first.status && r.stdout == first.stdout && r.stderr == first.stderr) }
    }

    /// Whether any process's command line mentions `text`.
    func processMentioning(_ text: String) -> String? {
        for pid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where Int(pid) != nil {
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
            let line = String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
            if line.contains(text) { return "\(pid): \(line.prefix(200))" }
        }
        return nil
    }

    @Test("verify of the whole uapi interrupted while compiling: exit 130/143, probe directory and compiler gone",
          arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func interrupted(_ signalNumber: Int32, _ status: Int32) throws {
        let tmp = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        var env = ProcessInfo.processInfo.environment
        env["TMPDIR"] = tmp
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Repo.binary)
        p.arguments = ["verify", "--headers", "/usr/include", "--header", "linux/*.h", "--preset", "none"]
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // The compiler is running once its log exists (created just before it starts).
        var compiling = false
        for _ in 0..<3000 where p.isRunning {
            let dirs = (try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? []
            if let probe = dirs.first(where: { $0.hasPrefix("abigen-verify-") }),
               FileManager.default.fileExists(atPath: tmp + "/" + probe + "/probes.log") {
                compiling = true
                break
            }
            usleep(100_000)
        }
        try #require(compiling, "verify never started its compiler")
        usleep(500_000)
        kill(p.processIdentifier, signalNumber)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == status)
        usleep(300_000)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? []) == [])
        #expect(processMentioning(tmp) == nil)
    }
}

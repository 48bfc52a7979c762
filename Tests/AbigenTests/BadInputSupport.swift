import Foundation
import Testing
import TestSupport

/// Where a command's standard output goes.
enum StandardOutput: String, Sendable {
    /// A pipe the test reads.
    case pipe
    /// `/dev/full`: every write fails with ENOSPC.
    case full
    /// Closed (`>&-`).
    case closed
}

/// Runs the abigen binary with its standard output redirected as asked, in `environment` (added to the test's).
func runAbigen(_ arguments: [String], stdout: StandardOutput = .pipe, environment: [String: String] = [:],
               input: String? = nil) throws -> ProcessResult {
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    switch stdout {
    case .pipe:
        return try runProcessIn(env, Repo.binary, arguments)
    case .full:
        return try runProcessIn(env, "/bin/sh", ["-c", "exec \"$0\" \"$@\" >/dev/full", Repo.binary] + arguments)
    case .closed:
        return try runProcessIn(env, "/bin/sh", ["-c", "exec \"$0\" \"$@\" >&-", Repo.binary] + arguments)
    }
}

/// Runs a program (absolute path) in an environment, capturing standard output and error (TestSupport's
/// `runProgram`; a process killed by a signal reports 128 + the signal, as a shell does).
func runProcessIn(_ environment: [String: String], _ executable: String, _ arguments: [String]) throws -> ProcessResult {
    try runProgram(executable, arguments, environment: environment)
}

/// Small valid inputs every bad-input case is derived from (made once per test process).
struct BadInputFixture: Sendable {
    /// A scratch directory holding `t.h`, `good.json`, `sub/` (a directory) and whatever cases add.
    let dir: String
    /// The valid snapshot of `t.h`, re-serialized compactly with sorted keys (so cases can edit it as text).
    let snapshot: String

    /// The fixture, made on first use.
    static let shared: Result<BadInputFixture, TestSetupError> = {
        do { return .success(try BadInputFixture()) } catch { return .failure(TestSetupError("fixture: \(error)")) }
    }()

    init() throws {
        // One directory per test process, named by its pid; those of processes that have ended are removed here
        // (a static fixture has no teardown).
        let tmp = NSTemporaryDirectory()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? [] where name.hasPrefix("abigen-badinput-") {
            if let pid = Int32(name.dropFirst("abigen-badinput-".count)), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(atPath: tmp + name)
            }
        }
        dir = tmp + "abigen-badinput-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let header = """
            struct s { int a; unsigned b:3; unsigned c:5; union { int x; char y; }; int arr[2][3]; };
            enum e { E_ONE = 1 };
            #define K_ONE 1

            """
        try header.write(toFile: dir + "/t.h", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        let r = try runAbigen(["--headers", dir, "--header", "t.h", "--preset", "none", "--format", "json"])
        guard r.status == 0 else { throw TestSetupError("cannot make the fixture snapshot: \(r.stderr)") }
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
        let compact = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        snapshot = String(decoding: compact, as: UTF8.self)
        try snapshot.write(toFile: dir + "/good.json", atomically: true, encoding: .utf8)
    }

    /// The good snapshot's path.
    var good: String { dir + "/good.json" }

    /// A fresh directory for one case.
    func caseDirectory(_ name: String) throws -> String {
        let d = dir + "/case-" + name
        try? FileManager.default.removeItem(atPath: d)
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    /// Writes the good snapshot with each `(old, new)` text replaced (each must occur) as `name`.json; returns its path.
    func snapshot(_ name: String, _ edits: [(String, String)]) throws -> String {
        var text = snapshot
        for (old, new) in edits {
            guard text.contains(old) else { throw TestSetupError("case \(name): the fixture snapshot has no \(old)") }
            text = text.replacingOccurrences(of: old, with: new)
        }
        let path = try caseDirectory(name) + "/\(name).json"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes raw bytes as a file of a case directory; returns its path.
    func file(_ name: String, _ fileName: String, _ bytes: [UInt8]) throws -> String {
        let path = try caseDirectory(name) + "/" + fileName
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}

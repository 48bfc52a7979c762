import ABIFrontend
import ABIModel
import AbigenCLI
import Foundation
import Testing
import TestSupport

/// Paths and helpers shared by the integration tests.
enum Repo {
    /// The checkout's top directory.
    static let root = repositoryRoot

    /// The `abigen` binary built by `swift build` (Scripts/test.sh builds it first); `ABIGEN_BIN` overrides.
    static var binary: String {
        if let b = ProcessInfo.processInfo.environment["ABIGEN_BIN"] { return b }
        return root + "/.build/debug/abigen"
    }

    /// An extracted kernel tree (Scripts/kernel-tree.sh VERSION); the tests need it, so a missing tree is a failure.
    static func kernelTree(_ version: String) throws -> String {
        let dir = root + "/.build/kernel-trees/\(version)"
        guard FileManager.default.fileExists(atPath: dir + "/.complete") else {
            throw TestSetupError("kernel tree \(version) missing: run Scripts/kernel-tree.sh \(version) (Scripts/test.sh does)")
        }
        return dir
    }

    /// A fresh temporary directory.
    static func tempDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "abigen-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// A precondition of the test environment that does not hold.
struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Output of a process run to completion (the shared runner's, TestSupport).
typealias ProcessResult = ProcessOutput

/// Runs a program with arguments, capturing its output (TestSupport's `runProgram`).
func runProcess(_ executable: String, _ arguments: [String], cwd: String? = nil) throws -> ProcessResult {
    try runProgram(executable, arguments, cwd: cwd)
}

/// Runs the abigen binary.
func abigen(_ arguments: [String]) throws -> ProcessResult { try runProcess(Repo.binary, arguments) }

/// The io_uring header sets every oracle is run on.
enum HeaderSet: String, CaseIterable, CustomTestStringConvertible {
    case system61 = "Linux 6.1 uapi (/usr/include)"
    case liburing = "liburing 2.3 copy (/usr/include/liburing)"
    case uapi612 = "Linux 6.12 uapi (linux-source-6.12)"

    var testDescription: String { rawValue }

    /// abigen arguments selecting this header set.
    func arguments() throws -> [String] {
        switch self {
        case .system61: return ["--headers", "/usr/include"]
        case .liburing: return ["--headers", "/usr/include", "--header", "liburing/io_uring.h", "--include", "linux/time_types.h"]
        case .uapi612:
            let tree = try Repo.kernelTree("6.12")
            return ["--headers", Repo.root + "/Headers/kernel", "--headers", tree + "/include/uapi", "--headers", "/usr/include"]
        }
    }

    /// Include directories a C probe needs for this set (abigen's Headers/ for the built-in io_uring_cmd).
    func probeIncludeDirectories() throws -> [String] {
        let args = try arguments()
        var dirs = stride(from: 0, to: args.count, by: 2).filter { args[$0] == "--headers" }.map { args[$0 + 1] }
        dirs.append(Repo.root + "/Headers")
        return dirs
    }

    /// The snapshot, parsed in-process.
    func snapshot() throws -> ABISnapshot {
        try HeaderOptions.parse(try arguments()).snapshot()
    }
}

import Foundation
import TestSupport

/// Paths of the checkout and the binaries the corpus runs.
enum CorpusPaths {
    /// The checkout's top directory.
    static let root = repositoryRoot

    /// The `abigen` binary built by `swift build`; `ABIGEN_BIN` overrides.
    static var binary: String {
        if let b = ProcessInfo.processInfo.environment["ABIGEN_BIN"], !b.isEmpty { return b }
        return root + "/.build/debug/abigen"
    }

    /// The committed list (`Fixtures/corpus/sets.json`); `ABIGEN_CORPUS_FILE` runs another list.
    static var corpusFile: String {
        if let f = ProcessInfo.processInfo.environment["ABIGEN_CORPUS_FILE"], !f.isEmpty { return f }
        return root + "/Fixtures/corpus/sets.json"
    }

    /// A fresh temporary directory of its own for one header set.
    static func temporaryDirectory(_ label: String) throws -> String {
        let dir = NSTemporaryDirectory() + "abigen-corpus-\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// A precondition of the test environment that does not hold (a missing package, a missing binary).
struct CorpusSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Exit status and output of a finished process (the shared runner's, TestSupport).
typealias Finished = ProcessOutput

extension ProcessOutput {
    /// The first `n` non-empty lines of stderr, then stdout, for a failure message.
    func head(_ n: Int = 8) -> String {
        let lines = (stderr + "\n" + stdout).split(separator: "\n", omittingEmptySubsequences: true)
        var text = lines.prefix(n).joined(separator: "\n")
        if lines.count > n { text += "\n… (\(lines.count - n) more lines)" }
        return text
    }
}

/// Runs a program to completion in `directory` with its output kept in files there (`LABEL.stdout`,
/// `LABEL.stderr`), through TestSupport's `runProgram`.
func run(_ executable: String, _ arguments: [String], in directory: String, label: String) throws -> Finished {
    try runProgram(executable, arguments, cwd: directory,
                   outputFiles: (directory + "/\(label).stdout", directory + "/\(label).stderr"))
}

/// The machine name (`x86_64`), as `uname -m` prints it.
func machineName() -> String {
    var u = utsname()
    guard uname(&u) == 0 else { return "" }
    return withUnsafeBytes(of: &u.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
}

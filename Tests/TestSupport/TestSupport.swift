import Foundation

/// The checkout's top directory (this file is `Tests/TestSupport/TestSupport.swift`).
public let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// Exit status and output of a finished process.
public struct ProcessOutput: Sendable {
    /// The exit status; 128 + the signal for a process killed by a signal, as a shell reports it.
    public var status: Int32
    /// Everything the process wrote on standard output.
    public var stdout: String
    /// Everything the process wrote on standard error.
    public var stderr: String

    /// Makes a result.
    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// Why a program could not be run.
public struct ProcessSetupError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
}

/// The one process runner of the test suite: runs `executable` (an absolute path, or a name looked up on `PATH`
/// through `/usr/bin/env`) to completion with standard input from `/dev/null`, in `cwd`, with `environment`
/// (nil: the test's). Standard output and error go to files, so nothing has to be drained while the process
/// runs and concurrent runs share nothing: `outputFiles` names them (kept), or fresh temporary files (removed).
public func runProgram(_ executable: String, _ arguments: [String], cwd: String? = nil,
                       environment: [String: String]? = nil,
                       outputFiles: (stdout: String, stderr: String)? = nil) throws -> ProcessOutput {
    let fm = FileManager.default
    var scratch: String?
    defer { if let scratch { try? fm.removeItem(atPath: scratch) } }
    let files: (stdout: String, stderr: String)
    if let outputFiles { files = outputFiles } else {
        let dir = NSTemporaryDirectory() + "abigen-run-\(UUID().uuidString)"
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        scratch = dir
        files = (dir + "/stdout", dir + "/stderr")
    }
    guard fm.createFile(atPath: files.stdout, contents: nil), fm.createFile(atPath: files.stderr, contents: nil),
          let out = FileHandle(forWritingAtPath: files.stdout), let err = FileHandle(forWritingAtPath: files.stderr) else {
        throw ProcessSetupError(description: "cannot create output files \(files.stdout) and \(files.stderr)")
    }
    let p = Process()
    if executable.hasPrefix("/") {
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
    } else {
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [executable] + arguments
    }
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    if let environment { p.environment = environment }
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    try out.close()
    try err.close()
    func text(_ path: String) -> String { String(decoding: fm.contents(atPath: path) ?? Data(), as: UTF8.self) }
    let stdout = text(files.stdout), stderr = text(files.stderr)
    let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
    return ProcessOutput(status: status, stdout: stdout, stderr: stderr)
}

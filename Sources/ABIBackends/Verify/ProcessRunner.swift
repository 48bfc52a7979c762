import Foundation

/// Why a program could not be run.
public enum ProcessRunnerError: Error, CustomStringConvertible, Sendable {
    /// The executable could not be started (missing, not executable).
    case cannotStart(executable: String)
    /// The file that collects the program's output could not be created.
    case cannotWriteLog(path: String)

    /// The problem in a few words.
    public var description: String {
        switch self {
        case .cannotStart(let executable): return "cannot start \(executable)"
        case .cannotWriteLog(let path): return "cannot create \(path)"
        }
    }
}

/// Starts programs: the only code in `Sources/` that does (the verifier's compiler, `abigen targets`' clang query).
/// Every child is registered with ``InterruptCleanup`` while it runs.
public enum ProcessRunner {
    /// Runs `executable` (a path) to completion with standard input from `/dev/null` and standard output and error
    /// written to `log` (a fresh temporary file when nil, removed afterwards); returns the exit status and that output.
    /// With a `log`, the program's own temporary files (`TMPDIR`) go beside it. `includeStandardError: false` discards
    /// standard error instead.
    public static func run(_ executable: String, _ arguments: [String], log: String? = nil, in directory: String? = nil,
                           includeStandardError: Bool = true) throws(ProcessRunnerError) -> (status: Int32, output: String) {
        let logPath = log ?? (NSTemporaryDirectory() + "abigen-run-\(UUID().uuidString).log")
        defer { if log == nil { try? FileManager.default.removeItem(atPath: logPath) } }
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: logPath) else { throw .cannotWriteLog(path: logPath) }
        defer { try? handle.close() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        p.standardOutput = handle
        p.standardError = includeStandardError ? handle : FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        if let log {
            // The compiler's own temporary files go beside the log (the probe directory), so they go with it.
            var environment = ProcessInfo.processInfo.environment
            environment["TMPDIR"] = (log as NSString).deletingLastPathComponent
            p.environment = environment
        }
        do { try p.run() } catch { throw .cannotStart(executable: executable) }
        let pid = p.processIdentifier
        InterruptCleanup.register(child: pid)
        p.waitUntilExit()
        InterruptCleanup.unregister(child: pid)
        let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return (p.terminationStatus, output)
    }

    /// The executable's path: as given when it contains a slash, else the first match on `PATH`; nil when missing.
    public static func executablePath(_ name: String) -> String? {
        let fm = FileManager.default
        if name.contains("/") { return fm.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if fm.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

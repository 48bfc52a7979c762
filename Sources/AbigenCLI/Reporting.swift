import ABIModel
import Foundation
import Synchronization

/// The run's diagnostics, rendered on standard error: phase timings with `--verbose` or `ABIGEN_TRACE`
/// set (neither empty nor `0`), warnings and notes with `--verbose` only (the snapshot already lists what was left out).
enum Reporting {
    /// The one collector of this process (a command reads one set of header options).
    private static let shared = Locked<Diagnostics?>(nil)

    /// The collector, made on first use; `verbose` (`--verbose`) decides what it prints.
    static func diagnostics(verbose: Bool) -> Diagnostics {
        shared.withLock { current in
            if let current { return current }
            let trace = tracing(ProcessInfo.processInfo.environment["ABIGEN_TRACE"])
            let made = Diagnostics(recordsTimings: verbose || trace) { d in
                guard verbose || (trace && isPhase(d)) else { return }
                OutputFile.writeStandardError("abigen: " + d.description)
            }
            current = made
            return made
        }
    }

    /// The collector the command made from its `--verbose` (each command makes it first thing in `run()`),
    /// for stages that have no header options at hand; before that, one that follows `ABIGEN_TRACE` alone.
    static var current: Diagnostics { diagnostics(verbose: false) }

    /// Whether `ABIGEN_TRACE`'s value asks for timings: set, not empty, and not `0`.
    static func tracing(_ value: String?) -> Bool { value.map { !$0.isEmpty && $0 != "0" } ?? false }

    /// Whether a diagnostic is a phase timing.
    static func isPhase(_ d: Diagnostic) -> Bool { d.severity == .note && d.message.hasPrefix("phase ") }
}

extension HeaderOptions {
    /// The run's diagnostics (see ``Reporting``).
    var diagnostics: Diagnostics { Reporting.diagnostics(verbose: verbose) }
}

import Synchronization

/// One thing a stage has to say: what, where and how bad.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    /// How bad it is.
    public enum Severity: String, Sendable, Equatable, Comparable, CaseIterable {
        /// Information: a phase timing, a choice made.
        case note
        /// Something was left out or guessed (an unsupported declaration); the result is still usable.
        case warning
        /// The stage failed.
        case error

        public static func < (a: Severity, b: Severity) -> Bool {
            allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
        }
    }

    /// How bad it is.
    public var severity: Severity
    /// Where: a file (`linux/foo.h:12`), a declaration (`struct foo.bar`), or nil for the run as a whole.
    public var location: String?
    /// The C declaration it is about (`foo`, `foo.bar`), when there is one; a warning about a declaration
    /// becomes an ``Unsupported`` entry of the snapshot.
    public var symbol: String?
    /// What happened, one line.
    public var message: String

    public init(_ severity: Severity, _ message: String, location: String? = nil, symbol: String? = nil) {
        self.severity = severity
        self.message = message
        self.location = location
        self.symbol = symbol
    }

    /// `location: severity: message`, as compilers print diagnostics.
    public var description: String {
        (location.map { $0 + ": " } ?? "") + severity.rawValue + ": " + message
    }
}

/// Collects a run's diagnostics, from any thread, in the order they were emitted.
///
/// Stages emit into it; the command line decides what to render (`--verbose` or `ABIGEN_TRACE`
/// shows notes and phase timings on standard error). Phase timings are notes whose message
/// starts with `phase`.
public final class Diagnostics: Sendable {
    private let state = Locked<[Diagnostic]>([])
    private let handler: (@Sendable (Diagnostic) -> Void)?
    private let start: ContinuousClock.Instant
    /// Whether ``phase(_:)`` records timings (they are never part of any output file).
    public let recordsTimings: Bool

    /// A collector; `handler` also sees each diagnostic as it is emitted (e.g. to print it at once).
    public init(recordsTimings: Bool = false, handler: (@Sendable (Diagnostic) -> Void)? = nil) {
        self.recordsTimings = recordsTimings
        self.handler = handler
        self.start = ContinuousClock.now
    }

    /// Records one diagnostic.
    public func emit(_ d: Diagnostic) {
        state.withLock { $0.append(d) }
        handler?(d)
    }

    /// Records a note.
    public func note(_ message: String, location: String? = nil) { emit(Diagnostic(.note, message, location: location)) }
    /// Records a warning.
    public func warning(_ message: String, location: String? = nil, symbol: String? = nil) {
        emit(Diagnostic(.warning, message, location: location, symbol: symbol))
    }

    /// Records that a phase ended, with the milliseconds since this collector was made (only when timings are recorded).
    public func phase(_ name: @autoclosure () -> String) {
        guard recordsTimings else { return }
        let elapsed = ContinuousClock.now - start
        let ms = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        note("phase \(name()): \(ms) ms")
    }

    /// Everything emitted so far, in order.
    public var all: [Diagnostic] { state.withLock { $0 } }
}

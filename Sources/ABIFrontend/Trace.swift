import Foundation

/// Prints phase timings to standard error when `ABIGEN_TRACE` is set.
///
/// Left only for the command line's remaining calls while it moves to ``Diagnostics``: the frontend reports
/// its phases through ``ParseOptions/diagnostics``. Delete this file when AbigenCLI no longer calls it.
@available(*, deprecated, message: "emit phase timings into a Diagnostics value (Diagnostics.phase)")
public enum Trace {
    static let enabled = ProcessInfo.processInfo.environment["ABIGEN_TRACE"] != nil
    static let start = DispatchTime.now().uptimeNanoseconds
    /// Prints `what` with the milliseconds since the first mark.
    public static func mark(_ what: @autoclosure () -> String) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        FileHandle.standardError.write(Data("[trace \((now - min(now, start)) / 1_000_000) ms] \(what())\n".utf8))
    }
}

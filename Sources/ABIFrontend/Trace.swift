import Foundation

/// Prints phase timings to standard error when `ABIGEN_TRACE` is set.
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

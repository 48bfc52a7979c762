import Foundation

/// A value behind a lock that ThreadSanitizer follows (a pthread mutex, through `NSLock`). The standard library's
/// `Mutex` is built on Linux from atomics and futex calls inside an uninstrumented library, so the sanitizer sees
/// two threads modifying its value with nothing ordering them, and reports a race that is not there
/// (`Scripts/tsan.sh` must stay clean).
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    /// A lock holding `value`.
    public init(_ value: Value) { self.value = value }

    /// Runs `body` with the value, holding the lock.
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

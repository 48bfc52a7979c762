import ABIModel
import Foundation
import Synchronization

/// Runs work on threads with a large stack, as clang's own driver does: clang recurses once per
/// operator of a long expression, and libclang's default 8 MiB stack overflows on a macro of some
/// 60,000 terms.
enum LargeStack {
    /// Stack size of each thread: address space only; pages are touched as the stack grows.
    static let stackSize = 512 << 20

    /// Makes libclang parse on the calling thread instead of a helper thread with a fixed 8 MiB stack.
    /// Set once, before any thread of ours calls into libclang.
    static let configured: Bool = {
        setenv("LIBCLANG_NOTHREADS", "1", 1)
        return true
    }()

    /// One job's result, handed from its thread to the caller.
    private final class Outcome<T: Sendable>: Sendable {
        let result = Locked<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
    }

    /// Runs each job on a thread of its own (all at once) and returns their results in order.
    static func run<T: Sendable>(_ jobs: [@Sendable () throws -> T]) -> [Result<T, any Error>] {
        _ = configured
        let outcomes = jobs.map { job -> Outcome<T> in
            let outcome = Outcome<T>()
            let thread = Thread {
                let r = Result { try job() }
                outcome.result.withLock { $0 = r }
                outcome.done.signal()
            }
            thread.stackSize = stackSize
            thread.start()
            return outcome
        }
        return outcomes.map { outcome in
            outcome.done.wait()
            return outcome.result.withLock { $0 } ?? .failure(FrontendError(file: "<internal>", message: "a parser thread ended without a result"))
        }
    }
}

import CIoUringSys
import Glibc
import Synchronization

/// One io_uring shared by any number of tasks: `try await ring.submit(request)` suspends until that
/// request's completion, and ``completions(of:)`` streams a multishot request's completions.
///
/// Threading model: a private thread owns the ``IoUringRing`` (created there, so `.singleIssuer`
/// and `.deferTaskrun` work). Tasks never touch the ring; they hand requests to the owner through a
/// lock-protected queue and wake it through an eventfd the owner keeps a read pending on. The owner
/// assigns `user_data` (yours is replaced), submits in batches, and resumes each task when its
/// completion arrives. Cancelling a task sends `IORING_OP_ASYNC_CANCEL` for its request; the task
/// still gets the request's own completion (usually `-ECANCELED`), so memory named by the request
/// is never written after the call returns. ``shutdown()`` (or releasing the last reference)
/// cancels what is in flight and ends the thread once everything completed.
public final class AsyncIoUring: Sendable {
    let shared: AsyncRingShared

    /// Starts the owner thread with a ring of `entries` SQEs and `flags` (a CQ ring of
    /// `cqEntries`, default 4 × `entries`, bounds how many requests are in flight at once).
    public init(entries: UInt32 = 256, flags: SetupFlags = [], cqEntries: UInt32? = nil) throws(IoUringError) {
        let cq = cqEntries ?? (entries <= UInt32.max / 4 ? entries * 4 : entries)
        let wake = ciouring_eventfd(0, O_CLOEXEC)
        guard wake >= 0 else { throw .system(call: "eventfd", errno: -wake) }
        let ring: IoUringRing
        do {
            // Created disabled and enabled by the owner thread, which becomes the single issuer.
            ring = try IoUringRing(entries: entries, flags: flags.union(.disabled), cqEntries: cq)
        } catch {
            close(wake)
            throw error
        }
        shared = AsyncRingShared(wakeFD: wake)
        let driver = AsyncRingDriver(ring: ring, shared: shared, enable: true)
        var thread = pthread_t()
        let box = Unmanaged.passRetained(driver).toOpaque()
        let r = pthread_create(&thread, nil, { arg in
            guard let arg else { return nil }
            let driver = Unmanaged<AsyncRingDriver>.fromOpaque(arg).takeRetainedValue()
            driver.run()
            return nil
        }, box)
        guard r == 0 else {
            Unmanaged<AsyncRingDriver>.fromOpaque(box).release()
            throw .system(call: "pthread_create", errno: r)
        }
        pthread_detach(thread)
    }

    deinit { shutdown() }

    /// Submits `request` and returns its completion (a negative `res` is the kernel's errno, not a
    /// throw). Throws ECANCELED when the ring is shut down, EINVAL for a request with
    /// ``SQEFlags/ioLink``, ``SQEFlags/ioHardlink`` or ``SQEFlags/cqeSkipSuccess``. Memory the request
    /// names must stay valid until this returns; ``read(fd:count:offset:)`` manages that for you.
    public func submit(_ request: SubmissionQueueEntry) async throws -> CompletionQueueEntry {
        try await submit(request, keeping: nil)
    }

    func submit(_ request: SubmissionQueueEntry, keeping owner: AsyncRingBuffer?) async throws -> CompletionQueueEntry {
        let id = shared.newID()
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (c: UnsafeContinuation<CompletionQueueEntry, Error>) in
                shared.send(.submit(id: id, request: request, waiter: .single(c), owner: owner))
            }
        } onCancel: {
            shared.send(.cancel(id: id))
        }
    }

    /// Submits a multishot `request` (multishot poll, accept, receive, timeout…) and streams every
    /// completion; the stream ends after the completion without ``CompletionFlags/more``.
    /// Ending the iteration early cancels the request.
    public func completions(of request: SubmissionQueueEntry) -> AsyncThrowingStream<CompletionQueueEntry, Error> {
        let id = shared.newID()
        let (stream, continuation) = AsyncThrowingStream<CompletionQueueEntry, Error>.makeStream(bufferingPolicy: .unbounded)
        continuation.onTermination = { [shared] reason in
            if case .cancelled = reason { shared.send(.cancel(id: id)) }
        }
        shared.send(.submit(id: id, request: request, waiter: .stream(continuation), owner: nil))
        return stream
    }

    /// Reads up to `count` bytes at `offset` from `fd` into a buffer the ring keeps alive until the
    /// completion; returns the bytes read, or throws the kernel's errno.
    public func read(fd: Int32, count: Int, offset: UInt64) async throws -> [UInt8] {
        let buffer = AsyncRingBuffer(count: max(count, 0))
        var request = SubmissionQueueEntry()
        request.prepareRead(fd: fd, buffer: buffer.base, count: UInt32(clamping: max(count, 0)), offset: offset, userData: 0)
        let c = try await submit(request, keeping: buffer)
        let n = try c.get()
        return buffer.bytes(Int(n))
    }

    /// A NOP through the ring (a round trip to the kernel and the owner thread).
    public func nop() async throws -> CompletionQueueEntry {
        var request = SubmissionQueueEntry()
        request.prepareNop(userData: 0)
        return try await submit(request)
    }

    /// Stops taking requests, cancels those in flight, and lets the owner thread exit once every
    /// completion arrived (each waiting task is resumed). Idempotent.
    public func shutdown() {
        shared.send(.shutdown)
    }
}

/// Memory a request names, owned by the ring until its completion.
final class AsyncRingBuffer: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let count: Int

    init(count: Int) {
        self.count = count
        base = .allocate(byteCount: max(count, 1), alignment: 16)
    }

    deinit { base.deallocate() }

    /// The first `n` bytes (clamped to the buffer).
    func bytes(_ n: Int) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: base, count: min(max(n, 0), count)))
    }
}

/// Who waits for a request's completions.
enum AsyncRingWaiter: Sendable {
    case single(UnsafeContinuation<CompletionQueueEntry, Error>)
    case stream(AsyncThrowingStream<CompletionQueueEntry, Error>.Continuation)

    func fail(_ error: Error) {
        switch self {
        case .single(let c): c.resume(throwing: error)
        case .stream(let s): s.finish(throwing: error)
        }
    }
}

/// A message from a task to the owner thread.
enum AsyncRingMessage: Sendable {
    case submit(id: UInt64, request: SubmissionQueueEntry, waiter: AsyncRingWaiter, owner: AsyncRingBuffer?)
    case cancel(id: UInt64)
    case shutdown
}

/// The queue between tasks and the owner thread.
final class AsyncRingShared: Sendable {
    struct State {
        var inbox: [AsyncRingMessage] = []
        var sleeping = false
        var closed = false
        var nextID: UInt64 = 1
    }
    let state = Mutex(State())
    let wakeFD: Int32

    init(wakeFD: Int32) { self.wakeFD = wakeFD }

    func newID() -> UInt64 {
        state.withLock { s in
            let id = s.nextID
            s.nextID &+= 1
            if s.nextID == AsyncRingDriver.wakeTag || s.nextID == AsyncRingDriver.cancelTag { s.nextID = 1 }
            return id
        }
    }

    /// Queues `message`, waking the owner when it sleeps; after shutdown a submission fails with ECANCELED.
    func send(_ message: AsyncRingMessage) {
        let (wake, rejected, cancelled): (Bool, AsyncRingMessage?, AsyncRingMessage?) = state.withLock { s in
            if s.closed {
                if case .submit = message { return (false, message, nil) }
                return (false, nil, nil)
            }
            // Checked under the lock: a cancellation handler's `.cancel` can then never overtake this `.submit`.
            if case .submit = message, Task.isCancelled { return (false, nil, message) }
            if case .shutdown = message { s.closed = true }
            s.inbox.append(message)
            let wake = s.sleeping
            s.sleeping = false
            return (wake, nil, nil)
        }
        if case .submit(let id, _, let waiter, _)? = cancelled {
            // Never reached the kernel: answer as the kernel answers a cancelled request.
            AsyncRingDriver.resume(waiter, with: CompletionQueueEntry(userData: id, res: -ECANCELED, flags: 0))
        }
        if case .submit(_, _, let waiter, _)? = rejected {
            waiter.fail(IoUringError.system(call: "AsyncIoUring.submit", errno: ECANCELED))
        }
        if wake {
            var one: UInt64 = 1
            _ = Glibc.write(wakeFD, &one, 8)
        }
    }
}

import CIoUringSys
import Glibc
import Synchronization

/// The owner thread's state: the ring and the requests in flight.
final class AsyncRingDriver: @unchecked Sendable {
    static let wakeTag = UInt64.max
    static let cancelTag = UInt64.max - 1

    let ring: IoUringRing
    let shared: AsyncRingShared
    let enableRing: Bool
    var inFlight: [UInt64: (AsyncRingWaiter, AsyncRingBuffer?)] = [:]
    var backlog: [AsyncRingMessage] = []
    var backlogHead = 0
    var closing = false
    var wakeArmed = false
    let wakeBuffer = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)

    init(ring: IoUringRing, shared: AsyncRingShared, enable: Bool) {
        self.ring = ring
        self.shared = shared
        enableRing = enable
        inFlight.reserveCapacity(Int(ring.params.cq_entries))
    }

    deinit {
        wakeBuffer.deallocate()
        close(shared.wakeFD)
    }

    /// How many requests may be in flight: the CQ ring's size, less the wake-up read and cancels.
    var capacity: Int { max(Int(ring.params.cq_entries) - 8, 1) }

    func run() {
        do {
            if enableRing { try ring.enable() }
            try loop()
        } catch {
            // The ring failed: every waiter gets the error, later submissions ECANCELED.
            shared.send(.shutdown)
            for (waiter, _) in inFlight.values { waiter.fail(error) }
            inFlight.removeAll()
        }
        let rest: [AsyncRingMessage] = shared.state.withLock { s in
            s.closed = true
            defer { s.inbox.removeAll() }
            return s.inbox
        }
        for case .submit(_, _, let waiter, _) in backlog[backlogHead...] + rest {
            waiter.fail(IoUringError.system(call: "AsyncIoUring.submit", errno: ECANCELED))
        }
    }

    func push(_ body: (inout SubmissionQueueEntry) -> Void) throws(IoUringError) {
        while !ring.prepare(body) { try ring.submit() }
    }

    func armWake() throws(IoUringError) {
        let buffer = wakeBuffer
        try push { $0.prepareRead(fd: shared.wakeFD, buffer: buffer, count: 8, offset: 0, userData: Self.wakeTag) }
        wakeArmed = true
    }

    func loop() throws(IoUringError) {
        var inbox: [AsyncRingMessage] = []
        inbox.reserveCapacity(64)
        while true {
            // Take what the tasks queued: cancels and shutdown act at once, submissions wait in the backlog.
            shared.state.withLock { s in
                swap(&inbox, &s.inbox)
            }
            for (i, message) in inbox.enumerated() {
                do throws(IoUringError) {
                    try handle(message)
                } catch {
                    backlog.append(contentsOf: inbox[(i + 1)...])   // run() fails their waiters
                    throw error
                }
            }
            inbox.removeAll(keepingCapacity: true)
            try drainBacklog()
            if closing && inFlight.isEmpty && !wakeArmed { return }
            if !wakeArmed && !closing { try armWake() }
            // Sleep when no submission can move (none waiting, or as many in flight as the CQ holds):
            // a completion or a task's message (the eventfd) wakes us. A task that queues after
            // this sees `sleeping` and writes the eventfd.
            let blocked = backlogHead == backlog.count || inFlight.count >= capacity
            let sleep: Bool = blocked && shared.state.withLock { s in
                if s.inbox.isEmpty { s.sleeping = true }
                return s.sleeping
            }
            do {
                try ring.submit(waitFor: sleep ? 1 : 0)
            } catch {
                // A signal interrupted the wait, or the kernel wants completions reaped first: not fatal.
                guard error.errno == EINTR || error.errno == EAGAIN || error.errno == EBUSY else { throw error }
            }
            try ring.reapCompletions { c throws(IoUringError) in try complete(c) }
            if sleep { shared.state.withLock { $0.sleeping = false } }
        }
    }

    static let refused = IoUringError.system(call: "AsyncIoUring.submit", errno: ECANCELED)

    /// Acts on one message from a task. Submissions queue behind each other in the backlog, but a
    /// cancel or a shutdown never waits behind them: it acts on the backlog and the ring at once.
    func handle(_ message: AsyncRingMessage) throws(IoUringError) {
        switch message {
        case .submit(_, _, let waiter, _):
            if closing { waiter.fail(Self.refused) } else { backlog.append(message) }
        case .cancel(let id):
            if inFlight[id] != nil {
                try push { $0.prepareCancel(target: id, userData: Self.cancelTag) }
            } else if let i = backlog[backlogHead...].firstIndex(where: { if case .submit(id, _, _, _) = $0 { true } else { false } }),
                      case .submit(_, _, let waiter, _) = backlog[i] {
                // Not yet in the kernel: answer as the kernel answers a cancelled request.
                backlog.remove(at: i)
                Self.resume(waiter, with: CompletionQueueEntry(userData: id, res: -ECANCELED, flags: 0))
            }
        case .shutdown:
            guard !closing else { return }
            closing = true
            for case .submit(_, _, let waiter, _) in backlog[backlogHead...] { waiter.fail(Self.refused) }
            backlog.removeAll()
            backlogHead = 0
            // ANY matches every request, ALL cancels every match (ANY alone cancels only the first).
            try push { $0.prepareCancel(target: 0, flags: IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL, userData: Self.cancelTag) }
        }
    }

    static func resume(_ waiter: AsyncRingWaiter, with c: CompletionQueueEntry) {
        switch waiter {
        case .single(let continuation): continuation.resume(returning: c)
        case .stream(let stream): stream.yield(c); stream.finish()
        }
    }

    /// Moves waiting submissions into the ring while fewer than ``capacity`` are in flight.
    func drainBacklog() throws(IoUringError) {
        while backlogHead < backlog.count && inFlight.count < capacity {
            guard case .submit(let id, var request, let waiter, let owner) = backlog[backlogHead] else {
                backlogHead += 1
                continue
            }
            backlogHead += 1
            request.userData = id
            if request.size > ring.sqeSize {
                waiter.fail(IoUringError.payloadTooLarge(size: request.commandAreaSize, capacity: ring.sqeSize - io_uring_sqe.cmd_offset))
            } else if !request.flags.isDisjoint(with: Self.refusedFlags) {
                // A link would chain to another task's request; a skipped completion would never resume the task.
                waiter.fail(IoUringError.system(call: "AsyncIoUring.submit (IOSQE_IO_LINK, IO_HARDLINK or CQE_SKIP_SUCCESS)", errno: EINVAL))
            } else {
                while try !ring.enqueue(request) { try ring.submit() }
                inFlight[id] = (waiter, owner)
            }
        }
        if backlogHead == backlog.count {
            backlog.removeAll(keepingCapacity: true)
            backlogHead = 0
        }
    }

    /// Flags a request through ``AsyncIoUring`` may not carry.
    static let refusedFlags: SQEFlags = [.ioLink, .ioHardlink, .cqeSkipSuccess]

    func complete(_ c: CompletionQueueEntry) throws(IoUringError) {
        switch c.userData {
        case Self.wakeTag:
            wakeArmed = false
        case Self.cancelTag:
            break
        default:
            guard let (waiter, _) = inFlight[c.userData] else { return }
            switch waiter {
            case .single(let continuation):
                inFlight[c.userData] = nil
                continuation.resume(returning: c)
            case .stream(let stream):
                stream.yield(c)
                if !c.hasMore {
                    inFlight[c.userData] = nil
                    stream.finish()
                }
            }
        }
    }
}

import CIoUringSys
import Glibc

/// Completion: taking CQEs from the CQ ring, and waiting for them.
extension IoUringRing {
    /// Takes the next completion, if one is ready.
    @inlinable
    public func popCompletion() -> CompletionQueueEntry? {
        let head = cqHead.load(as: UInt32.self)
        let tail = ciouring_load_acquire(cqTail)
        guard head != tail else { return nil }
        let c = readCompletion(head)
        ciouring_store_release(cqHead, head &+ 1)
        return c
    }

    @inlinable
    func readCompletion(_ position: UInt32) -> CompletionQueueEntry {
        let slot = UnsafeRawPointer(cqesBase + Int(position & cqMask) &* cqeSize)
        let o = cqeFieldOffsets
        var extra = BigCQE()
        if cqeSize > io_uring_cqe.size {
            extra = BigCQE(slot.load(fromByteOffset: o.big, as: UInt64.self), slot.load(fromByteOffset: o.big &+ 8, as: UInt64.self))
        }
        return CompletionQueueEntry(userData: slot.load(fromByteOffset: o.userData, as: UInt64.self),
                                    res: slot.load(fromByteOffset: o.res, as: Int32.self),
                                    flags: slot.load(fromByteOffset: o.flags, as: UInt32.self), extra: extra)
    }

    /// Calls `body` with every completion ready now, in ring order (`io_uring_for_each_cqe` +
    /// `io_uring_cq_advance`); returns how many it passed to `body`. Each slot is freed before
    /// `body` sees its copy, so a `body` that takes completions itself (``popCompletion()``, a nested
    /// reap, a wait) gets the following ones, never one twice.
    @inlinable @discardableResult
    public func reapCompletions<E: Error>(_ body: (CompletionQueueEntry) throws(E) -> Void) throws(E) -> Int {
        let tail = ciouring_load_acquire(cqTail)
        var count = 0
        while true {
            // Our own CQ head, re-read: `body` may have moved it.
            let head = cqHead.load(as: UInt32.self)
            guard Int32(bitPattern: tail &- head) > 0 else { break }
            let c = readCompletion(head)
            ciouring_store_release(cqHead, head &+ 1)
            count &+= 1
            try body(c)
        }
        return count
    }

    /// Takes every completion that is ready now, in ring order.
    public func completions() -> [CompletionQueueEntry] {
        var all: [CompletionQueueEntry] = []
        reapCompletions { all.append($0) }
        return all
    }

    /// Waits for and takes the next completion.
    public func waitCompletion() throws(IoUringError) -> CompletionQueueEntry {
        while true {
            if let c = popCompletion() { return c }
            let r = ciouring_enter(fd, 0, 1, IORING_ENTER_GETEVENTS)
            if r < 0 && -r != EINTR { throw .system(call: "io_uring_enter", errno: -r) }
        }
    }

    /// Waits at most `timeout` for the next completion (`IORING_ENTER_EXT_ARG` with a generated
    /// `io_uring_getevents_arg`); nil when the time ran out. Also submits anything prepared.
    public func waitCompletion(timeout: Duration) throws(IoUringError) -> CompletionQueueEntry? {
        if let c = popCompletion() { return c }
        _ = try wait(for: 1, timeout: timeout)
        return popCompletion()
    }

    /// Submits what is prepared and waits until `count` completions are ready or `timeout` passed;
    /// false on timeout. A signal ends the wait early without error (it returns true).
    @discardableResult
    public func wait(for count: UInt32, timeout: Duration) throws(IoUringError) -> Bool {
        ciouring_store_release(sqTail, localTail)
        let toSubmit = localTail &- ciouring_load_acquire(sqHead)
        var flags = IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG
        if sqPoll {
            ciouring_full_fence()
            if ciouring_load_relaxed(sqFlagsWord) & IORING_SQ_NEED_WAKEUP != 0 { flags |= IORING_ENTER_SQ_WAKEUP }
        }
        var ts = KernelTimespec(timeout).abi
        let r = withUnsafePointer(to: &ts) { tsp -> Int32 in
            var arg = io_uring_getevents_arg()
            arg.ts = UInt64(UInt(bitPattern: tsp))
            return withUnsafeBytes(of: &arg.storage) { a in
                ciouring_enter_arg(fd, toSubmit, count, flags, a.baseAddress, a.count)
            }
        }
        if r >= 0 || -r == EINTR { return true }
        if -r == ETIME { return false }
        throw .system(call: "io_uring_enter", errno: -r)
    }
}

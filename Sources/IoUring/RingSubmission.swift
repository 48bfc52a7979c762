import CIoUringSys
import Glibc

/// Submission: preparing requests into SQ slots and handing them to the kernel.
extension IoUringRing {
    /// The SQ ring's `flags` word (`IORING_SQ_NEED_WAKEUP`, `IORING_SQ_CQ_OVERFLOW`, `IORING_SQ_TASKRUN`).
    public var sqRingFlags: SQRingFlags { SQRingFlags(rawValue: ciouring_load_acquire(sqFlagsWord)) }

    /// Free SQ slots right now.
    @inlinable public var freeSlots: UInt32 { sqEntries &- (localTail &- ciouring_load_acquire(sqHead)) }

    /// Prepared but not yet consumed by the kernel.
    @inlinable public var pendingSubmissions: UInt32 { localTail &- ciouring_load_acquire(sqHead) }

    /// True when the SQ has room for one more entry (re-reading the kernel's head only when the cached one says full).
    @inlinable
    func hasRoom(_ tail: UInt32) -> Bool {
        if tail &- cachedHeadCell.pointee < sqEntries { return true }
        cachedHeadCell.pointee = ciouring_load_acquire(sqHead)
        return tail &- cachedHeadCell.pointee < sqEntries
    }

    /// Prepares the next request in a fresh zeroed ``SubmissionQueueEntry`` and copies it into the
    /// ring; false (and `body` is not called) when the submission queue is full. If `body` throws,
    /// nothing is queued. If `body` itself filled the last free slot (a nested `prepare` or
    /// `enqueue`), nothing is queued either and the result is false. Replacing the request with a
    /// 128-byte one (``SubmissionQueueEntry/init(size:)``) on a 64-byte ring traps, as its second
    /// half would be lost; ``enqueue(_:)`` throws for that instead.
    public func prepare<E: Error>(_ body: (inout SubmissionQueueEntry) throws(E) -> Void) throws(E) -> Bool {
        precondition(!preparingCell.pointee, "IoUringRing: prepare called from inside prepareInPlace")
        guard hasRoom(localTail) else { return false }
        var entry = SubmissionQueueEntry(size: sqeSize)
        try body(&entry)
        precondition(entry.size <= sqeSize, "IoUringRing.prepare: a 128-byte request does not fit a 64-byte SQE ring")
        // `body` may have queued requests itself: the slot counted above may be gone.
        guard hasRoom(localTail) else { return false }
        store(entry)
        return true
    }

    /// The fast path: `body` fills the next SQE slot in place (the first 64 bytes, through the
    /// generated `io_uring_sqe` accessors and its `prepare…` helpers), which is zeroed first. The slot
    /// is reachable only as the `inout` parameter, so it cannot outlive `body`; preparing or
    /// submitting on the same ring from inside `body` traps. False (and `body` is not called) when
    /// the submission queue is full. Requests that need ring-owned memory (timeouts) or the SQE128
    /// command area go through ``prepare(_:)``.
    @inlinable
    public func prepareInPlace<E: Error>(_ body: (inout io_uring_sqe) throws(E) -> Void) throws(E) -> Bool {
        precondition(!preparingCell.pointee, "IoUringRing: prepare or submit called from inside prepareInPlace")
        let tail = localTail
        guard hasRoom(tail) else { return false }
        let raw = sqes + Int(tail & sqMask) &* sqeSize
        raw.initializeMemory(as: UInt64.self, repeating: 0, count: sqeWords)
        let slot = raw.assumingMemoryBound(to: io_uring_sqe.self)
        preparingCell.pointee = true
        defer { preparingCell.pointee = false }
        try body(&slot.pointee)
        if sqeSize > io_uring_sqe.size {
            (UnsafeMutableRawPointer(slot) + io_uring_sqe.size).storeBytes(of: InlineArray<8, UInt64>(repeating: 0), as: InlineArray<8, UInt64>.self)
        }
        localTail = tail &+ 1
        return true
    }

    /// Copies a prepared request into the ring; false when the submission queue is full.
    /// A request made for 64-byte slots goes into a 128-byte slot with a zeroed second half; a
    /// 128-byte request does not fit a 64-byte ring (``IoUringError/payloadTooLarge(size:capacity:)``).
    public func enqueue(_ entry: SubmissionQueueEntry) throws(IoUringError) -> Bool {
        precondition(!preparingCell.pointee, "IoUringRing: enqueue called from inside prepareInPlace")
        guard entry.size <= sqeSize else {
            throw .payloadTooLarge(size: entry.commandAreaSize, capacity: sqeSize - io_uring_sqe.cmd_offset)
        }
        guard hasRoom(localTail) else { return false }
        store(entry)
        return true
    }

    @usableFromInline
    func store(_ entry: SubmissionQueueEntry) {
        let index = Int(localTail & sqMask)
        let slot = sqes + index &* sqeSize
        var sqe = entry.sqe
        if entry.hasTimespec {
            (timespecs + index).pointee = entry.timespec.abi
            sqe.addr = UInt64(UInt(bitPattern: timespecs + index))
        }
        slot.storeBytes(of: sqe, as: io_uring_sqe.self)
        if sqeSize > io_uring_sqe.size {
            let ext = entry.size > io_uring_sqe.size ? entry.ext : InlineArray(repeating: 0)
            (slot + io_uring_sqe.size).storeBytes(of: ext, as: InlineArray<8, UInt64>.self)
        }
        localTail &+= 1
    }

    /// Publishes the prepared SQEs (release on the SQ tail) and enters the kernel when it must:
    /// to submit, to wait for `waitFor` completions, or to wake a sleeping SQPOLL thread
    /// (`IORING_SQ_NEED_WAKEUP` → `IORING_ENTER_SQ_WAKEUP`). Returns how many SQEs were handed over.
    @inlinable @discardableResult
    public func submit(waitFor: UInt32 = 0) throws(IoUringError) -> Int {
        precondition(!preparingCell.pointee, "IoUringRing: submit called from inside prepareInPlace")
        ciouring_store_release(sqTail, localTail)
        // Everything between the kernel's head and our tail, including SQEs an earlier failed enter left behind.
        let toSubmit = localTail &- ciouring_load_acquire(sqHead)
        var flags: UInt32 = waitFor > 0 ? IORING_ENTER_GETEVENTS : 0
        if sqPoll {
            // The tail store must be visible before we read whether the poll thread sleeps.
            ciouring_full_fence()
            if ciouring_load_relaxed(sqFlagsWord) & IORING_SQ_NEED_WAKEUP != 0 { flags |= IORING_ENTER_SQ_WAKEUP }
            if flags == 0 { return Int(toSubmit) }
        } else if toSubmit == 0 && flags == 0 {
            return 0
        }
        let r = ciouring_enter(fd, toSubmit, waitFor, flags)
        guard r >= 0 else { throw .system(call: "io_uring_enter", errno: -r) }
        return sqPoll ? Int(toSubmit) : Int(r)
    }

    /// Submits and waits until at least `count` completions are ready (`io_uring_submit_and_wait`).
    @inlinable @discardableResult
    public func submitAndWait(_ count: UInt32) throws(IoUringError) -> Int {
        try submit(waitFor: count)
    }
}

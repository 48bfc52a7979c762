import CIoUringSys
import Glibc

/// An io_uring: `io_uring_setup`, the three mmaps and `io_uring_enter`, with every offset and size
/// taken from the generated layouts (`io_uring_params`, `io_sqring_offsets`, `io_cqring_offsets`,
/// `io_uring_sqe`, `io_uring_cqe`) and the generated `IORING_*` constants.
///
/// Threading model: a ring has one owner. It is a non-`Sendable` class, so Swift 6 lets only one
/// isolation domain (a thread, a task, an actor) hold it; that owner prepares, submits and reaps.
/// Requests are values (``SubmissionQueueEntry``) that ``prepare(_:)`` and ``enqueue(_:)`` copy into
/// ring memory, so no reference into the ring outlives a call. To share one ring between many tasks,
/// use ``AsyncIoUring``, whose private thread is the owner.
public final class IoUringRing {
    /// The ring's file descriptor.
    public let fd: Int32
    /// What the kernel answered to `io_uring_setup`.
    public let params: io_uring_params
    /// Bytes per SQE slot: 64, or 128 with SQE128.
    public let sqeSize: Int
    /// Bytes per CQE: 16, or 32 with CQE32.
    public let cqeSize: Int
    /// The flags the ring was set up with.
    public let setupFlags: SetupFlags

    @usableFromInline let sqHead: UnsafeMutableRawPointer
    @usableFromInline let sqTail: UnsafeMutableRawPointer
    @usableFromInline let sqFlagsWord: UnsafeMutableRawPointer
    @usableFromInline let sqMask: UInt32
    @usableFromInline let sqEntries: UInt32
    @usableFromInline let cqHead: UnsafeMutableRawPointer
    @usableFromInline let cqTail: UnsafeMutableRawPointer
    @usableFromInline let cqMask: UInt32
    @usableFromInline let cqesBase: UnsafeMutableRawPointer
    /// Offsets of `user_data`, `res` and `flags` in a CQE, from the generated `io_uring_cqe` table.
    @usableFromInline let cqeFieldOffsets: (userData: Int, res: Int, flags: Int, big: Int)
    @usableFromInline let sqes: UnsafeMutableRawPointer
    @usableFromInline let sqPoll: Bool
    /// 64-bit words in a 64-byte SQE (`io_uring_sqe.size / 8`).
    @usableFromInline let sqeWords: Int
    /// Per SQE slot, the timespec a TIMEOUT/LINK_TIMEOUT in that slot points at.
    @usableFromInline let timespecs: UnsafeMutablePointer<__kernel_timespec>
    /// Our SQ tail (ahead of the kernel's until submit), in memory of its own so that updating it
    /// needs no dynamic exclusivity check, as a class's stored `var` would.
    @usableFromInline let localTailCell: UnsafeMutablePointer<UInt32>
    /// The kernel's SQ head as last read: it only moves forward, so a stale value errs on "full".
    @usableFromInline let cachedHeadCell: UnsafeMutablePointer<UInt32>
    /// True while ``prepareInPlace(_:)`` runs its body (reentrancy guard).
    @usableFromInline let preparingCell: UnsafeMutablePointer<Bool>
    /// Our SQ tail.
    @usableFromInline var localTail: UInt32 {
        @inline(__always) get { localTailCell.pointee }
        @inline(__always) set { localTailCell.pointee = newValue }
    }

    let sqRing: UnsafeMutableRawPointer
    let sqRingSize: Int
    let cqRing: UnsafeMutableRawPointer
    let cqRingSize: Int
    let sharedRing: Bool
    let sqesSize: Int
    var registeredBuffers: UnsafeMutableRawBufferPointer?
    var registeredBufferSize = 0
    var registeredBufferLength = 0
    /// How many ``withRegisteredBuffer(_:_:)`` bodies are running (the buffers may not go meanwhile).
    var registeredBufferLoans = 0

    /// Sets up a ring of `entries` SQEs with `flags`; throws the errno of the failing call
    /// (ENOSYS or EPERM when this kernel or its configuration refuses io_uring).
    ///
    /// - `cqEntries`: CQ ring size (`IORING_SETUP_CQSIZE`, added for you); `.cqSize` without it means
    ///   twice `entries`, the kernel's default.
    /// - `sqThreadIdle`: with `.sqPoll`, milliseconds the kernel thread spins before it sleeps.
    /// - `sqThreadCPU`: with `.sqPoll`, the CPU to pin it to (`IORING_SETUP_SQ_AFF`, added for you).
    public init(entries: UInt32, flags: SetupFlags = [], cqEntries: UInt32? = nil,
                sqThreadIdle: UInt32? = nil, sqThreadCPU: UInt32? = nil) throws(IoUringError) {
        var flags = flags
        var p = io_uring_params()
        if let cqEntries {
            flags.insert(.cqSize)
            p.cq_entries = cqEntries
        } else if flags.contains(.cqSize) {
            p.cq_entries = entries.multipliedReportingOverflow(by: 2).overflow ? entries : entries &* 2
        }
        if let sqThreadCPU {
            flags.insert(.sqAffinity)
            p.sq_thread_cpu = sqThreadCPU
        }
        if let sqThreadIdle { p.sq_thread_idle = sqThreadIdle }
        p.flags = flags.rawValue
        let fd = withUnsafeMutableBytes(of: &p.storage) { ciouring_setup(entries, $0.baseAddress) }
        guard fd >= 0 else { throw .system(call: "io_uring_setup", errno: -fd) }
        self.fd = fd
        self.params = p
        setupFlags = flags
        sqPoll = flags.contains(.sqPoll)
        sqeSize = flags.contains(.sqe128) ? 2 * io_uring_sqe.size : io_uring_sqe.size
        cqeSize = flags.contains(.cqe32) ? 2 * io_uring_cqe.size : io_uring_cqe.size
        sqRingSize = Int(p.sq_off.array) + Int(p.sq_entries) * MemoryLayout<UInt32>.size
        cqRingSize = Int(p.cq_off.cqes) + Int(p.cq_entries) * cqeSize
        sharedRing = p.features & IORING_FEAT_SINGLE_MMAP != 0
        sqesSize = Int(p.sq_entries) * sqeSize
        // Every mapping made so far, undone (with the fd) if a later one fails.
        var mapped: [(UnsafeMutableRawPointer, Int)] = []
        func map(_ size: Int, _ offset: UInt64) throws(IoUringError) -> UnsafeMutableRawPointer {
            let m = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, off_t(offset))
            guard let m, m != MAP_FAILED else {
                let e = Glibc.errno
                for (base, length) in mapped { munmap(base, length) }
                close(fd)
                throw .system(call: "mmap", errno: e)
            }
            mapped.append((m, size))
            return m
        }
        if sharedRing {
            sqRing = try map(max(sqRingSize, cqRingSize), IORING_OFF_SQ_RING)
            cqRing = sqRing
        } else {
            sqRing = try map(sqRingSize, IORING_OFF_SQ_RING)
            cqRing = try map(cqRingSize, IORING_OFF_CQ_RING)
        }
        sqes = try map(sqesSize, IORING_OFF_SQES)
        sqHead = sqRing + Int(p.sq_off.head)
        sqTail = sqRing + Int(p.sq_off.tail)
        sqFlagsWord = sqRing + Int(p.sq_off.flags)
        sqMask = sqRing.load(fromByteOffset: Int(p.sq_off.ring_mask), as: UInt32.self)
        sqEntries = p.sq_entries
        cqHead = cqRing + Int(p.cq_off.head)
        cqTail = cqRing + Int(p.cq_off.tail)
        cqMask = cqRing.load(fromByteOffset: Int(p.cq_off.ring_mask), as: UInt32.self)
        cqesBase = cqRing + Int(p.cq_off.cqes)
        cqeFieldOffsets = (io_uring_cqe.offset(of: "user_data") ?? 0, io_uring_cqe.offset(of: "res") ?? 8,
                           io_uring_cqe.offset(of: "flags") ?? 12, io_uring_cqe.big_cqe_offset)
        timespecs = .allocate(capacity: Int(p.sq_entries))
        timespecs.initialize(repeating: __kernel_timespec(), count: Int(p.sq_entries))
        // The SQ array maps ring positions to SQE indexes; the identity, written once.
        let array = (sqRing + Int(p.sq_off.array)).assumingMemoryBound(to: UInt32.self)
        for i in 0..<p.sq_entries { array[Int(i)] = i }
        cachedHeadCell = .allocate(capacity: 1)
        cachedHeadCell.initialize(to: ciouring_load_acquire(sqHead))
        sqeWords = io_uring_sqe.size / 8
        preparingCell = .allocate(capacity: 1)
        preparingCell.initialize(to: false)
        localTailCell = .allocate(capacity: 1)
        localTailCell.initialize(to: ciouring_load_acquire(sqTail))
    }

    deinit {
        munmap(sqes, sqesSize)
        if sharedRing {
            munmap(sqRing, max(sqRingSize, cqRingSize))
        } else {
            munmap(sqRing, sqRingSize)
            munmap(cqRing, cqRingSize)
        }
        close(fd)
        timespecs.deallocate()
        localTailCell.deallocate()
        preparingCell.deallocate()
        cachedHeadCell.deallocate()
        if let b = registeredBuffers { munmap(b.baseAddress, b.count) }
    }

    // MARK: Submission

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

    // MARK: Completion

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

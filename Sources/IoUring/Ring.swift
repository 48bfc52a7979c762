import CIoUringSys
import Glibc

/// One completion, copied out of the CQ ring.
public struct CompletionQueueEntry: Sendable, Equatable {
    /// The SQE's `user_data`.
    public var userData: UInt64
    /// The result: a byte count or value on success, `-errno` on failure.
    public var res: Int32
    /// `IORING_CQE_F_*` flags.
    public var flags: UInt32
    /// With `IORING_SETUP_CQE32`: the 16 extra bytes (`big_cqe`), as two words; empty otherwise.
    public var extra: [UInt64]
}

/// A minimal io_uring: `io_uring_setup`, the three mmaps and `io_uring_enter`, with every offset and
/// size taken from the generated layouts (`io_uring_params`, `io_sqring_offsets`, `io_cqring_offsets`,
/// `io_uring_sqe`, `io_uring_cqe`) and the generated `IORING_OFF_*` constants.
public final class IoUringRing {
    /// The ring's file descriptor.
    public let fd: Int32
    /// What the kernel answered to `io_uring_setup`.
    public let params: io_uring_params
    /// Bytes per SQE slot: 64, or 128 with SQE128.
    public let sqeSize: Int
    /// Bytes per CQE: 16, or 32 with CQE32.
    public let cqeSize: Int

    let sqRing: UnsafeMutableRawPointer
    let sqRingSize: Int
    let cqRing: UnsafeMutableRawPointer
    let cqRingSize: Int
    let sharedRing: Bool
    let sqes: UnsafeMutableRawPointer
    let sqesSize: Int
    var localTail: UInt32

    /// Sets up a ring of `entries` SQEs with `flags`; throws the errno of the failing call
    /// (ENOSYS or EPERM when this kernel or its configuration refuses io_uring).
    public init(entries: UInt32, flags: SetupFlags = []) throws(IoUringError) {
        var p = io_uring_params()
        p.flags = flags.rawValue
        let fd = withUnsafeMutableBytes(of: &p.storage) { ciouring_setup(entries, $0.baseAddress) }
        guard fd >= 0 else { throw .system(call: "io_uring_setup", errno: -fd) }
        self.fd = fd
        self.params = p
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
        localTail = ciouring_load_acquire(sqRing + Int(p.sq_off.tail))
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
    }

    /// The next free SQE slot, zeroed, or nil when the submission queue is full.
    public func nextSQE() -> SubmissionQueueEntry? {
        let head = ciouring_load_acquire(sqRing + Int(params.sq_off.head))
        guard localTail &- head < params.sq_entries else { return nil }
        let mask = sqRing.load(fromByteOffset: Int(params.sq_off.ring_mask), as: UInt32.self)
        let index = localTail & mask
        let entry = SubmissionQueueEntry(raw: sqes + Int(index) * sqeSize, size: sqeSize)
        entry.clear()
        // The SQ array maps ring positions to SQE indexes; use the identity.
        (sqRing + Int(params.sq_off.array)).storeBytes(of: index, toByteOffset: Int(index) * 4, as: UInt32.self)
        localTail &+= 1
        return entry
    }

    /// Publishes the prepared SQEs (release on the SQ tail) and enters the kernel, waiting for
    /// `waitFor` completions; returns how many SQEs the kernel consumed.
    @discardableResult
    public func submit(waitFor: UInt32 = 0) throws(IoUringError) -> Int {
        ciouring_store_release(sqRing + Int(params.sq_off.tail), localTail)
        // Everything between the kernel's head and our tail, including SQEs an earlier failed enter left behind.
        let toSubmit = localTail &- ciouring_load_acquire(sqRing + Int(params.sq_off.head))
        let r = ciouring_enter(fd, toSubmit, waitFor, waitFor > 0 ? IORING_ENTER_GETEVENTS : 0)
        guard r >= 0 else { throw .system(call: "io_uring_enter", errno: -r) }
        return Int(r)
    }

    /// Submits and waits until at least `count` completions are ready (`io_uring_submit_and_wait`).
    @discardableResult
    public func submitAndWait(_ count: UInt32) throws(IoUringError) -> Int {
        try submit(waitFor: count)
    }

    /// Takes every completion that is ready now, in ring order.
    public func completions() -> [CompletionQueueEntry] {
        var all: [CompletionQueueEntry] = []
        while let c = popCompletion() { all.append(c) }
        return all
    }

    /// Takes the next completion, if one is ready.
    public func popCompletion() -> CompletionQueueEntry? {
        let headPtr = cqRing + Int(params.cq_off.head)
        let head = headPtr.load(as: UInt32.self)
        let tail = ciouring_load_acquire(cqRing + Int(params.cq_off.tail))
        guard head != tail else { return nil }
        let mask = cqRing.load(fromByteOffset: Int(params.cq_off.ring_mask), as: UInt32.self)
        let slot = cqRing + Int(params.cq_off.cqes) + Int(head & mask) * cqeSize
        let cqe = slot.loadUnaligned(as: io_uring_cqe.self)
        var extra: [UInt64] = []
        if cqeSize > io_uring_cqe.size {
            let big = io_uring_cqe.big_cqe_offset
            extra = (0..<((cqeSize - big) / 8)).map { slot.loadUnaligned(fromByteOffset: big + 8 * $0, as: UInt64.self) }
        }
        ciouring_store_release(headPtr, head &+ 1)
        return CompletionQueueEntry(userData: cqe.user_data, res: cqe.res, flags: cqe.flags, extra: extra)
    }

    /// Waits for and takes the next completion.
    public func waitCompletion() throws(IoUringError) -> CompletionQueueEntry {
        while true {
            if let c = popCompletion() { return c }
            let r = ciouring_enter(fd, 0, 1, IORING_ENTER_GETEVENTS)
            if r < 0 && -r != EINTR { throw .system(call: "io_uring_enter", errno: -r) }
        }
    }
}

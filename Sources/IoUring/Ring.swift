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
}

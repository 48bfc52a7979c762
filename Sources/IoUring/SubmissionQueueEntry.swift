import Glibc

/// A timeout as seconds and nanoseconds: the Swift-side value of the generated `__kernel_timespec`
/// (``abi`` gives the kernel's layout, which is what the ring hands to the kernel).
public struct KernelTimespec: Sendable, Hashable, BitwiseCopyable {
    /// `tv_sec`.
    public var seconds: Int64
    /// `tv_nsec`.
    public var nanoseconds: Int64

    /// A timespec of `seconds` and `nanoseconds`.
    @inlinable public init(seconds: Int64, nanoseconds: Int64) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// The generated `struct __kernel_timespec` (linux/time_types.h) with these values.
    @inlinable public var abi: __kernel_timespec {
        var t = __kernel_timespec()
        t.tv_sec = seconds
        t.tv_nsec = nanoseconds
        return t
    }

    /// The timespec for a non-negative `Duration` (negative durations become zero).
    @inlinable public init(_ duration: Duration) {
        let (s, attos) = duration.components
        if s < 0 || (s == 0 && attos < 0) {
            self.init(seconds: 0, nanoseconds: 0)
        } else {
            self.init(seconds: s, nanoseconds: attos / 1_000_000_000)
        }
    }
}

/// One submission request as a value: the 64-byte `io_uring_sqe` (every generated field), and with
/// `IORING_SETUP_SQE128` the second 64 bytes of the command area. The ring copies it into a slot it
/// owns (``IoUringRing/prepare(_:)``, ``IoUringRing/enqueue(_:)``), so no reference to ring memory ever
/// escapes: a request kept after submission is just bytes.
///
/// The URING_CMD command area starts at `io_uring_sqe.cmd_offset` and runs to the end of the slot:
/// 16 bytes in a 64-byte SQE, 80 bytes in a 128-byte SQE.
///
/// Addresses stored in the request (`addr`, buffers of the `prepare…` helpers) are plain integers to
/// the request; the memory they name must stay valid until the operation's completion arrives.
public struct SubmissionQueueEntry: Sendable, BitwiseCopyable {
    /// The first 64 bytes, through the generated accessors.
    public var sqe: io_uring_sqe
    /// The second 64 bytes of a 128-byte SQE (command area bytes 16..<80).
    @usableFromInline var ext: InlineArray<8, UInt64>
    /// The slot size this request is for: `io_uring_sqe.size` (64) or twice that with SQE128.
    public let size: Int
    /// A timespec the ring stores in memory it owns and points `addr` at (TIMEOUT, LINK_TIMEOUT).
    @usableFromInline var timespec: KernelTimespec
    /// Whether ``timespec`` is in use.
    @usableFromInline var hasTimespec: Bool

    /// A zeroed request for a slot of `size` bytes (64, or 128 with SQE128; anything else means 64).
    public init(size: Int = io_uring_sqe.size) {
        sqe = io_uring_sqe()
        ext = InlineArray(repeating: 0)
        self.size = size == 2 * io_uring_sqe.size ? size : io_uring_sqe.size
        timespec = KernelTimespec(seconds: 0, nanoseconds: 0)
        hasTimespec = false
    }

    /// Zeroes the request (both halves with SQE128).
    @inlinable public mutating func clear() {
        sqe = io_uring_sqe()
        ext = InlineArray(repeating: 0)
        hasTimespec = false
    }

    /// The operation (`opcode`).
    @inlinable public var opcode: io_uring_op {
        get { io_uring_op(rawValue: UInt32(sqe.opcode)) }
        set { sqe.opcode = newValue.byte }
    }
    /// `flags`.
    @inlinable public var flags: SQEFlags {
        get { SQEFlags(rawValue: sqe.flags) }
        set { sqe.flags = newValue.rawValue }
    }
    /// `fd` (an index into the registered files with ``SQEFlags/fixedFile``).
    @inlinable public var fd: Int32 {
        get { sqe.fd }
        set { sqe.fd = newValue }
    }
    /// `user_data`, returned in the CQE.
    @inlinable public var userData: UInt64 {
        get { sqe.user_data }
        set { sqe.user_data = newValue }
    }
    /// `cmd_op`: the command of an `IORING_OP_URING_CMD` (driver-defined; `SOCKET_URING_OP_*` for sockets).
    @inlinable public var commandOperation: UInt32 {
        get { sqe.cmd_op }
        set { sqe.cmd_op = newValue }
    }
    /// The timespec a TIMEOUT or LINK_TIMEOUT request carries (the ring owns its memory once enqueued).
    public var timeout: KernelTimespec? { hasTimespec ? timespec : nil }

    /// Bytes in the command area: from `cmd` to the end of the slot (16, or 80 with SQE128).
    @inlinable public var commandAreaSize: Int { size - io_uring_sqe.cmd_offset }

    /// Reads the command payload as a `T`: EINVAL-equivalent unless the opcode is URING_CMD,
    /// EFAULT-equivalent when `T` does not fit the command area.
    public func readCommand<T: BitwiseCopyable>(as type: T.Type = T.self) throws(IoUringError) -> T {
        try checkCommand(MemoryLayout<T>.size)
        return withCommandBytes { $0.loadUnaligned(as: T.self) }
    }

    /// Writes the command payload (same checks as ``readCommand(as:)``).
    public mutating func writeCommand<T: BitwiseCopyable>(_ value: T) throws(IoUringError) {
        try checkCommand(MemoryLayout<T>.size)
        withUnsafeBytes(of: value) { storeCommandBytes($0) }
    }

    /// The command area as raw bytes (URING_CMD only); changes made by `body` are kept.
    public mutating func withCommandArea<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) throws -> R {
        try checkCommand(0)
        var area = InlineArray<80, UInt8>(repeating: 0)
        let n = commandAreaSize
        withCommandBytes { src in
            withUnsafeMutableBytes(of: &area) { $0.copyMemory(from: src) }
        }
        let r = try withUnsafeMutableBytes(of: &area) { try body(UnsafeMutableRawBufferPointer(rebasing: $0[0..<n])) }
        withUnsafeBytes(of: area) { storeCommandBytes(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        return r
    }

    /// Calls `body` with a copy of the whole command area (16 or 80 bytes).
    func withCommandBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        var area = InlineArray<80, UInt8>(repeating: 0)
        let head = io_uring_sqe.size - io_uring_sqe.cmd_offset
        withUnsafeMutableBytes(of: &area) { dst in
            sqe.withUnsafeBytes_cmd { UnsafeMutableRawBufferPointer(rebasing: dst[0..<head]).copyMemory(from: $0) }
            if size > io_uring_sqe.size {
                withUnsafeBytes(of: ext) { UnsafeMutableRawBufferPointer(rebasing: dst[head...]).copyMemory(from: $0) }
            }
        }
        return withUnsafeBytes(of: area) { body(UnsafeRawBufferPointer(rebasing: $0[0..<commandAreaSize])) }
    }

    /// Stores `bytes` (at most ``commandAreaSize``) at the start of the command area.
    mutating func storeCommandBytes(_ bytes: UnsafeRawBufferPointer) {
        let head = io_uring_sqe.size - io_uring_sqe.cmd_offset
        let first = min(bytes.count, head)
        sqe.withUnsafeMutableBytes_cmd { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<first])) }
        if bytes.count > head {
            withUnsafeMutableBytes(of: &ext) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[head...])) }
        }
    }

    func checkCommand(_ bytes: Int) throws(IoUringError) {
        guard opcode == .IORING_OP_URING_CMD else { throw .invalidOpcode(opcode) }
        guard bytes <= commandAreaSize else { throw .payloadTooLarge(size: bytes, capacity: commandAreaSize) }
    }

    /// Starts a fresh request: zeroed SQE, `opcode`, `fd` and `user_data` set.
    @usableFromInline mutating func start(_ op: io_uring_op, fd: Int32, userData: UInt64) {
        sqe = io_uring_sqe()
        hasTimespec = false
        sqe.opcode = op.byte
        sqe.fd = fd
        sqe.user_data = userData
    }

    /// Sets `addr`, `len` and `off`, the triple most operations use.
    @usableFromInline mutating func set(addr: UInt64, len: UInt32, off: UInt64) {
        sqe.addr = addr
        sqe.len = len
        sqe.off = off
    }
}

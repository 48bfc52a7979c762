/// A view of one SQE slot (in a ring's SQE array or any buffer of the right size): every field of the
/// generated `io_uring_sqe` layout, and the URING_CMD command area as any bitwise-copyable payload.
///
/// The command area starts at `io_uring_sqe.cmd_offset` and runs to the end of the slot: 16 bytes in a
/// 64-byte SQE, 80 bytes in a 128-byte SQE (`IORING_SETUP_SQE128`).
public struct SubmissionQueueEntry: @unchecked Sendable {
    /// The first byte of the slot.
    public let raw: UnsafeMutableRawPointer
    /// The slot's size: `io_uring_sqe.size` (64) or twice that with SQE128.
    public let size: Int

    /// A view of `size` bytes at `raw`; `size` must be one or two SQEs.
    public init(raw: UnsafeMutableRawPointer, size: Int = io_uring_sqe.size) {
        precondition(size == io_uring_sqe.size || size == 2 * io_uring_sqe.size, "an SQE slot is 64 or 128 bytes")
        self.raw = raw
        self.size = size
    }

    /// The 64-byte SQE, as a value.
    public var sqe: io_uring_sqe {
        get { raw.loadUnaligned(as: io_uring_sqe.self) }
        nonmutating set { raw.storeBytes(of: newValue, as: io_uring_sqe.self) }
    }

    /// Changes the SQE in place through its generated accessors.
    public func update(_ body: (inout io_uring_sqe) throws -> Void) rethrows {
        var s = sqe
        try body(&s)
        sqe = s
    }

    /// Zeroes the whole slot (both halves with SQE128).
    public func clear() { raw.initializeMemory(as: UInt8.self, repeating: 0, count: size) }

    /// The operation (`opcode`).
    public var opcode: io_uring_op {
        get { io_uring_op(rawValue: UInt32(sqe.opcode)) }
        nonmutating set { update { $0.opcode = newValue.byte } }
    }
    /// `flags`.
    public var flags: SQEFlags {
        get { SQEFlags(rawValue: sqe.flags) }
        nonmutating set { update { $0.flags = newValue.rawValue } }
    }
    /// `fd`.
    public var fd: Int32 {
        get { sqe.fd }
        nonmutating set { update { $0.fd = newValue } }
    }
    /// `user_data`, returned in the CQE.
    public var userData: UInt64 {
        get { sqe.user_data }
        nonmutating set { update { $0.user_data = newValue } }
    }
    /// `cmd_op`: the command of an `IORING_OP_URING_CMD` (driver-defined; `SOCKET_URING_OP_*` for sockets).
    public var commandOperation: UInt32 {
        get { sqe.cmd_op }
        nonmutating set { update { $0.cmd_op = newValue } }
    }

    /// Bytes in the command area: from `cmd` to the end of the slot (16, or 80 with SQE128).
    public var commandAreaSize: Int { size - io_uring_sqe.cmd_offset }

    /// Reads the command payload as a `T`: EINVAL-equivalent unless the opcode is URING_CMD,
    /// EFAULT-equivalent when `T` does not fit the command area.
    public func readCommand<T: BitwiseCopyable>(as type: T.Type = T.self) throws(IoUringError) -> T {
        try checkCommand(MemoryLayout<T>.size)
        return raw.loadUnaligned(fromByteOffset: io_uring_sqe.cmd_offset, as: T.self)
    }

    /// Writes the command payload (same checks as ``readCommand(as:)``).
    public func writeCommand<T: BitwiseCopyable>(_ value: T) throws(IoUringError) {
        try checkCommand(MemoryLayout<T>.size)
        raw.storeBytes(of: value, toByteOffset: io_uring_sqe.cmd_offset, as: T.self)
    }

    /// The command area as raw bytes (URING_CMD only).
    public func withCommandArea<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) throws -> R {
        try checkCommand(0)
        return try body(UnsafeMutableRawBufferPointer(start: raw + io_uring_sqe.cmd_offset, count: commandAreaSize))
    }

    func checkCommand(_ bytes: Int) throws(IoUringError) {
        guard opcode == .IORING_OP_URING_CMD else { throw .invalidOpcode(opcode) }
        guard bytes <= commandAreaSize else { throw .payloadTooLarge(size: bytes, capacity: commandAreaSize) }
    }

    /// Prepares a no-op.
    public func prepareNop(userData: UInt64) {
        clear()
        update { $0.opcode = io_uring_op.IORING_OP_NOP.byte; $0.user_data = userData }
    }

    /// Prepares a read of `count` bytes at file `offset` into `buffer`.
    public func prepareRead(fd: Int32, buffer: UnsafeMutableRawPointer, count: UInt32, offset: UInt64, userData: UInt64) {
        clear()
        update {
            $0.opcode = io_uring_op.IORING_OP_READ.byte
            $0.fd = fd
            $0.addr = UInt64(UInt(bitPattern: buffer))
            $0.len = count
            $0.off = offset
            $0.user_data = userData
        }
    }

    /// Prepares an `IORING_OP_URING_CMD` with command `operation` on `fd`; fill the payload with ``writeCommand(_:)``.
    public func prepareCommand(fd: Int32, operation: UInt32, userData: UInt64) {
        clear()
        update {
            $0.opcode = io_uring_op.IORING_OP_URING_CMD.byte
            $0.fd = fd
            $0.cmd_op = operation
            $0.user_data = userData
        }
    }
}

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

// MARK: Prepare helpers (each leaves the request ready to enqueue)

extension SubmissionQueueEntry {
    /// `IORING_OP_NOP`.
    public mutating func prepareNop(userData: UInt64) {
        start(.IORING_OP_NOP, fd: -1, userData: userData)
    }

    /// `IORING_OP_READ`: `count` bytes at file `offset` (`UInt64.max`: the file position) into `buffer`.
    public mutating func prepareRead(fd: Int32, buffer: UnsafeMutableRawPointer, count: UInt32, offset: UInt64, userData: UInt64) {
        start(.IORING_OP_READ, fd: fd, userData: userData)
        set(addr: UInt64(UInt(bitPattern: buffer)), len: count, off: offset)
    }

    /// `IORING_OP_WRITE`: `count` bytes from `buffer` at file `offset`.
    public mutating func prepareWrite(fd: Int32, buffer: UnsafeRawPointer, count: UInt32, offset: UInt64, userData: UInt64) {
        start(.IORING_OP_WRITE, fd: fd, userData: userData)
        set(addr: UInt64(UInt(bitPattern: buffer)), len: count, off: offset)
    }

    /// `IORING_OP_READ_FIXED`: like ``prepareRead(fd:buffer:count:offset:userData:)`` into registered buffer `bufferIndex`
    /// (`buffer` must lie inside it; see ``IoUringRing/registerBuffers(count:size:)``).
    public mutating func prepareReadFixed(fd: Int32, buffer: UnsafeMutableRawPointer, count: UInt32, offset: UInt64, bufferIndex: UInt16, userData: UInt64) {
        start(.IORING_OP_READ_FIXED, fd: fd, userData: userData)
        set(addr: UInt64(UInt(bitPattern: buffer)), len: count, off: offset)
        sqe.buf_index = bufferIndex
    }

    /// `IORING_OP_WRITE_FIXED` from registered buffer `bufferIndex`.
    public mutating func prepareWriteFixed(fd: Int32, buffer: UnsafeRawPointer, count: UInt32, offset: UInt64, bufferIndex: UInt16, userData: UInt64) {
        start(.IORING_OP_WRITE_FIXED, fd: fd, userData: userData)
        set(addr: UInt64(UInt(bitPattern: buffer)), len: count, off: offset)
        sqe.buf_index = bufferIndex
    }

    /// `IORING_OP_READV` into `count` iovecs.
    public mutating func prepareReadv(fd: Int32, iovecs: UnsafePointer<iovec>, count: UInt32, offset: UInt64, userData: UInt64) {
        start(.IORING_OP_READV, fd: fd, userData: userData)
        set(addr: UInt64(UInt(bitPattern: iovecs)), len: count, off: offset)
    }

    /// `IORING_OP_WRITEV` from `count` iovecs.
    public mutating func prepareWritev(fd: Int32, iovecs: UnsafePointer<iovec>, count: UInt32, offset: UInt64, userData: UInt64) {
        start(.IORING_OP_WRITEV, fd: fd, userData: userData)
        set(addr: UInt64(UInt(bitPattern: iovecs)), len: count, off: offset)
    }

    /// `IORING_OP_SEND` of `count` bytes with `send(2)` flags.
    public mutating func prepareSend(fd: Int32, buffer: UnsafeRawPointer, count: UInt32, flags: Int32 = 0, userData: UInt64) {
        start(.IORING_OP_SEND, fd: fd, userData: userData)
        set(addr: UInt64(UInt(bitPattern: buffer)), len: count, off: 0)
        sqe.msg_flags = UInt32(bitPattern: flags)
    }

    /// `IORING_OP_RECV` of up to `count` bytes with `recv(2)` flags.
    public mutating func prepareRecv(fd: Int32, buffer: UnsafeMutableRawPointer, count: UInt32, flags: Int32 = 0, userData: UInt64) {
        start(.IORING_OP_RECV, fd: fd, userData: userData)
        set(addr: UInt64(UInt(bitPattern: buffer)), len: count, off: 0)
        sqe.msg_flags = UInt32(bitPattern: flags)
    }

    /// `IORING_OP_SENDMSG`.
    public mutating func prepareSendmsg(fd: Int32, message: UnsafePointer<msghdr>, flags: Int32 = 0, userData: UInt64) {
        start(.IORING_OP_SENDMSG, fd: fd, userData: userData)
        set(addr: UInt64(UInt(bitPattern: message)), len: 1, off: 0)
        sqe.msg_flags = UInt32(bitPattern: flags)
    }

    /// `IORING_OP_RECVMSG`.
    public mutating func prepareRecvmsg(fd: Int32, message: UnsafeMutablePointer<msghdr>, flags: Int32 = 0, userData: UInt64) {
        start(.IORING_OP_RECVMSG, fd: fd, userData: userData)
        set(addr: UInt64(UInt(bitPattern: message)), len: 1, off: 0)
        sqe.msg_flags = UInt32(bitPattern: flags)
    }

    /// `IORING_OP_ACCEPT`; `address`/`length` may be nil; `flags` as for `accept4(2)`.
    public mutating func prepareAccept(fd: Int32, address: UnsafeMutablePointer<sockaddr>? = nil, length: UnsafeMutablePointer<socklen_t>? = nil, flags: Int32 = 0, userData: UInt64) {
        start(.IORING_OP_ACCEPT, fd: fd, userData: userData)
        set(addr: UInt64(UInt(bitPattern: address)), len: 0, off: UInt64(UInt(bitPattern: length)))
        sqe.accept_flags = UInt32(bitPattern: flags)
    }

    /// `IORING_OP_CONNECT`.
    public mutating func prepareConnect(fd: Int32, address: UnsafePointer<sockaddr>, length: socklen_t, userData: UInt64) {
        start(.IORING_OP_CONNECT, fd: fd, userData: userData)
        set(addr: UInt64(UInt(bitPattern: address)), len: 0, off: UInt64(length))
    }

    /// `IORING_OP_OPENAT` (`directory` may be `AT_FDCWD`); the result is the new fd.
    public mutating func prepareOpenat(directory: Int32, path: UnsafePointer<CChar>, flags: Int32, mode: mode_t = 0, userData: UInt64) {
        start(.IORING_OP_OPENAT, fd: directory, userData: userData)
        set(addr: UInt64(UInt(bitPattern: path)), len: UInt32(mode), off: 0)
        sqe.open_flags = UInt32(bitPattern: flags)
    }

    /// `IORING_OP_CLOSE`.
    public mutating func prepareClose(fd: Int32, userData: UInt64) {
        start(.IORING_OP_CLOSE, fd: fd, userData: userData)
    }

    /// `IORING_OP_STATX` into a `struct statx` at `buffer` (`mask`: `STATX_*`, `flags`: `AT_*`).
    public mutating func prepareStatx(directory: Int32, path: UnsafePointer<CChar>, flags: Int32, mask: UInt32, buffer: UnsafeMutableRawPointer, userData: UInt64) {
        start(.IORING_OP_STATX, fd: directory, userData: userData)
        set(addr: UInt64(UInt(bitPattern: path)), len: mask, off: UInt64(UInt(bitPattern: buffer)))
        sqe.statx_flags = UInt32(bitPattern: flags)
    }

    /// `IORING_OP_FSYNC` (`dataOnly`: `IORING_FSYNC_DATASYNC`).
    public mutating func prepareFsync(fd: Int32, dataOnly: Bool = false, userData: UInt64) {
        start(.IORING_OP_FSYNC, fd: fd, userData: userData)
        sqe.fsync_flags = dataOnly ? IORING_FSYNC_DATASYNC : 0
    }

    /// `IORING_OP_POLL_ADD` for `poll(2)` `events`; `multishot` posts a CQE per event (``CompletionFlags/more``).
    public mutating func preparePollAdd(fd: Int32, events: UInt32, multishot: Bool = false, userData: UInt64) {
        start(.IORING_OP_POLL_ADD, fd: fd, userData: userData)
        sqe.poll32_events = events
        sqe.len = multishot ? IORING_POLL_ADD_MULTI : 0
    }

    /// `IORING_OP_POLL_REMOVE` of the poll whose `user_data` is `target`.
    public mutating func preparePollRemove(target: UInt64, userData: UInt64) {
        start(.IORING_OP_POLL_REMOVE, fd: -1, userData: userData)
        sqe.addr = target
    }

    /// `IORING_OP_TIMEOUT`: completes with `-ETIME` after `duration`, or with 0 once `count` other
    /// completions arrived (0: time only). `flags`: `IORING_TIMEOUT_*` (e.g. `IORING_TIMEOUT_MULTISHOT`).
    public mutating func prepareTimeout(_ duration: Duration, count: UInt32 = 0, flags: UInt32 = 0, userData: UInt64) {
        start(.IORING_OP_TIMEOUT, fd: -1, userData: userData)
        sqe.len = 1
        sqe.off = UInt64(count)
        sqe.timeout_flags = flags
        timespec = KernelTimespec(duration)
        hasTimespec = true
    }

    /// `IORING_OP_LINK_TIMEOUT`: cancels the previous (``SQEFlags/ioLink``-ed) request if it has not
    /// completed within `duration`.
    public mutating func prepareLinkTimeout(_ duration: Duration, flags: UInt32 = 0, userData: UInt64) {
        start(.IORING_OP_LINK_TIMEOUT, fd: -1, userData: userData)
        sqe.len = 1
        sqe.timeout_flags = flags
        timespec = KernelTimespec(duration)
        hasTimespec = true
    }

    /// `IORING_OP_ASYNC_CANCEL` of the request whose `user_data` is `target` (`flags`: `IORING_ASYNC_CANCEL_*`).
    public mutating func prepareCancel(target: UInt64, flags: UInt32 = 0, userData: UInt64) {
        start(.IORING_OP_ASYNC_CANCEL, fd: -1, userData: userData)
        sqe.addr = target
        sqe.cancel_flags = flags
    }

    /// `IORING_OP_URING_CMD` with command `operation` on `fd`; fill the payload with ``writeCommand(_:)``.
    /// For a registered file add ``SQEFlags/fixedFile`` to ``flags`` and pass its index as `fd`.
    public mutating func prepareCommand(fd: Int32, operation: UInt32, userData: UInt64) {
        start(.IORING_OP_URING_CMD, fd: fd, userData: userData)
        ext = InlineArray(repeating: 0)
        sqe.cmd_op = operation
    }

    /// Makes a URING_CMD use registered buffer `index` (`IORING_URING_CMD_FIXED` with `buf_index`),
    /// for drivers that import registered buffers (NVMe passthrough does).
    public mutating func useRegisteredBuffer(_ index: UInt16) {
        sqe.uring_cmd_flags |= IORING_URING_CMD_FIXED
        sqe.buf_index = index
    }
}

// MARK: In-place helpers (for ``IoUringRing/prepareInPlace(_:)``)

extension io_uring_sqe {
    /// `IORING_OP_NOP`, written into this SQE.
    public mutating func prepareNop(userData: UInt64) {
        opcode = io_uring_op.IORING_OP_NOP.byte
        fd = -1
        user_data = userData
    }

    /// `IORING_OP_READ` of `count` bytes at `offset` into `buffer`, written into this SQE.
    public mutating func prepareRead(fd: Int32, buffer: UnsafeMutableRawPointer, count: UInt32, offset: UInt64, userData: UInt64) {
        opcode = io_uring_op.IORING_OP_READ.byte
        self.fd = fd
        addr = UInt64(UInt(bitPattern: buffer))
        len = count
        off = offset
        user_data = userData
    }

    /// `IORING_OP_WRITE` of `count` bytes from `buffer` at `offset`, written into this SQE.
    public mutating func prepareWrite(fd: Int32, buffer: UnsafeRawPointer, count: UInt32, offset: UInt64, userData: UInt64) {
        opcode = io_uring_op.IORING_OP_WRITE.byte
        self.fd = fd
        addr = UInt64(UInt(bitPattern: buffer))
        len = count
        off = offset
        user_data = userData
    }

    /// `IORING_OP_URING_CMD` with command `operation` on `fd`, written into this SQE (16-byte command area).
    public mutating func prepareCommand(fd: Int32, operation: UInt32, userData: UInt64) {
        opcode = io_uring_op.IORING_OP_URING_CMD.byte
        self.fd = fd
        cmd_op = operation
        user_data = userData
    }
}

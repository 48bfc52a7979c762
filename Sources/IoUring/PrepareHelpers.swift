import Glibc

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

import CIoUringSys
import Glibc

/// `io_uring_register(2)` operations: enabling, probing, registered files and buffers, eventfd, cancel.
extension IoUringRing {
    func register(_ op: io_uring_register_op, _ arg: UnsafeRawPointer?, _ count: UInt32, name: String) throws(IoUringError) -> Int32 {
        let r = ciouring_register(fd, op.rawValue, arg, count)
        guard r >= 0 else { throw .system(call: "io_uring_register(\(name))", errno: -r) }
        return r
    }

    /// Enables a ring set up with ``SetupFlags/disabled`` (`IORING_REGISTER_ENABLE_RINGS`).
    public func enable() throws(IoUringError) {
        _ = try register(.IORING_REGISTER_ENABLE_RINGS, nil, 0, name: "IORING_REGISTER_ENABLE_RINGS")
    }

    /// The opcodes the running kernel supports (`IORING_REGISTER_PROBE` into the generated
    /// `io_uring_probe` and `io_uring_probe_op`), in opcode order.
    public func supportedOperations() throws(IoUringError) -> [io_uring_op] {
        let opCount = 256
        let bytes = io_uring_probe.size + opCount * io_uring_probe_op.size
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes, alignment: io_uring_probe.alignment)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        guard let base = buffer.baseAddress else { return [] }
        _ = try register(.IORING_REGISTER_PROBE, base, UInt32(opCount), name: "IORING_REGISTER_PROBE")
        let header = base.loadUnaligned(as: io_uring_probe.self)
        var ops: [io_uring_op] = []
        for i in 0..<min(Int(header.ops_len), opCount) {
            let op = base.loadUnaligned(fromByteOffset: io_uring_probe.ops_offset + i * io_uring_probe_op.size, as: io_uring_probe_op.self)
            if UInt32(op.flags) & IO_URING_OP_SUPPORTED != 0 { ops.append(io_uring_op(rawValue: UInt32(op.op))) }
        }
        return ops
    }

    /// Whether the running kernel supports `op` (false when the probe itself fails).
    public func supports(_ op: io_uring_op) -> Bool {
        (try? supportedOperations().contains(op)) ?? false
    }

    /// Registers `fds` as fixed files 0..<count (`IORING_REGISTER_FILES`); use them with
    /// ``SQEFlags/fixedFile`` and the index as `fd`.
    public func registerFiles(_ fds: [Int32]) throws(IoUringError) {
        let r = fds.withUnsafeBufferPointer { b in ciouring_register(fd, io_uring_register_op.IORING_REGISTER_FILES.rawValue, b.baseAddress, UInt32(b.count)) }
        guard r >= 0 else { throw .system(call: "io_uring_register(IORING_REGISTER_FILES)", errno: -r) }
    }

    /// Drops the registered files.
    public func unregisterFiles() throws(IoUringError) {
        _ = try register(.IORING_UNREGISTER_FILES, nil, 0, name: "IORING_UNREGISTER_FILES")
    }

    /// Allocates `count` page-aligned buffers of `size` bytes that the ring owns, and registers them
    /// (`IORING_REGISTER_BUFFERS`) as indexes 0..<count for the fixed read/write and
    /// `IORING_URING_CMD_FIXED`. They live until ``unregisterBuffers()`` or the ring's end.
    public func registerBuffers(count: Int, size: Int) throws(IoUringError) {
        guard registeredBuffers == nil else { throw .system(call: "io_uring_register(IORING_REGISTER_BUFFERS)", errno: EBUSY) }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard count > 0, count <= Int(UInt16.max) + 1, size > 0, page > 0 else {
            throw .system(call: "io_uring_register(IORING_REGISTER_BUFFERS)", errno: EINVAL)
        }
        let rounded = size.addingReportingOverflow(page - 1)
        let stride = (rounded.partialValue / page).multipliedReportingOverflow(by: page)
        let total = stride.partialValue.multipliedReportingOverflow(by: count)
        guard !rounded.overflow, !stride.overflow, !total.overflow else {
            throw .system(call: "io_uring_register(IORING_REGISTER_BUFFERS)", errno: EOVERFLOW)
        }
        let m = mmap(nil, total.partialValue, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let m, m != MAP_FAILED else { throw .system(call: "mmap", errno: Glibc.errno) }
        let iovecs = (0..<count).map { iovec(iov_base: m + $0 * stride.partialValue, iov_len: size) }
        let r = iovecs.withUnsafeBufferPointer { b in
            ciouring_register(fd, io_uring_register_op.IORING_REGISTER_BUFFERS.rawValue, b.baseAddress, UInt32(b.count))
        }
        guard r >= 0 else {
            munmap(m, total.partialValue)
            throw .system(call: "io_uring_register(IORING_REGISTER_BUFFERS)", errno: -r)
        }
        registeredBuffers = UnsafeMutableRawBufferPointer(start: m, count: total.partialValue)
        registeredBufferSize = stride.partialValue
        registeredBufferLength = size
    }

    /// Unregisters and frees the ring's registered buffers; EBUSY from inside a
    /// ``withRegisteredBuffer(_:_:)`` body, whose pointer would dangle.
    public func unregisterBuffers() throws(IoUringError) {
        guard let b = registeredBuffers else { return }
        guard registeredBufferLoans == 0 else { throw .system(call: "io_uring_register(IORING_UNREGISTER_BUFFERS)", errno: EBUSY) }
        _ = try register(.IORING_UNREGISTER_BUFFERS, nil, 0, name: "IORING_UNREGISTER_BUFFERS")
        munmap(b.baseAddress, b.count)
        registeredBuffers = nil
    }

    /// Calls `body` with registered buffer `index` (nil when there is no such buffer). The pointer is
    /// for preparing fixed requests and reading their results; it is valid inside `body` only.
    public func withRegisteredBuffer<R>(_ index: Int, _ body: (UnsafeMutableRawBufferPointer?) throws -> R) rethrows -> R {
        guard let b = registeredBuffers, let base = b.baseAddress, index >= 0, registeredBufferSize > 0,
              index < b.count / registeredBufferSize else { return try body(nil) }
        registeredBufferLoans += 1
        defer { registeredBufferLoans -= 1 }
        return try body(UnsafeMutableRawBufferPointer(start: base + index * registeredBufferSize, count: registeredBufferLength))
    }

    /// Signals `eventFD` on every completion (`IORING_REGISTER_EVENTFD`), so another event loop can poll the ring.
    public func registerEventFD(_ eventFD: Int32) throws(IoUringError) {
        var e = eventFD
        let r = ciouring_register(fd, io_uring_register_op.IORING_REGISTER_EVENTFD.rawValue, &e, 1)
        guard r >= 0 else { throw .system(call: "io_uring_register(IORING_REGISTER_EVENTFD)", errno: -r) }
    }

    /// Stops signalling the registered eventfd.
    public func unregisterEventFD() throws(IoUringError) {
        _ = try register(.IORING_UNREGISTER_EVENTFD, nil, 0, name: "IORING_UNREGISTER_EVENTFD")
    }

    /// Cancels the request whose `user_data` is `target` and waits for the cancellation
    /// (`IORING_REGISTER_SYNC_CANCEL` with a generated `io_uring_sync_cancel_reg`); `timeout` nil waits
    /// as long as it takes. Throws ENOENT when no such request is in flight.
    public func cancelSynchronously(userData target: UInt64, timeout: Duration? = nil) throws(IoUringError) {
        var reg = io_uring_sync_cancel_reg()
        reg.addr = target
        reg.fd = -1
        reg.timeout = (timeout.map(KernelTimespec.init) ?? KernelTimespec(seconds: -1, nanoseconds: -1)).abi
        let r = withUnsafeBytes(of: &reg.storage) { ciouring_register(fd, io_uring_register_op.IORING_REGISTER_SYNC_CANCEL.rawValue, $0.baseAddress, 1) }
        guard r >= 0 else { throw .system(call: "io_uring_register(IORING_REGISTER_SYNC_CANCEL)", errno: -r) }
    }
}

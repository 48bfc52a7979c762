/// A view of a kernel-internal `struct io_uring_cmd` laid out as on this target (the generated
/// `io_uring_cmd`): what a uring_cmd driver sees. Its 32-byte `pdu` holds any per-request state a
/// driver keeps, as any bitwise-copyable `T` that fits, and its `sqe` pointer leads to the request
/// (``sqe(sqe128:)``, then ``SubmissionQueueEntryView/commandData(as:)``: the Rust `cmd.sqe().cmd_data::<T>()`).
/// Useful to kernel-side tooling and to tests that model a driver.
///
/// Built over memory the caller owns (an unsafe pointer, so the caller vouches for its lifetime), or
/// by ``withModel(of:_:)``, whose memory lives as long as any copy of the view (or of an SQE view
/// reached through it), so a view kept past the closure stays valid. Not `Sendable`.
public struct UringCommand {
    /// The first byte of the `io_uring_cmd`.
    public let raw: UnsafeMutableRawPointer
    /// The memory of a model (nil when the caller owns the memory).
    let model: UringCommandModel?

    /// A view of the `io_uring_cmd.size` bytes at `raw`, which the caller keeps alive while it uses the view.
    public init(raw: UnsafeMutableRawPointer) {
        self.raw = raw
        model = nil
    }

    /// Builds an `io_uring_cmd` whose `sqe` points at a copy of `request` (64 or 128 bytes, as its
    /// ``SubmissionQueueEntry/size``) and calls `body` with it. The memory is freed when the last
    /// copy of the view is gone, not before.
    public static func withModel<R>(of request: SubmissionQueueEntry, _ body: (UringCommand) throws -> R) rethrows -> R {
        let model = UringCommandModel()
        let base = model.base
        let sqeAddress = model.sqeAddress
        sqeAddress.storeBytes(of: request.sqe, as: io_uring_sqe.self)
        if request.size > io_uring_sqe.size {
            (sqeAddress + io_uring_sqe.size).storeBytes(of: request.ext, as: InlineArray<8, UInt64>.self)
        }
        var cmd = io_uring_cmd()
        cmd.sqe = UInt64(UInt(bitPattern: sqeAddress))
        cmd.cmd_op = request.sqe.cmd_op
        cmd.flags = request.sqe.uring_cmd_flags
        base.storeBytes(of: cmd, as: io_uring_cmd.self)
        return try body(UringCommand(raw: base, model: model))
    }

    init(raw: UnsafeMutableRawPointer, model: UringCommandModel) {
        self.raw = raw
        self.model = model
    }

    /// The record, as a value.
    public var command: io_uring_cmd {
        get { raw.loadUnaligned(as: io_uring_cmd.self) }
        nonmutating set { raw.storeBytes(of: newValue, as: io_uring_cmd.self) }
    }

    /// `cmd_op`.
    public var commandOperation: UInt32 {
        get { command.cmd_op }
        nonmutating set { var c = command; c.cmd_op = newValue; command = c }
    }
    /// `flags` (the SQE's `uring_cmd_flags`, plus kernel-internal bits such as `IORING_URING_CMD_CANCELABLE`).
    public var flags: UInt32 {
        get { command.flags }
        nonmutating set { var c = command; c.flags = newValue; command = c }
    }

    /// The SQE the command's `sqe` pointer names (nil when it is null), as a 64-byte view, or 128 with `sqe128`.
    /// In a model, only the model's own SQE is reachable: nil when `sqe` was changed to point elsewhere.
    public func sqe(sqe128: Bool = false) -> SubmissionQueueEntryView? {
        guard let p = UnsafeRawPointer(bitPattern: UInt(command.sqe)) else { return nil }
        let size = sqe128 ? 2 * io_uring_sqe.size : io_uring_sqe.size
        guard let model else { return SubmissionQueueEntryView(raw: p, size: size) }
        guard p == UnsafeRawPointer(model.sqeAddress) else { return nil }
        return SubmissionQueueEntryView(raw: p, size: size, model: model)
    }

    /// Where `pdu` starts and how big it is, from the generated offset table.
    public static let pduField: ABIField = io_uring_cmd.field("pdu") ?? ABIField("pdu", 32, 32)

    /// Reads the per-request data as a `T`; EFAULT-equivalent when `T` is larger than `pdu`.
    public func readPDU<T: BitwiseCopyable>(as type: T.Type = T.self) throws(IoUringError) -> T {
        try check(MemoryLayout<T>.size)
        return raw.loadUnaligned(fromByteOffset: Self.pduField.offset, as: T.self)
    }

    /// Writes the per-request data; EFAULT-equivalent when `T` is larger than `pdu`.
    public func writePDU<T: BitwiseCopyable>(_ value: T) throws(IoUringError) {
        try check(MemoryLayout<T>.size)
        raw.storeBytes(of: value, toByteOffset: Self.pduField.offset, as: T.self)
    }

    func check(_ bytes: Int) throws(IoUringError) {
        guard bytes <= Self.pduField.size else { throw .payloadTooLarge(size: bytes, capacity: Self.pduField.size) }
    }
}

/// A read-only view of an SQE in memory someone else owns (as a driver sees `ioucmd->sqe`). Not `Sendable`.
public struct SubmissionQueueEntryView {
    /// The first byte of the SQE.
    public let raw: UnsafeRawPointer
    /// 64, or 128 for an SQE128 ring.
    public let size: Int
    /// The model whose memory this view reads (nil when the caller owns the memory).
    let model: UringCommandModel?

    /// A view of `size` bytes at `raw` (64 or 128; anything else means 64).
    public init(raw: UnsafeRawPointer, size: Int = io_uring_sqe.size) {
        self.raw = raw
        self.size = size == 2 * io_uring_sqe.size ? size : io_uring_sqe.size
        model = nil
    }

    /// A view of the SQE inside `model` (`size` is 64 or 128; the model has room for both).
    init(raw: UnsafeRawPointer, size: Int, model: UringCommandModel) {
        self.raw = raw
        self.size = size == 2 * io_uring_sqe.size ? size : io_uring_sqe.size
        self.model = model
    }

    /// The SQE copied out as a request value.
    public var entry: SubmissionQueueEntry {
        var e = SubmissionQueueEntry(size: size)
        e.sqe = raw.loadUnaligned(as: io_uring_sqe.self)
        if size > io_uring_sqe.size { e.ext = raw.loadUnaligned(fromByteOffset: io_uring_sqe.size, as: InlineArray<8, UInt64>.self) }
        return e
    }

    /// The command payload as a `T` (`io_uring_sqe_cmd` / Rust `cmd_data`): EINVAL-equivalent unless
    /// the opcode is URING_CMD, EFAULT-equivalent when `T` does not fit the command area.
    public func commandData<T: BitwiseCopyable>(as type: T.Type = T.self) throws(IoUringError) -> T {
        let opcode = io_uring_op(rawValue: UInt32(raw.load(as: UInt8.self)))
        guard opcode == .IORING_OP_URING_CMD else { throw .invalidOpcode(opcode) }
        let capacity = size - io_uring_sqe.cmd_offset
        guard MemoryLayout<T>.size <= capacity else { throw .payloadTooLarge(size: MemoryLayout<T>.size, capacity: capacity) }
        return raw.loadUnaligned(fromByteOffset: io_uring_sqe.cmd_offset, as: T.self)
    }
}

/// The memory behind ``UringCommand/withModel(of:_:)``: an `io_uring_cmd` followed by room for a
/// 128-byte SQE, zeroed, freed when the last view that refers to it is gone.
final class UringCommandModel {
    let base: UnsafeMutableRawPointer
    var sqeAddress: UnsafeMutableRawPointer { base + io_uring_cmd.size }

    init() {
        let bytes = io_uring_cmd.size + 2 * io_uring_sqe.size
        base = .allocate(byteCount: bytes, alignment: 16)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
    }

    deinit { base.deallocate() }
}

/// A view of a kernel-internal `struct io_uring_cmd` laid out as on this target (the generated
/// `io_uring_cmd`): what a uring_cmd driver sees. Its 32-byte `pdu` holds any per-request state
/// a driver keeps, as any bitwise-copyable `T` that fits. Useful to kernel-side tooling and to tests
/// that model a driver; the kernel's Rust `IoUringCmd` offers the same operations.
public struct UringCommand: @unchecked Sendable {
    /// The first byte of the `io_uring_cmd`.
    public let raw: UnsafeMutableRawPointer

    /// A view of the `io_uring_cmd.size` bytes at `raw`.
    public init(raw: UnsafeMutableRawPointer) { self.raw = raw }

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

    /// Where `pdu` starts and how big it is, from the generated offset table.
    public static let pduField: ABIField = io_uring_cmd.field("pdu")!

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

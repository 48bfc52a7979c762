import Glibc

/// Why an io_uring operation failed; each case has the errno the kernel's own API would give.
public enum IoUringError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The SQE's opcode is not `IORING_OP_URING_CMD`, so it has no command payload (EINVAL).
    case invalidOpcode(io_uring_op)
    /// A payload of `size` bytes does not fit the `capacity`-byte area (EFAULT).
    case payloadTooLarge(size: Int, capacity: Int)
    /// A system call failed.
    case system(call: String, errno: Int32)

    /// The errno equivalent: EINVAL, EFAULT, or the system call's.
    public var errno: Int32 {
        switch self {
        case .invalidOpcode: return EINVAL
        case .payloadTooLarge: return EFAULT
        case .system(_, let e): return e
        }
    }

    /// One line: what failed and the errno.
    public var description: String {
        switch self {
        case .invalidOpcode(let op):
            return "opcode \(op) is not IORING_OP_URING_CMD: no command payload (EINVAL)"
        case let .payloadTooLarge(size, capacity):
            return "a \(size)-byte payload does not fit the \(capacity)-byte area (EFAULT)"
        case let .system(call, e):
            return "\(call) failed: \(KernelErrno(rawValue: e))"
        }
    }
}

/// An errno the kernel returned (a CQE's negative `res`, negated).
public struct KernelErrno: Error, Hashable, Sendable, RawRepresentable, CustomStringConvertible {
    /// The positive errno value (`EBADF` is 9).
    public var rawValue: Int32
    /// The errno `rawValue`.
    @inlinable public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `strerror` text and the number: `Bad file descriptor (errno 9)`.
    public var description: String { "\(String(cString: strerror(rawValue))) (errno \(rawValue))" }
}

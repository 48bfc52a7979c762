/// SQE flags (`IOSQE_*`), composable; values come from the generated constants.
public struct SQEFlags: OptionSet, Sendable, Hashable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `IOSQE_FIXED_FILE`: `fd` indexes the registered files.
    public static let fixedFile = SQEFlags(rawValue: UInt8(IOSQE_FIXED_FILE))
    /// `IOSQE_IO_DRAIN`: start after all earlier SQEs complete.
    public static let ioDrain = SQEFlags(rawValue: UInt8(IOSQE_IO_DRAIN))
    /// `IOSQE_IO_LINK`: the next SQE starts after this one.
    public static let ioLink = SQEFlags(rawValue: UInt8(IOSQE_IO_LINK))
    /// `IOSQE_IO_HARDLINK`: like `ioLink`, not broken by an error.
    public static let ioHardlink = SQEFlags(rawValue: UInt8(IOSQE_IO_HARDLINK))
    /// `IOSQE_ASYNC`: always go async.
    public static let async = SQEFlags(rawValue: UInt8(IOSQE_ASYNC))
    /// `IOSQE_BUFFER_SELECT`: pick a buffer from a provided group.
    public static let bufferSelect = SQEFlags(rawValue: UInt8(IOSQE_BUFFER_SELECT))
    /// `IOSQE_CQE_SKIP_SUCCESS`: no CQE on success.
    public static let cqeSkipSuccess = SQEFlags(rawValue: UInt8(IOSQE_CQE_SKIP_SUCCESS))
}

/// `io_uring_setup` flags (`IORING_SETUP_*`).
public struct SetupFlags: OptionSet, Sendable, Hashable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `IORING_SETUP_IOPOLL`.
    public static let ioPoll = SetupFlags(rawValue: IORING_SETUP_IOPOLL)
    /// `IORING_SETUP_SQPOLL`.
    public static let sqPoll = SetupFlags(rawValue: IORING_SETUP_SQPOLL)
    /// `IORING_SETUP_CQSIZE`.
    public static let cqSize = SetupFlags(rawValue: IORING_SETUP_CQSIZE)
    /// `IORING_SETUP_CLAMP`.
    public static let clamp = SetupFlags(rawValue: IORING_SETUP_CLAMP)
    /// `IORING_SETUP_SUBMIT_ALL`.
    public static let submitAll = SetupFlags(rawValue: IORING_SETUP_SUBMIT_ALL)
    /// `IORING_SETUP_COOP_TASKRUN`.
    public static let coopTaskrun = SetupFlags(rawValue: IORING_SETUP_COOP_TASKRUN)
    /// `IORING_SETUP_SINGLE_ISSUER`.
    public static let singleIssuer = SetupFlags(rawValue: IORING_SETUP_SINGLE_ISSUER)
    /// `IORING_SETUP_SQE128`: 128-byte SQEs, an 80-byte command area for URING_CMD.
    public static let sqe128 = SetupFlags(rawValue: IORING_SETUP_SQE128)
    /// `IORING_SETUP_CQE32`: 32-byte CQEs with 16 extra bytes.
    public static let cqe32 = SetupFlags(rawValue: IORING_SETUP_CQE32)
}

extension io_uring_op {
    /// The value for the SQE's 8-bit `opcode` field.
    public var byte: UInt8 { UInt8(truncatingIfNeeded: rawValue) }
}

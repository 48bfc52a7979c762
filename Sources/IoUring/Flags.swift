/// SQE flags (`IOSQE_*`), composable; values come from the generated constants.
public struct SQEFlags: OptionSet, Sendable, Hashable {
    /// The byte stored in the SQE's `flags`.
    public var rawValue: UInt8
    /// Flags from the SQE's `flags` byte.
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

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
    /// The value for `io_uring_params.flags`.
    public var rawValue: UInt32
    /// Flags from an `io_uring_params.flags` value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `IORING_SETUP_IOPOLL`.
    public static let ioPoll = SetupFlags(rawValue: IORING_SETUP_IOPOLL)
    /// `IORING_SETUP_SQPOLL`: a kernel thread consumes the SQ; see `sqThreadIdle` of ``IoUringRing/init(entries:flags:cqEntries:sqThreadIdle:sqThreadCPU:)``.
    public static let sqPoll = SetupFlags(rawValue: IORING_SETUP_SQPOLL)
    /// `IORING_SETUP_SQ_AFF`: pin the SQPOLL thread to `sqThreadCPU` (set for you when you give a CPU).
    public static let sqAffinity = SetupFlags(rawValue: IORING_SETUP_SQ_AFF)
    /// `IORING_SETUP_CQSIZE`: use `cqEntries` (set for you when you give a count).
    public static let cqSize = SetupFlags(rawValue: IORING_SETUP_CQSIZE)
    /// `IORING_SETUP_CLAMP`.
    public static let clamp = SetupFlags(rawValue: IORING_SETUP_CLAMP)
    /// `IORING_SETUP_R_DISABLED`: the ring starts disabled until ``IoUringRing/enable()``.
    public static let disabled = SetupFlags(rawValue: IORING_SETUP_R_DISABLED)
    /// `IORING_SETUP_SUBMIT_ALL`.
    public static let submitAll = SetupFlags(rawValue: IORING_SETUP_SUBMIT_ALL)
    /// `IORING_SETUP_COOP_TASKRUN`.
    public static let coopTaskrun = SetupFlags(rawValue: IORING_SETUP_COOP_TASKRUN)
    /// `IORING_SETUP_TASKRUN_FLAG`.
    public static let taskrunFlag = SetupFlags(rawValue: IORING_SETUP_TASKRUN_FLAG)
    /// `IORING_SETUP_SINGLE_ISSUER`: only the creating thread submits.
    public static let singleIssuer = SetupFlags(rawValue: IORING_SETUP_SINGLE_ISSUER)
    /// `IORING_SETUP_DEFER_TASKRUN`: completions are processed when this thread waits (needs `singleIssuer`).
    public static let deferTaskrun = SetupFlags(rawValue: IORING_SETUP_DEFER_TASKRUN)
    /// `IORING_SETUP_SQE128`: 128-byte SQEs, an 80-byte command area for URING_CMD.
    public static let sqe128 = SetupFlags(rawValue: IORING_SETUP_SQE128)
    /// `IORING_SETUP_CQE32`: 32-byte CQEs with 16 extra bytes.
    public static let cqe32 = SetupFlags(rawValue: IORING_SETUP_CQE32)
}

/// The SQ ring's `flags` word (`IORING_SQ_*`), written by the kernel.
public struct SQRingFlags: OptionSet, Sendable, Hashable {
    /// The word as the kernel wrote it.
    public var rawValue: UInt32
    /// Flags from the SQ ring's `flags` word.
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `IORING_SQ_NEED_WAKEUP`: the SQPOLL thread sleeps; the next submit must pass `IORING_ENTER_SQ_WAKEUP`.
    public static let needWakeup = SQRingFlags(rawValue: IORING_SQ_NEED_WAKEUP)
    /// `IORING_SQ_CQ_OVERFLOW`: completions overflowed the CQ ring and wait in the kernel.
    public static let cqOverflow = SQRingFlags(rawValue: IORING_SQ_CQ_OVERFLOW)
    /// `IORING_SQ_TASKRUN`: task work is pending (with `taskrunFlag`).
    public static let taskrun = SQRingFlags(rawValue: IORING_SQ_TASKRUN)
}

/// A CQE's `flags` (`IORING_CQE_F_*`).
public struct CompletionFlags: OptionSet, Sendable, Hashable {
    /// The CQE's `flags` word.
    public var rawValue: UInt32
    /// Flags from a CQE's `flags` word.
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `IORING_CQE_F_BUFFER`: the upper 16 bits hold the selected buffer's id.
    public static let buffer = CompletionFlags(rawValue: IORING_CQE_F_BUFFER)
    /// `IORING_CQE_F_MORE`: a multishot request will post more CQEs.
    public static let more = CompletionFlags(rawValue: IORING_CQE_F_MORE)
    /// `IORING_CQE_F_SOCK_NONEMPTY`: the socket still has data after this receive.
    public static let socketNonEmpty = CompletionFlags(rawValue: IORING_CQE_F_SOCK_NONEMPTY)
    /// `IORING_CQE_F_NOTIF`: a zero-copy send's notification.
    public static let notification = CompletionFlags(rawValue: IORING_CQE_F_NOTIF)
    /// `IORING_CQE_F_BUF_MORE`: the provided buffer will be used again.
    public static let bufferMore = CompletionFlags(rawValue: IORING_CQE_F_BUF_MORE)
}

extension io_uring_op {
    /// The value for the SQE's 8-bit `opcode` field.
    @inlinable public var byte: UInt8 { UInt8(truncatingIfNeeded: rawValue) }
}

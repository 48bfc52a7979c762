/// With `IORING_SETUP_CQE32`, the 16 extra bytes of a CQE (`big_cqe`) as two words; empty
/// otherwise. A fixed-size value: reading a completion never allocates.
public struct BigCQE: Sendable, Hashable, BitwiseCopyable, RandomAccessCollection, ExpressibleByArrayLiteral {
    @usableFromInline var words: (UInt64, UInt64)
    /// 2 with CQE32, 0 without.
    public let count: Int

    /// The two words of a 32-byte CQE.
    @inlinable public init(_ first: UInt64, _ second: UInt64) {
        words = (first, second)
        count = 2
    }

    /// No extra words (a 16-byte CQE).
    @inlinable public init() {
        words = (0, 0)
        count = 0
    }

    /// Two words, or none (any other count keeps at most the first two).
    public init(arrayLiteral elements: UInt64...) {
        if elements.isEmpty { self.init() } else { self.init(elements[0], elements.count > 1 ? elements[1] : 0) }
    }

    /// 0.
    @inlinable public var startIndex: Int { 0 }
    /// ``count``.
    @inlinable public var endIndex: Int { count }
    /// Word `i` (0 or 1).
    @inlinable public subscript(i: Int) -> UInt64 {
        precondition(i >= 0 && i < count, "BigCQE index out of range")
        return i == 0 ? words.0 : words.1
    }

    /// Equal when both have the same words.
    @inlinable public static func == (a: BigCQE, b: BigCQE) -> Bool {
        a.count == b.count && a.words.0 == b.words.0 && a.words.1 == b.words.1
    }

    /// Hashes the count and words.
    public func hash(into h: inout Hasher) {
        h.combine(count)
        h.combine(words.0)
        h.combine(words.1)
    }
}

/// One completion, copied out of the CQ ring.
public struct CompletionQueueEntry: Sendable, Equatable, BitwiseCopyable {
    /// The SQE's `user_data`.
    public var userData: UInt64
    /// The result: a byte count or value on success, `-errno` on failure.
    public var res: Int32
    /// `IORING_CQE_F_*` flags, as the kernel wrote them.
    public var flags: UInt32
    /// With `IORING_SETUP_CQE32`: the 16 extra bytes (`big_cqe`), as two words; empty otherwise.
    public var extra: BigCQE

    /// A completion with these fields.
    @inlinable public init(userData: UInt64, res: Int32, flags: UInt32, extra: BigCQE = BigCQE()) {
        self.userData = userData
        self.res = res
        self.flags = flags
        self.extra = extra
    }

    /// ``flags`` as an option set.
    @inlinable public var completionFlags: CompletionFlags { CompletionFlags(rawValue: flags) }

    /// The result typed: the non-negative value (a count, an fd, a command's return), or the errno.
    @inlinable public var result: Result<Int32, KernelErrno> {
        res >= 0 ? .success(res) : .failure(KernelErrno(rawValue: res == Int32.min ? Int32.max : -res))
    }

    /// The value, or throws the errno.
    @inlinable public func get() throws(KernelErrno) -> Int32 { try result.get() }

    /// With CQE32, `big_cqe[0]`: a uring_cmd driver's second result (`res2` of `io_uring_cmd_done`).
    @inlinable public var res2: UInt64? { extra.isEmpty ? nil : extra[0] }

    /// True when a multishot request will post more completions (``CompletionFlags/more``).
    @inlinable public var hasMore: Bool { flags & IORING_CQE_F_MORE != 0 }
}

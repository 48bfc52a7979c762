import ABIModel

/// How much an ABI change matters to binaries built against the old headers.
public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
    /// Existing binaries may now read or write the wrong bytes or values.
    case breaking
    /// Additions and uses of reserved space that existing binaries cannot notice.
    case compatible
    /// Worth knowing (source-level, or for generated bindings), never a failure.
    case note

    var rank: Int {
        switch self {
        case .breaking: return 0
        case .compatible: return 1
        case .note: return 2
        }
    }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// One classified difference between two snapshots.
public struct ABIChange: Codable, Sendable, Equatable {
    /// `breaking`, `compatible` or `note`.
    public var severity: Severity
    /// A stable identifier of the kind of change (`field-moved`, `sentinel-moved`, …; see ``ABIDiffer/kinds``).
    public var kind: String
    /// The record concerned (`struct io_uring_sqe`), if any.
    public var record: String?
    /// The member concerned (flattened C name, or `union 6` for an anonymous member), if any.
    public var member: String?
    /// The constant concerned, if any.
    public var constant: String?
    /// The old value, in words (`offset 32`), if any.
    public var old: String?
    /// The new value, if any.
    public var new: String?
    /// Why the change got its class.
    public var reason: String
    /// True when a suppression accepted it: shown, but not counted for the exit status.
    public var suppressed: Bool

    public init(_ severity: Severity, _ kind: String, record: String? = nil, member: String? = nil, constant: String? = nil,
                old: String? = nil, new: String? = nil, reason: String, suppressed: Bool = false) {
        self.severity = severity
        self.kind = kind
        self.record = record
        self.member = member
        self.constant = constant
        self.old = old
        self.new = new
        self.reason = reason
        self.suppressed = suppressed
    }

    enum CodingKeys: String, CodingKey { case severity, kind, record, member, constant, old, new, reason, suppressed }

    /// Every key is written, absent values as `null`, so consumers see one shape.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(severity, forKey: .severity)
        try c.encode(kind, forKey: .kind)
        try c.encode(record, forKey: .record)
        try c.encode(member, forKey: .member)
        try c.encode(constant, forKey: .constant)
        try c.encode(old, forKey: .old)
        try c.encode(new, forKey: .new)
        try c.encode(reason, forKey: .reason)
        try c.encode(suppressed, forKey: .suppressed)
    }

    /// What it concerns: `struct io_uring_sqe.len`, `IORING_OP_LAST`.
    public var subject: String {
        if let constant { return constant }
        return [record, member].compactMap { $0 }.joined(separator: ".")
    }

    /// Sort key: severity, then subject, then kind, then the values (a total order, so output is stable).
    var sortKey: [String] { [String(severity.rank), subject, kind, old ?? "", new ?? "", reason] }
}

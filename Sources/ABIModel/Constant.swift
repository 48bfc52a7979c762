/// Where a constant comes from.
public enum ConstantOrigin: String, Codable, Sendable, Equatable {
    case enumerator, macro
}

/// An integer constant with its value and C type as clang evaluates it.
public struct Constant: Codable, Sendable, Equatable {
    /// C name (`IORING_OP_URING_CMD`).
    public var name: String
    /// The value, exactly (64-bit signed or unsigned).
    public var value: IntegerValue
    /// The C type of the expression (`unsigned int`, `unsigned long long`, `int`, or the enum type).
    public var type: String
    /// `sizeof` the type in bytes.
    public var size: Int
    /// Whether the type is signed.
    public var signed: Bool
    /// Enumerator or macro.
    public var origin: ConstantOrigin
    /// For enumerators: the enum's tag (nil for an anonymous enum).
    public var enumName: String?
    /// For enumerators: the enum's underlying integer type (what a Swift wrapper's raw value uses).
    public var enumType: IntegerType?
    /// Header that declares it.
    public var header: String
    /// For macros: the tokens of the definition, for reports.
    public var definition: String?

    public init(name: String, value: IntegerValue, type: String, size: Int, signed: Bool, origin: ConstantOrigin,
                enumName: String? = nil, enumType: IntegerType? = nil, header: String, definition: String? = nil) {
        self.name = name
        self.value = value
        self.type = type
        self.size = size
        self.signed = signed
        self.origin = origin
        self.enumName = enumName
        self.enumType = enumType
        self.header = header
        self.definition = definition
    }
}

/// An integer type by its C spelling, size and signedness.
public struct IntegerType: Codable, Sendable, Equatable, Hashable {
    /// Canonical C spelling (`unsigned int`).
    public var spelling: String
    /// Size in bytes.
    public var size: Int
    /// Signedness.
    public var signed: Bool
    public init(spelling: String, size: Int, signed: Bool) { self.spelling = spelling; self.size = size; self.signed = signed }
}

/// A 64-bit integer that remembers whether it is signed; encoded as a plain JSON number.
public enum IntegerValue: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    case signed(Int64)
    case unsigned(UInt64)

    /// Two's-complement bit pattern (what `(unsigned long long)(x)` gives in C).
    public var bitPattern: UInt64 {
        switch self {
        case .signed(let v): return UInt64(bitPattern: v)
        case .unsigned(let v): return v
        }
    }

    /// True when the mathematical values are equal (regardless of signedness).
    public func sameValue(as other: IntegerValue) -> Bool {
        switch (self, other) {
        case let (.signed(a), .signed(b)): return a == b
        case let (.unsigned(a), .unsigned(b)): return a == b
        case let (.signed(a), .unsigned(b)), let (.unsigned(b), .signed(a)): return a >= 0 && UInt64(a) == b
        }
    }

    /// Equal when the mathematical values are equal: JSON does not carry signedness.
    public static func == (a: IntegerValue, b: IntegerValue) -> Bool { a.sameValue(as: b) }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .signed(let v) where v < 0: hasher.combine(true); hasher.combine(v)
        default: hasher.combine(false); hasher.combine(bitPattern)
        }
    }

    /// The value as a Swift integer literal.
    public var description: String {
        switch self {
        case .signed(let v): return String(v)
        case .unsigned(let v): return String(v)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let v = try? c.decode(Int64.self) {
            self = v < 0 ? .signed(v) : .unsigned(UInt64(v))
        } else {
            self = .unsigned(try c.decode(UInt64.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .signed(let v): try c.encode(v)
        case .unsigned(let v): try c.encode(v)
        }
    }
}

/// A macro that matched the filters but does not expand to an integer constant expression.
public struct SkippedMacro: Codable, Sendable, Equatable {
    /// Macro name.
    public var name: String
    /// Its definition's tokens.
    public var definition: String
    /// Why it is not a constant (`not an integer constant expression`, `function-like`…).
    public var reason: String

    public init(name: String, definition: String, reason: String) {
        self.name = name
        self.definition = definition
        self.reason = reason
    }
}

/// A declaration abigen saw but cannot represent.
public struct Unsupported: Codable, Sendable, Equatable {
    /// The declaration (`struct foo`, `struct foo.bar`).
    public var name: String
    /// Why.
    public var reason: String

    public init(name: String, reason: String) {
        self.name = name
        self.reason = reason
    }
}

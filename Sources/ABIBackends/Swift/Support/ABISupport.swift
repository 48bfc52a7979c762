// abigen: The support declarations at the top of every generated Swift file (`SwiftEmitterOptions.emitSupportTypes`).
// abigen: The emitter copies this file as it is, except that lines starting with "// abigen:" are left out, a
// abigen: `public ` that starts a line (after its indentation) becomes the file's access level, and the big-endian
// abigen: block is kept for big-endian targets only. The test suite type-checks this file alone.
/// One named member of a C record: where it lives and how big it is.
public struct ABIField: Sendable, Equatable, CustomStringConvertible {
    /// The member's C name, as in `offsetof`.
    public let name: String
    /// Byte offset from the start of the record.
    public let offset: Int
    /// Size in bytes (0 for zero-length and flexible arrays).
    public let size: Int
    /// Bitfields: offset in bits from the start of the record.
    public let bitOffset: Int?
    /// Bitfields: width in bits.
    public let bitWidth: Int?
    /// Anonymous-member numbers from the record inwards (`[6]` is bindgen's `__bindgen_anon_6`); empty for direct members.
    public let anonymousPath: [Int]

    public init(_ name: String, _ offset: Int, _ size: Int, bitOffset: Int? = nil, bitWidth: Int? = nil, anonymous: [Int] = []) {
        self.name = name
        self.offset = offset
        self.size = size
        self.bitOffset = bitOffset
        self.bitWidth = bitWidth
        self.anonymousPath = anonymous
    }

    /// `name@offset+size`.
    public var description: String { "\(name)@\(offset)+\(size)" }
}

/// A C record laid out byte for byte: raw storage plus typed accessors at C offsets.
public protocol ABILayout: BitwiseCopyable {
    /// The raw storage type; its size and alignment are C's.
    associatedtype Storage: BitwiseCopyable
    /// The record's bytes.
    var storage: Storage { get set }
    /// `sizeof` the C record.
    static var size: Int { get }
    /// `_Alignof` the C record.
    static var alignment: Int { get }
    /// Every named member, in declaration order.
    static var abiFields: [ABIField] { get }
}

extension ABILayout {
    /// Offset of the member with this C name, nil when there is none.
    public static func offset(of name: String) -> Int? { abiFields.first { $0.name == name }?.offset }
    /// The layout entry of the member with this C name.
    public static func field(_ name: String) -> ABIField? { abiFields.first { $0.name == name } }

    /// Reads a `T` at a byte offset.
    @inlinable @inline(__always)
    public func abiLoad<T: BitwiseCopyable>(_ offset: Int, as: T.Type = T.self) -> T {
        withUnsafeBytes(of: storage) { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    }

    /// Writes a `T` at a byte offset.
    @inlinable @inline(__always)
    public mutating func abiStore<T: BitwiseCopyable>(_ value: T, _ offset: Int) {
        withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: value, toByteOffset: offset, as: T.self) }
    }

    /// Reads `width` bits starting `bitOffset` bits into the record (little-endian bit order), zero-extended.
    @inlinable
    public func abiLoadBits(_ bitOffset: Int, _ width: Int) -> UInt64 {
        withUnsafeBytes(of: storage) { raw in
            var v: UInt64 = 0
            for i in 0..<width {
                let bit = bitOffset + i
                if raw[bit / 8] & (1 << UInt8(bit % 8)) != 0 { v |= 1 << UInt64(i) }
            }
            return v
        }
    }

    /// Writes the low `width` bits of `value` starting `bitOffset` bits into the record.
    @inlinable
    public mutating func abiStoreBits(_ value: UInt64, _ bitOffset: Int, _ width: Int) {
        withUnsafeMutableBytes(of: &storage) { raw in
            for i in 0..<width {
                let bit = bitOffset + i
                let mask: UInt8 = 1 << UInt8(bit % 8)
                if value & (1 << UInt64(i)) != 0 { raw[bit / 8] |= mask } else { raw[bit / 8] &= ~mask }
            }
        }
    }

    /// Calls `body` with the bytes from `offset` to the end of the record.
    @inlinable
    public func abiWithTail<R>(_ offset: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: storage) { try body(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
    }

    /// Calls `body` with the mutable bytes from `offset` to the end of the record.
    @inlinable
    public mutating func abiWithMutableTail<R>(_ offset: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeMutableBytes(of: &storage) { try body(UnsafeMutableRawBufferPointer(rebasing: $0[offset...])) }
    }
// abigen: big-endian targets only, from here

    /// Reads `width` bits starting `bitOffset` bits into the record, big-endian bit order (bit 0 is the most
    /// significant bit of byte 0; the first bit read is the value's most significant), zero-extended.
    @inlinable
    public func abiLoadBitsBigEndian(_ bitOffset: Int, _ width: Int) -> UInt64 {
        withUnsafeBytes(of: storage) { raw in
            var v: UInt64 = 0
            for i in 0..<width {
                let bit = bitOffset + i
                v = v << 1 | UInt64((raw[bit / 8] >> UInt8(7 - bit % 8)) & 1)
            }
            return v
        }
    }

    /// Writes the low `width` bits of `value` starting `bitOffset` bits into the record, big-endian bit order.
    @inlinable
    public mutating func abiStoreBitsBigEndian(_ value: UInt64, _ bitOffset: Int, _ width: Int) {
        withUnsafeMutableBytes(of: &storage) { raw in
            for i in 0..<width {
                let bit = bitOffset + i
                let mask: UInt8 = 0x80 >> UInt8(bit % 8)
                if value & (1 << UInt64(width - 1 - i)) != 0 { raw[bit / 8] |= mask } else { raw[bit / 8] &= ~mask }
            }
        }
    }
// abigen: end of big-endian targets only
}


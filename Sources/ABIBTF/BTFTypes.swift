import Foundation

/// A BTF blob that cannot be read: names the file and the problem, on one line.
public struct BTFError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file at fault, as given.
    public var file: String
    /// What is wrong with it.
    public var message: String
    /// Makes an error for `file`.
    public init(file: String, message: String) { self.file = file; self.message = message }
    /// `FILE: problem`, on one line.
    public var description: String { "\(file): \(message)" }
}

/// The BTF type kinds (the numbers of `BTF_KIND_*`).
public enum BTFKind: UInt8, Sendable, CaseIterable {
    /// One case per `BTF_KIND_*` value; `void` is type id 0, never a record in the file.
    case void = 0, int = 1, pointer = 2, array = 3, `struct` = 4, union = 5, `enum` = 6, forward = 7, typedef = 8
    /// The kinds from VOLATILE on.
    case volatile = 9, const = 10, restrict = 11, function = 12, functionProto = 13, variable = 14, dataSection = 15
    /// The kinds from FLOAT on.
    case float = 16, declTag = 17, typeTag = 18, enum64 = 19

    /// CONST, VOLATILE or RESTRICT.
    public var isQualifier: Bool { self == .const || self == .volatile || self == .restrict }
    /// STRUCT, UNION, ENUM or ENUM64: types C names with a tag.
    public var isTag: Bool { self == .struct || self == .union || self == .enum || self == .enum64 }

    /// The kind's name as the kernel documentation writes it (`STRUCT`).
    public var label: String {
        switch self {
        case .void: return "VOID"
        case .int: return "INT"
        case .pointer: return "PTR"
        case .array: return "ARRAY"
        case .struct: return "STRUCT"
        case .union: return "UNION"
        case .enum: return "ENUM"
        case .forward: return "FWD"
        case .typedef: return "TYPEDEF"
        case .volatile: return "VOLATILE"
        case .const: return "CONST"
        case .restrict: return "RESTRICT"
        case .function: return "FUNC"
        case .functionProto: return "FUNC_PROTO"
        case .variable: return "VAR"
        case .dataSection: return "DATASEC"
        case .float: return "FLOAT"
        case .declTag: return "DECL_TAG"
        case .typeTag: return "TYPE_TAG"
        case .enum64: return "ENUM64"
        }
    }
}

/// One member of a struct or union, one parameter of a function prototype, or one enumerator.
public struct BTFMember: Sendable, Equatable {
    /// Offset of the name in the string section (0: no name).
    public var nameOffset: UInt32
    /// Member or parameter type id (0 for enumerators, and for the `...` of a variadic prototype).
    public var type: UInt32
    /// Members: the raw offset word (bit offset, or with the kind flag bitfield size << 24 | bit offset).
    /// Enumerators: the value's bit pattern (ENUM: 32 bits, ENUM64: 64 bits).
    public var value: UInt64
}

/// One decoded BTF type record.
public struct BTFType: Sendable, Equatable {
    /// The kind.
    public var kind: BTFKind
    /// Offset of the name in the string section (0: anonymous).
    public var nameOffset: UInt32
    /// The `kind_flag` bit: bitfield encoding for STRUCT/UNION, union for FWD, signedness for ENUM/ENUM64.
    public var kindFlag: Bool
    /// Size in bytes (INT, ENUM, ENUM64, STRUCT, UNION, FLOAT, DATASEC) or referenced type id (the others).
    public var sizeOrType: UInt32
    /// INT: the encoding word (encoding << 24 | offset << 16 | bits). ARRAY: element count. DECL_TAG: component index.
    public var extra: UInt32
    /// ARRAY: the element type id (and ``extra`` the count).
    public var arrayElement: UInt32
    /// ARRAY: the index type id.
    public var arrayIndex: UInt32
    /// Where this type's members start in the file's member table (see ``BTFFile/members(of:)``).
    var memberStart: Int
    /// STRUCT/UNION members, FUNC_PROTO parameters, ENUM/ENUM64 enumerators, DATASEC entries: how many.
    public var memberCount: Int

    /// INT: number of value bits.
    public var intBits: UInt32 { extra & 0xff }
    /// INT: bit offset of the value (old bitfield encoding).
    public var intOffset: UInt32 { (extra >> 16) & 0xff }
    /// INT: signed.
    public var intSigned: Bool { (extra >> 24) & 1 != 0 }
    /// INT: a `_Bool`.
    public var intBool: Bool { (extra >> 24) & 4 != 0 }
}

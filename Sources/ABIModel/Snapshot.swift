/// The ABI model: what a set of C headers means for memory layout, as plain values.
///
/// Every stage of abigen reads or writes this model: the libclang frontend produces it,
/// the Swift emitter, the C probe builder, the differ and the reports consume it, and its
/// JSON form (``ABISnapshot/jsonData()``) is the CI baseline. Nothing here knows libclang.

/// A complete ABI snapshot of one header set for one target.
public struct ABISnapshot: Codable, Sendable, Equatable {
    /// The version of this JSON schema; bumped on any incompatible change.
    public static let currentSchemaVersion = 2

    /// Schema version of the snapshot (see ``currentSchemaVersion``).
    public var schemaVersion: Int
    /// Target triple the layouts were computed for, e.g. `x86_64-unknown-linux-gnu`.
    public var target: String
    /// The selected headers, as given on the command line (relative to an include directory).
    public var headers: [String]
    /// Include directories searched before the system include path, in order.
    public var includeDirectories: [String]
    /// Headers included before the selected ones (declarations not kept), e.g. a header the selected one needs first.
    public var preludeHeaders: [String]?
    /// When the headers could not all be parsed in one translation unit: the groups that were
    /// (each after the prelude headers, in order). A probe compiles one unit per group. Nil: one group.
    public var headerGroups: [[String]]?
    /// Structs and unions, sorted by name.
    public var records: [Record]
    /// Integer constants (enumerators and macros), sorted by name.
    public var constants: [Constant]
    /// Object-like macros that matched the filters but are not integer constant expressions.
    public var skippedMacros: [SkippedMacro]
    /// Declarations the model could not represent, with the reason.
    public var unsupported: [Unsupported]
    /// What was read, as the resolver described it (schema version 2; nil in version 1 snapshots).
    public var source: ABISource?

    public init(schemaVersion: Int = ABISnapshot.currentSchemaVersion, target: String, headers: [String],
                includeDirectories: [String], preludeHeaders: [String]? = nil, records: [Record], constants: [Constant],
                skippedMacros: [SkippedMacro] = [], unsupported: [Unsupported] = []) {
        self.schemaVersion = schemaVersion
        self.target = target
        self.headers = headers
        self.includeDirectories = includeDirectories
        self.preludeHeaders = preludeHeaders
        self.records = records
        self.constants = constants
        self.skippedMacros = skippedMacros
        self.unsupported = unsupported
    }

    /// Every header a C translation unit must include to see this ABI, in order.
    public var allHeaders: [String] { (preludeHeaders ?? []) + headers }

    /// The translation units a C probe needs: each a list of headers to include, in order.
    public var translationUnits: [[String]] {
        guard let groups = headerGroups, groups.count > 1 else { return [allHeaders] }
        return groups.map { (preludeHeaders ?? []) + $0 }
    }

    /// The record with this C name (tag or typedef name), if any.
    public func record(named name: String) -> Record? { records.first { $0.name == name } }
    /// The constant with this C name, if any.
    public func constant(named name: String) -> Constant? { constants.first { $0.name == name } }

    /// Sorts records, constants and lists so that equal inputs give byte-identical output.
    public mutating func normalize() {
        guard !isNormalized else { return }   // sorting would copy every record of an already sorted snapshot
        records.sort { $0.name < $1.name }
        constants.sort { $0.name < $1.name }
        skippedMacros.sort { $0.name < $1.name }
        unsupported.sort { ($0.name, $0.reason) < ($1.name, $1.reason) }
    }
}

extension ABISnapshot {
    /// Whether ``normalize()`` would change nothing.
    var isNormalized: Bool {
        func sorted<T>(_ a: [T], _ less: (T, T) -> Bool) -> Bool {
            a.indices.dropFirst().allSatisfy { !less(a[$0], a[$0 - 1]) }
        }
        // Names are compared as bytes where both are ASCII (the same order as `<`, without its Unicode machinery).
        func less(_ a: String, _ b: String) -> Bool { SnapshotText.strictlyPrecedes(a, b) ?? (a < b) }
        return sorted(records) { less($0.name, $1.name) } && sorted(constants) { less($0.name, $1.name) }
            && sorted(skippedMacros) { $0.name < $1.name } && sorted(unsupported) { ($0.name, $0.reason) < ($1.name, $1.reason) }
    }
}

/// Whether a record is a `struct` or a `union`.
public enum RecordKind: String, Codable, Sendable, Equatable {
    case `struct`
    case union
}

/// A named struct or union with its complete layout.
public struct Record: Codable, Sendable, Equatable {
    /// The C name: the tag (`io_uring_sqe`) or, for an untagged typedef'd record, the typedef name.
    public var name: String
    /// How C code names the type: `struct io_uring_sqe`, `union foo`, or a typedef name.
    public var cName: String
    /// `struct` or `union`.
    public var kind: RecordKind
    /// `sizeof` in bytes.
    public var size: Int
    /// `_Alignof` in bytes.
    public var alignment: Int
    /// True when declared `__attribute__((packed))`.
    public var packed: Bool
    /// Header that declares it, relative to its include directory (e.g. `linux/io_uring.h`).
    public var header: String
    /// Every member reachable by name, anonymous members flattened, in declaration order.
    public var fields: [Field]
    /// The record's anonymous struct and union members, recursively, in declaration order.
    public var anonymousMembers: [AnonymousMember]
    /// True when ``alignment`` was inferred (BTF records none), not read from a compiler; nil (omitted from JSON): read.
    public var alignmentInferred: Bool?

    public init(name: String, cName: String, kind: RecordKind, size: Int, alignment: Int, packed: Bool = false,
                header: String, fields: [Field], anonymousMembers: [AnonymousMember] = [], alignmentInferred: Bool? = nil) {
        self.name = name
        self.cName = cName
        self.kind = kind
        self.size = size
        self.alignment = alignment
        self.packed = packed
        self.header = header
        self.fields = fields
        self.anonymousMembers = anonymousMembers
        self.alignmentInferred = alignmentInferred
    }

    /// The field with this flattened C name, if any.
    public func field(named name: String) -> Field? { fields.first { $0.name == name } }
}

/// Identifies one anonymous struct or union member by the path of numbers leading to it.
///
/// `path` is the chain of anonymous-member numbers from the record inwards: `[6]` is the
/// SQE's sixth anonymous member (bindgen's `__bindgen_anon_6`), `[1, 1]` the first anonymous
/// member inside that one. Numbers count anonymous members only, from 1, in declaration order,
/// within their immediate parent; `fieldIndexes` count all fields of the parent from 0
/// (Swift's importer names the member `__Anonymous_field12` after that index). Anonymous members
/// inside a named member of unnamed type (`struct { union { … }; } tx;`) continue the numbering of
/// the level that holds `tx`, so that every path in a record is unique.
public struct AnonymousMember: Codable, Sendable, Equatable {
    /// Anonymous-member numbers from the record inwards (1-based).
    public var path: [Int]
    /// Field indexes from the record inwards (0-based, counting every field of each parent).
    public var fieldIndexes: [Int]
    /// `struct` or `union`.
    public var kind: RecordKind
    /// Byte offset from the start of the record.
    public var offset: Int
    /// `sizeof` the anonymous member.
    public var size: Int

    public init(path: [Int], fieldIndexes: [Int], kind: RecordKind, offset: Int, size: Int) {
        self.path = path
        self.fieldIndexes = fieldIndexes
        self.kind = kind
        self.offset = offset
        self.size = size
    }

    /// bindgen's name for the outermost member: `__bindgen_anon_6`.
    public var bindgenName: String { "__bindgen_anon_\(path.first.map(String.init) ?? "")" }
    /// Swift's importer name for the outermost member: `__Anonymous_field12`.
    public var swiftImporterName: String { "__Anonymous_field\(fieldIndexes.first.map(String.init) ?? "")" }
    /// A short display form, `union 6` or `union 1.1`.
    public var label: String { "\(kind.rawValue) " + path.map(String.init).joined(separator: ".") }
}

/// One named member, reachable as `offsetof(record, name)`.
public struct Field: Codable, Sendable, Equatable {
    /// The member name as written in `offsetof`: `cmd_op`, `addr3`; dotted for members of a named
    /// member of unnamed record type (`tx.flags`).
    public var name: String
    /// Byte offset from the start of the record. For bitfields, the byte holding the first bit.
    public var offset: Int
    /// Size in bytes (`sizeof` the member): 0 for zero-length and flexible arrays. For bitfields,
    /// the number of bytes the bits touch.
    public var size: Int
    /// Bitfields only: offset in bits from the start of the record.
    public var bitOffset: Int?
    /// Bitfields only: width in bits.
    public var bitWidth: Int?
    /// The member's type.
    public var type: FieldType
    /// Path of the anonymous member that holds this field (see ``AnonymousMember/path``); nil for direct members.
    public var anonymousPath: [Int]?

    public init(name: String, offset: Int, size: Int, bitOffset: Int? = nil, bitWidth: Int? = nil,
                type: FieldType, anonymousPath: [Int]? = nil) {
        self.name = name
        self.offset = offset
        self.size = size
        self.bitOffset = bitOffset
        self.bitWidth = bitWidth
        self.type = type
        self.anonymousPath = anonymousPath
    }

    /// True for bitfields.
    public var isBitfield: Bool { bitWidth != nil }
}

/// What a member's (element) type is, reduced to what layout cares about.
public enum TypeKind: String, Codable, Sendable, Equatable {
    case integer, enumeration, floating, pointer, record, other
}

/// A member's type: its spelling, its canonical form and, for arrays, the dimensions.
public struct FieldType: Codable, Sendable, Equatable {
    /// The type as written (`__u64`, `__kernel_rwf_t`, `__u8[0]`).
    public var spelling: String
    /// The type with typedefs resolved (`unsigned long long`, `int`).
    public var canonical: String
    /// The kind of the scalar (for arrays: element) type.
    public var kind: TypeKind
    /// Size in bytes of the scalar (for arrays: element) type.
    public var scalarSize: Int
    /// Signedness of integer and enum (element) types; nil otherwise.
    public var signed: Bool?
    /// For record (element) types, the record's ``Record/name``.
    public var record: String?
    /// Array dimensions, outermost first (`[0]` for `cmd[0]`); nil when not an array.
    public var arrayDimensions: [Int]?
    /// True for a flexible array member (`T x[]`).
    public var flexibleArray: Bool?

    public init(spelling: String, canonical: String, kind: TypeKind, scalarSize: Int, signed: Bool? = nil,
                record: String? = nil, arrayDimensions: [Int]? = nil, flexibleArray: Bool? = nil) {
        self.spelling = spelling
        self.canonical = canonical
        self.kind = kind
        self.scalarSize = scalarSize
        self.signed = signed
        self.record = record
        self.arrayDimensions = arrayDimensions
        self.flexibleArray = flexibleArray
    }

    /// Total number of scalar elements for arrays (0 for zero-length and flexible), nil otherwise. Saturates at
    /// `Int.max` rather than overflow (a validated snapshot keeps it at most 2^32).
    public var elementCount: Int? {
        if flexibleArray == true { return 0 }
        guard let dims = arrayDimensions else { return nil }
        if dims.contains(where: { $0 <= 0 }) { return 0 }
        var total = 1
        for d in dims {
            let (product, overflow) = total.multipliedReportingOverflow(by: d)
            if overflow { return Int.max }
            total = product
        }
        return total
    }
    /// True for zero-length and flexible arrays: they occupy no bytes of the record.
    public var isVariableTail: Bool { flexibleArray == true || elementCount == 0 }
}

import ABIModel
import Foundation

/// A number in the ABI model that a probe measures.
public enum ABIProperty: String, Sendable, Codable, CaseIterable {
    /// A record's `sizeof`.
    case size
    /// A record's `_Alignof`.
    case alignment
    /// A field's byte offset (`offsetof`; for bitfields, the byte holding the first bit).
    case offset
    /// A field's `sizeof` (for bitfields, the bytes the bits touch; 0 for zero-length and flexible arrays).
    case fieldSize
    /// `sizeof` a field's scalar (for arrays: element) type, the model's `FieldType.scalarSize`.
    case elementSize
    /// A bitfield's offset in bits from the start of the record.
    case bitOffset
    /// A bitfield's width in bits.
    case bitWidth
    /// Whether a field's integer or enum (element) type is signed.
    case signedness
    /// A constant's value.
    case value
    /// `sizeof` a constant's type.
    case constantSize
    /// Whether a constant's type is signed.
    case constantSignedness
    /// `sizeof` an enum's type (the model's `Constant.enumType.size`).
    case enumSize
    /// Whether an enum's type is signed (the model's `Constant.enumType.signed`).
    case enumSignedness
    /// The check did not compile: the record, field or constant does not exist as the model names it.
    case compiles

    /// A small number per case, for ``CheckKey``'s hash.
    var ordinal: UInt64 {
        switch self {
        case .size: 0
        case .alignment: 1
        case .offset: 2
        case .fieldSize: 3
        case .elementSize: 4
        case .bitOffset: 5
        case .bitWidth: 6
        case .signedness: 7
        case .value: 8
        case .constantSize: 9
        case .constantSignedness: 10
        case .enumSize: 11
        case .enumSignedness: 12
        case .compiles: 13
        }
    }
}

/// What a check is about, by index into the snapshot it was built from.
public enum ProbeSubject: Sendable, Hashable {
    /// `snapshot.records[i]`.
    case record(Int)
    /// `snapshot.records[record].fields[field]`.
    case field(record: Int, field: Int)
    /// `snapshot.constants[i]`.
    case constant(Int)
    /// The enum with this tag (its constants carry `enumType`).
    case enumeration(String)
}

/// Identifies one measured number: a subject and a property.
public struct CheckKey: Sendable, Hashable {
    /// What is measured.
    public var subject: ProbeSubject
    /// Which of its numbers.
    public var property: ABIProperty
    /// Makes a key.
    public init(_ subject: ProbeSubject, _ property: ABIProperty) {
        self.subject = subject
        self.property = property
    }

    /// One word for the indexes and the property (a property's raw value is a string, slow to hash); equality stays
    /// the synthesized comparison, so words that collide only cost a comparison.
    public func hash(into hasher: inout Hasher) {
        let p = property.ordinal
        switch subject {
        case .record(let r): hasher.combine(p | 1 << 5 | UInt64(truncatingIfNeeded: r) << 8)
        case .field(let r, let f): hasher.combine(p | 2 << 5 | UInt64(truncatingIfNeeded: r) << 8 ^ UInt64(truncatingIfNeeded: f) << 36)
        case .constant(let c): hasher.combine(p | 3 << 5 | UInt64(truncatingIfNeeded: c) << 8)
        case .enumeration(let tag):
            hasher.combine(p | 4 << 5)
            hasher.combine(tag)
        }
    }
}

/// One slot of the probe's value array: a C integer constant expression and what it measures.
public struct ProbeCheck: Sendable, Equatable {
    /// What the slot measures.
    public var key: CheckKey
    /// The C expression stored (converted to `unsigned long long`) in the slot.
    public var expression: String
}

/// One bitfield measured through a global object of the record type with only that field set to all ones.
public struct BitfieldProbe: Sendable, Equatable {
    /// The field (subject of the key; property `.bitOffset` stands for the whole object).
    public var key: CheckKey
    /// The object's symbol name in the compiled probe.
    public var symbol: String
}

/// A check measured by the very expression of an earlier slot (a field that is not an array: its element size is
/// `sizeof` the field), so the probe evaluates it once.
public struct ProbeAlias: Sendable, Equatable {
    /// What the alias measures.
    public var key: CheckKey
    /// The slot (index into ``Probe/checks``) whose value it takes.
    public var slot: Int
}

/// The generated C source of one probe translation unit and its side table.
public struct Probe: Sendable {
    /// The C file's bytes (UTF-8).
    let text: [UInt8]
    /// The headers it includes, in order.
    public var headers: [String]
    /// What slot `i` of the value array past the two-word header measures.
    let keys: [CheckKey]
    /// Where slot `i`'s expression is in ``text``.
    let expressions: [Range<Int>]
    /// Checks that take the value (and the compile error) of an earlier slot.
    public var aliases: [ProbeAlias]
    /// The bitfield objects.
    public var bitfields: [BitfieldProbe]
    /// The source line (1-based) of each check, in ``keys`` order.
    let checkLines: [Int]
    /// The source line (1-based) of each bitfield object, in ``bitfields`` order.
    let bitfieldLines: [Int]

    /// The complete C file.
    public var source: String { String(decoding: text, as: UTF8.self) }

    /// Writes the C file to `path`.
    func write(to path: String) throws(VerifyError) {
        do { try Data(text).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw VerifyError.cannotWriteProbe(path: path, reason: VerifyError.reason(error))
        }
    }

    /// Slot `i` of the value array past the two-word header holds `checks[i]`.
    public var checks: [ProbeCheck] {
        zip(keys, expressions).map { ProbeCheck(key: $0, expression: String(decoding: text[$1], as: UTF8.self)) }
    }

    /// Which check each source line (1-based) belongs to, to attribute compiler errors.
    public var lineKeys: [Int: CheckKey] {
        var result: [Int: CheckKey] = [:]
        result.reserveCapacity(keys.count + bitfields.count)
        for (line, key) in zip(checkLines, keys) { result[line] = key }
        for (line, bitfield) in zip(bitfieldLines, bitfields) { result[line] = bitfield.key }
        return result
    }

    /// The checks that share the expression of `key`'s slot (aliases of it), so they fail with it.
    func sharing(_ failed: some Sequence<CheckKey>) -> [CheckKey: [CheckKey]] {
        let wanted = Set(failed)
        var result: [CheckKey: [CheckKey]] = [:]
        for alias in aliases where keys.indices.contains(alias.slot) && wanted.contains(keys[alias.slot]) {
            result[keys[alias.slot], default: []].append(alias.key)
        }
        return result
    }
}

/// Builds C probe sources from an ``ABISnapshot``: every number in the model as a compile-time constant in data.
///
/// The value array `abigen_probe_values` (section `.abigen_probe`) starts with ``magic`` and the number
/// of checks; slot `2 + i` holds `checks[i]`. Bitfields are global objects named `abigen_probe_bitfield_R_F`.
public enum ProbeBuilder {
    /// Symbol name of the value array.
    public static let valuesSymbol = "abigen_probe_values"
    /// First word of the value array (ASCII `abigenPR`), proof that the array was read correctly.
    public static let magic: UInt64 = 0x5250_6E65_6769_6261
    /// Symbol prefix of the bitfield objects.
    public static let bitfieldSymbolPrefix = "abigen_probe_bitfield_"

    /// One probe per translation unit of the snapshot (``ABISnapshot/translationUnits``), all checks included.
    public static func build(_ snapshot: ABISnapshot) -> [Probe] {
        build(snapshot, excluding: [])
    }

    /// One probe per translation unit, leaving out the checks in `excluding` (those that did not compile).
    public static func build(_ snapshot: ABISnapshot, excluding: Set<CheckKey>) -> [Probe] {
        let units = assignment(snapshot)
        return units.map { unit in
            build(snapshot, headers: unit.headers, records: unit.records, constants: unit.constants, excluding: excluding)
        }
    }

    /// One translation unit's headers and the records and constants (indexes into the snapshot) it checks.
    typealias Unit = (headers: [String], records: [Int], constants: [Int])

    /// Which records and constants each translation unit checks: each goes to the first unit that includes
    /// its header (the frontend labels declarations with the selected header that brought them in), else the first.
    static func assignment(_ snapshot: ABISnapshot) -> [Unit] {
        let units = snapshot.translationUnits
        var result = units.map { (headers: $0, records: [Int](), constants: [Int]()) }
        var firstUnit: [String: Int] = [:]
        for (i, unit) in units.enumerated() { for h in unit where firstUnit[h] == nil { firstUnit[h] = i } }
        // Declarations of one header come in a row: the last header's unit is remembered.
        var last: (header: String, unit: Int)?
        func unit(for header: String) -> Int {
            if let last, last.header == header { return last.unit }
            let u = firstUnit[header] ?? 0
            last = (header, u)
            return u
        }
        let records = snapshot.records, constants = snapshot.constants
        for i in records.indices { result[unit(for: records[i].header)].records.append(i) }
        last = nil
        for i in constants.indices { result[unit(for: constants[i].header)].constants.append(i) }
        return result
    }

    /// How many `[0]` reach a field's element: its array dimensions (a flexible array counts one).
    static func dimensions(_ type: FieldType) -> Int {
        type.arrayDimensions?.count ?? (type.flexibleArray == true ? 1 : 0)
    }

    /// Whether the model gives (or should give) a signedness for this field's type.
    static func hasSignedness(_ type: FieldType) -> Bool {
        type.signed != nil || type.kind == .integer || type.kind == .enumeration
    }

    /// Text safe inside a C comment.
    static func comment(_ s: String) -> String {
        // Printable ASCII without `*/` (nearly every name) is safe as it is.
        var previous: UInt8 = 0
        if s.utf8.allSatisfy({ byte in
            defer { previous = byte }
            return byte >= 0x20 && byte < 0x7F && !(previous == UInt8(ascii: "*") && byte == UInt8(ascii: "/"))
        }) { return s }
        return s.replacingOccurrences(of: "*/", with: "* /").split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

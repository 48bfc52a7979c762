import Foundation

/// A small JSON parser for snapshots: integers, strings, booleans, null, arrays and objects (what the
/// schema uses), several times faster than `JSONDecoder` on a 14 MB whole-uapi snapshot. Anything it
/// does not expect makes it give up (nil), and ``ABISnapshot/decode(_:path:)`` falls back to
/// `JSONDecoder`, whose errors name the problem. A test compares both decoders.
enum JSONValue {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case int(Int64)
    case uint(UInt64)
    case bool(Bool)
    case null

    struct Failure: Error {}

    static func parse(_ data: Data) -> JSONValue? {
        data.withUnsafeBytes { raw -> JSONValue? in
            var p = Parser(bytes: raw.bindMemory(to: UInt8.self))
            guard let v = try? p.value() else { return nil }
            p.skipSpace()
            return p.i == p.bytes.count ? v : nil
        }
    }

    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }

        mutating func expect(_ b: UInt8) throws {
            skipSpace()
            guard i < bytes.count, bytes[i] == b else { throw Failure() }
            i += 1
        }

        mutating func value() throws -> JSONValue {
            skipSpace()
            guard i < bytes.count else { throw Failure() }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var dict: [String: JSONValue] = [:]
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(dict) }
                while true {
                    skipSpace()
                    let key = try string()
                    try expect(UInt8(ascii: ":"))
                    dict[key] = try value()
                    skipSpace()
                    guard i < bytes.count else { throw Failure() }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(dict) }
                    throw Failure()
                }
            case UInt8(ascii: "["):
                i += 1
                var items: [JSONValue] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                while true {
                    items.append(try value())
                    skipSpace()
                    guard i < bytes.count else { throw Failure() }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                    throw Failure()
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default:
                return try number()
            }
        }

        mutating func literal(_ word: StaticString) throws {
            let n = word.utf8CodeUnitCount
            guard i + n <= bytes.count else { throw Failure() }
            for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw Failure() }
            i += n
        }

        mutating func number() throws -> JSONValue {
            var negative = false
            if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
            var magnitude: UInt64 = 0
            let start = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (m2, o2) = m1.addingReportingOverflow(UInt64(bytes[i] - 0x30))
                guard !o1, !o2 else { throw Failure() }
                magnitude = m2
                i += 1
            }
            guard i > start else { throw Failure() }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") { throw Failure() }
            if negative {
                guard magnitude <= UInt64(Int64.max) + 1 else { throw Failure() }
                return .int(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
            }
            return magnitude <= UInt64(Int64.max) ? .int(Int64(magnitude)) : .uint(magnitude)
        }

        mutating func string() throws -> String {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw Failure() }
            i += 1
            let start = i
            var simple = true
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                if bytes[i] == UInt8(ascii: "\\") { simple = false; i += 2 } else { i += 1 }
            }
            guard i < bytes.count else { throw Failure() }
            let end = i
            i += 1
            if simple { return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) }
            var out: [UInt8] = []
            var k = start
            while k < end {
                let b = bytes[k]
                if b != UInt8(ascii: "\\") { out.append(b); k += 1; continue }
                let e = bytes[k + 1]
                k += 2
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard k + 4 <= end, let code = UInt32(String(decoding: UnsafeBufferPointer(rebasing: bytes[k..<(k + 4)]), as: UTF8.self), radix: 16),
                          let scalar = Unicode.Scalar(code) else { throw Failure() }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    k += 4
                default: out.append(e)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}

extension JSONValue {
    subscript(_ key: String) -> JSONValue? {
        if case .object(let d) = self { return d[key] }
        return nil
    }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var int: Int? {
        switch self {
        case .int(let v): return Int(exactly: v)
        case .uint(let v): return Int(exactly: v)
        default: return nil
        }
    }
    var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    func strings() -> [String]? { array?.compactMap(\.string) }
    func ints() -> [Int]? { array?.compactMap(\.int) }
}

extension ABISnapshot {
    /// Builds a snapshot from parsed JSON; nil when anything required is missing or mistyped.
    static func fastDecode(_ data: Data) -> ABISnapshot? {
        guard let root = JSONValue.parse(data),
              let version = root["schemaVersion"]?.int, let target = root["target"]?.string,
              let headers = root["headers"]?.strings(), let dirs = root["includeDirectories"]?.strings(),
              let recordValues = root["records"]?.array, let constantValues = root["constants"]?.array,
              let skippedValues = root["skippedMacros"]?.array, let unsupportedValues = root["unsupported"]?.array
        else { return nil }
        var records: [Record] = []
        records.reserveCapacity(recordValues.count)
        for r in recordValues {
            guard let name = r["name"]?.string, let cName = r["cName"]?.string, let kind = r["kind"]?.string.flatMap(RecordKind.init(rawValue:)),
                  let size = r["size"]?.int, let alignment = r["alignment"]?.int, let packed = r["packed"]?.bool,
                  let header = r["header"]?.string, let fieldValues = r["fields"]?.array, let anonValues = r["anonymousMembers"]?.array
            else { return nil }
            var fields: [Field] = []
            fields.reserveCapacity(fieldValues.count)
            for f in fieldValues {
                guard let fname = f["name"]?.string, let offset = f["offset"]?.int, let fsize = f["size"]?.int,
                      let t = f["type"], let spelling = t["spelling"]?.string, let canonical = t["canonical"]?.string,
                      let tkind = t["kind"]?.string.flatMap(TypeKind.init(rawValue:)), let scalar = t["scalarSize"]?.int
                else { return nil }
                let type = FieldType(spelling: spelling, canonical: canonical, kind: tkind, scalarSize: scalar,
                                     signed: t["signed"]?.bool, record: t["record"]?.string,
                                     arrayDimensions: t["arrayDimensions"]?.ints(), flexibleArray: t["flexibleArray"]?.bool)
                fields.append(Field(name: fname, offset: offset, size: fsize, bitOffset: f["bitOffset"]?.int, bitWidth: f["bitWidth"]?.int,
                                    type: type, anonymousPath: f["anonymousPath"]?.ints()))
            }
            var anonymous: [AnonymousMember] = []
            for a in anonValues {
                guard let path = a["path"]?.ints(), let indexes = a["fieldIndexes"]?.ints(),
                      let akind = a["kind"]?.string.flatMap(RecordKind.init(rawValue:)), let aoff = a["offset"]?.int, let asize = a["size"]?.int
                else { return nil }
                anonymous.append(AnonymousMember(path: path, fieldIndexes: indexes, kind: akind, offset: aoff, size: asize))
            }
            records.append(Record(name: name, cName: cName, kind: kind, size: size, alignment: alignment, packed: packed,
                                  header: header, fields: fields, anonymousMembers: anonymous))
        }
        var constants: [Constant] = []
        constants.reserveCapacity(constantValues.count)
        for c in constantValues {
            guard let name = c["name"]?.string, let type = c["type"]?.string, let size = c["size"]?.int, let signed = c["signed"]?.bool,
                  let origin = c["origin"]?.string.flatMap(ConstantOrigin.init(rawValue:)), let header = c["header"]?.string
            else { return nil }
            let value: IntegerValue
            switch c["value"] {
            case .int(let v)?: value = v < 0 ? .signed(v) : .unsigned(UInt64(v))
            case .uint(let v)?: value = .unsigned(v)
            default: return nil
            }
            var enumType: IntegerType?
            if let e = c["enumType"] {
                guard let sp = e["spelling"]?.string, let sz = e["size"]?.int, let sg = e["signed"]?.bool else { return nil }
                enumType = IntegerType(spelling: sp, size: sz, signed: sg)
            }
            constants.append(Constant(name: name, value: value, type: type, size: size, signed: signed, origin: origin,
                                      enumName: c["enumName"]?.string, enumType: enumType, header: header, definition: c["definition"]?.string))
        }
        var skipped: [SkippedMacro] = []
        for m in skippedValues {
            guard let n = m["name"]?.string, let d = m["definition"]?.string, let r = m["reason"]?.string else { return nil }
            skipped.append(SkippedMacro(name: n, definition: d, reason: r))
        }
        var unsupported: [Unsupported] = []
        for u in unsupportedValues {
            guard let n = u["name"]?.string, let r = u["reason"]?.string else { return nil }
            unsupported.append(Unsupported(name: n, reason: r))
        }
        var s = ABISnapshot(schemaVersion: version, target: target, headers: headers, includeDirectories: dirs,
                            preludeHeaders: root["preludeHeaders"]?.strings(), records: records, constants: constants,
                            skippedMacros: skipped, unsupported: unsupported)
        if let groups = root["headerGroups"]?.array { s.headerGroups = groups.compactMap { $0.strings() } }
        return s
    }
}

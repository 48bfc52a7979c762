import Foundation

/// Typed access to parsed JSON with `JSONDecoder`'s rules for the snapshot's `Codable` types: a required key
/// must be present and not null, an optional one may be absent or null, every value must have exactly its type
/// (no element of an array is skipped), integers must fit `Int`. Unknown keys are ignored.
struct JSONObject {
    let members: JSONMembers

    init(_ value: JSONValue, _ what: @autoclosure () -> String) throws {
        guard case .object(let d) = value else { throw schemaError(what(), "expected an object, found \(value.typeName)") }
        members = d
    }

    func required(_ key: String) throws -> JSONValue {
        guard let v = members[key] else { throw schemaError(key, "missing key") }
        if case .null = v { throw schemaError(key, "null where a value is required") }
        return v
    }

    func optional(_ key: String) -> JSONValue? {
        guard let v = members[key] else { return nil }
        if case .null = v { return nil }
        return v
    }

    func int(_ key: String) throws -> Int { try required(key).asInt(key) }
    func string(_ key: String) throws -> String { try required(key).asString(key) }
    func bool(_ key: String) throws -> Bool { try required(key).asBool(key) }
    func array(_ key: String) throws -> [JSONValue] { try required(key).asArray(key) }
    func strings(_ key: String) throws -> [String] {
        try array(key).enumerated().map { try $1.asString("\(key)[\($0)]") }
    }
    func ints(_ key: String) throws -> [Int] {
        try array(key).enumerated().map { try $1.asInt("\(key)[\($0)]") }
    }
    func optionalInts(_ key: String) throws -> [Int]? {
        guard let a = try optional(key)?.asArray(key) else { return nil }
        return try a.enumerated().map { try $1.asInt("\(key)[\($0)]") }
    }
    func optionalStrings(_ key: String) throws -> [String]? {
        guard let a = try optional(key)?.asArray(key) else { return nil }
        return try a.enumerated().map { try $1.asString("\(key)[\($0)]") }
    }
    func enumeration<T: RawRepresentable>(_ key: String, _ type: T.Type) throws -> T where T.RawValue == String {
        let s = try string(key)
        guard let v = T(rawValue: s) else { throw schemaError(key, "'\(s)' is not a valid \(key)") }
        return v
    }
}

/// A schema error at a key path (`records[3].fields[0].offset: missing key`).
func schemaError(_ path: String, _ what: String) -> JSONFailure {
    var f = JSONFailure(kind: .invalid, message: what)
    f.keyPath = path
    return f
}

extension JSONValue {
    var typeName: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .int, .uint: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }

    func asInt(_ path: @autoclosure () -> String) throws -> Int {
        switch self {
        case .int(let v):
            guard let i = Int(exactly: v) else { throw schemaError(path(), "\(v) is out of range") }
            return i
        case .uint(let v):
            guard let i = Int(exactly: v) else { throw schemaError(path(), "\(v) is out of range") }
            return i
        default: throw schemaError(path(), "expected an integer, found \(typeName)")
        }
    }

    func asString(_ path: @autoclosure () -> String) throws -> String {
        guard case .string(let s) = self else { throw schemaError(path(), "expected a string, found \(typeName)") }
        return s
    }

    func asBool(_ path: @autoclosure () -> String) throws -> Bool {
        guard case .bool(let b) = self else { throw schemaError(path(), "expected true or false, found \(typeName)") }
        return b
    }

    func asArray(_ path: @autoclosure () -> String) throws -> [JSONValue] {
        guard case .array(let a) = self else { throw schemaError(path(), "expected an array, found \(typeName)") }
        return a
    }
}

extension ABISnapshot {
    /// Builds a snapshot with the fast reader; throws ``JSONFailure`` where it does not accept the input.
    static func fastDecode(_ data: Data) throws -> ABISnapshot {
        let root = try JSONObject(try JSONParser.parse(data), "the document")
        // The version first: a newer snapshot may differ in any other key.
        if let v = root.optional("schemaVersion"), case .int(let n) = v, n > Int64(currentSchemaVersion) {
            throw JSONFailure(kind: .version, message: ABISnapshot.newerVersionMessage(String(n)))
        }
        var s = ABISnapshot(schemaVersion: try root.int("schemaVersion"), target: try root.string("target"),
                            headers: try root.strings("headers"), includeDirectories: try root.strings("includeDirectories"),
                            preludeHeaders: try root.optionalStrings("preludeHeaders"), records: [], constants: [])
        if let groups = try root.optional("headerGroups")?.asArray("headerGroups") {
            s.headerGroups = try groups.enumerated().map { gi, g in
                try g.asArray("headerGroups[\(gi)]").enumerated().map { try $1.asString("headerGroups[\(gi)][\($0)]") }
            }
        }
        let recordValues = try root.array("records")
        s.records.reserveCapacity(recordValues.count)
        for (ri, r) in recordValues.enumerated() {
            do { s.records.append(try record(r)) } catch let f as JSONFailure { throw f.under("records[\(ri)]") }
        }
        let constantValues = try root.array("constants")
        s.constants.reserveCapacity(constantValues.count)
        for (ci, c) in constantValues.enumerated() {
            do { s.constants.append(try constant(c)) } catch let f as JSONFailure { throw f.under("constants[\(ci)]") }
        }
        for (mi, m) in try root.array("skippedMacros").enumerated() {
            do {
                let o = try JSONObject(m, "")
                s.skippedMacros.append(SkippedMacro(name: try o.string("name"), definition: try o.string("definition"),
                                                    reason: try o.string("reason")))
            } catch let f as JSONFailure { throw f.under("skippedMacros[\(mi)]") }
        }
        for (ui, u) in try root.array("unsupported").enumerated() {
            do {
                let o = try JSONObject(u, "")
                s.unsupported.append(Unsupported(name: try o.string("name"), reason: try o.string("reason")))
            } catch let f as JSONFailure { throw f.under("unsupported[\(ui)]") }
        }
        if let v = root.optional("source") {
            do { s.source = try source(v) } catch let f as JSONFailure { throw f.under("source") }
        }
        return s
    }

    static func source(_ value: JSONValue) throws -> ABISource {
        let o = try JSONObject(value, "")
        switch try o.string("kind") {
        case "btf":
            var selection: BTFSource.Selection?
            if let v = o.optional("selection") {
                do {
                    let e = try JSONObject(v, "")
                    selection = BTFSource.Selection(records: try e.strings("records"), constantPrefixes: try e.optionalStrings("constantPrefixes"))
                } catch let f as JSONFailure { throw f.under("selection") }
            }
            return .btf(BTFSource(path: try o.string("path"), selection: selection))
        case "headers":
            var dirs: [HeaderSource.Directory] = []
            for (di, d) in try o.array("includeDirectories").enumerated() {
                do {
                    let e = try JSONObject(d, "")
                    dirs.append(HeaderSource.Directory(path: try e.string("path"), role: try e.enumeration("role", HeaderSource.Role.self)))
                } catch let f as JSONFailure { throw f.under("includeDirectories[\(di)]") }
            }
            var tree: HeaderSource.KernelTree?
            if let k = o.optional("kernelTree") {
                do {
                    let e = try JSONObject(k, "")
                    tree = HeaderSource.KernelTree(path: try e.string("path"), version: try e.optional("version")?.asString("version"))
                } catch let f as JSONFailure { throw f.under("kernelTree") }
            }
            var selection: HeaderSource.Selection?
            if let v = o.optional("selection") {
                do {
                    let e = try JSONObject(v, "")
                    selection = HeaderSource.Selection(records: try e.strings("records"), macroPrefixes: try e.optionalStrings("macroPrefixes"),
                                                       skipBrokenHeaders: try e.bool("skipBrokenHeaders"))
                } catch let f as JSONFailure { throw f.under("selection") }
            }
            return .headers(HeaderSource(includeDirectories: dirs, headers: try o.strings("headers"),
                                         preludeHeaders: try o.strings("preludeHeaders"),
                                         target: try o.optional("target")?.asString("target"),
                                         extraArguments: try o.strings("arguments"), kernelTree: tree, selection: selection))
        case let other:
            throw schemaError("kind", "expected headers or btf, found \(other.debugDescription)")
        }
    }

    static func record(_ value: JSONValue) throws -> Record {
        let r = try JSONObject(value, "")
        var fields: [Field] = []
        let fieldValues = try r.array("fields")
        fields.reserveCapacity(fieldValues.count)
        for (fi, fv) in fieldValues.enumerated() {
            do {
                let f = try JSONObject(fv, "")
                let t: JSONObject
                do { t = try JSONObject(try f.required("type"), "") } catch let e as JSONFailure { throw e.under("type") }
                let type: FieldType
                do {
                    type = FieldType(spelling: try t.string("spelling"), canonical: try t.string("canonical"),
                                     kind: try t.enumeration("kind", TypeKind.self), scalarSize: try t.int("scalarSize"),
                                     signed: try t.optional("signed")?.asBool("signed"),
                                     record: try t.optional("record")?.asString("record"),
                                     arrayDimensions: try t.optionalInts("arrayDimensions"),
                                     flexibleArray: try t.optional("flexibleArray")?.asBool("flexibleArray"))
                } catch let e as JSONFailure { throw e.under("type") }
                fields.append(Field(name: try f.string("name"), offset: try f.int("offset"), size: try f.int("size"),
                                    bitOffset: try f.optional("bitOffset")?.asInt("bitOffset"),
                                    bitWidth: try f.optional("bitWidth")?.asInt("bitWidth"),
                                    type: type, anonymousPath: try f.optionalInts("anonymousPath")))
            } catch let e as JSONFailure { throw e.under("fields[\(fi)]") }
        }
        var anonymous: [AnonymousMember] = []
        for (ai, av) in try r.array("anonymousMembers").enumerated() {
            do {
                let a = try JSONObject(av, "")
                anonymous.append(AnonymousMember(path: try a.ints("path"), fieldIndexes: try a.ints("fieldIndexes"),
                                                 kind: try a.enumeration("kind", RecordKind.self),
                                                 offset: try a.int("offset"), size: try a.int("size")))
            } catch let e as JSONFailure { throw e.under("anonymousMembers[\(ai)]") }
        }
        return Record(name: try r.string("name"), cName: try r.string("cName"), kind: try r.enumeration("kind", RecordKind.self),
                      size: try r.int("size"), alignment: try r.int("alignment"), packed: try r.bool("packed"),
                      header: try r.string("header"), fields: fields, anonymousMembers: anonymous,
                      alignmentInferred: try r.optional("alignmentInferred")?.asBool("alignmentInferred"))
    }

    static func constant(_ value: JSONValue) throws -> Constant {
        let c = try JSONObject(value, "")
        let integer: IntegerValue
        switch try c.required("value") {
        case .int(let v): integer = v < 0 ? .signed(v) : .unsigned(UInt64(v))
        case .uint(let v): integer = .unsigned(v)
        case let other: throw schemaError("value", "expected an integer, found \(other.typeName)")
        }
        var enumType: IntegerType?
        if let e = c.optional("enumType") {
            do {
                let o = try JSONObject(e, "")
                enumType = IntegerType(spelling: try o.string("spelling"), size: try o.int("size"), signed: try o.bool("signed"))
            } catch let f as JSONFailure { throw f.under("enumType") }
        }
        return Constant(name: try c.string("name"), value: integer, type: try c.string("type"), size: try c.int("size"),
                        signed: try c.bool("signed"), origin: try c.enumeration("origin", ConstantOrigin.self),
                        enumName: try c.optional("enumName")?.asString("enumName"), enumType: enumType,
                        header: try c.string("header"), definition: try c.optional("definition")?.asString("definition"))
    }
}

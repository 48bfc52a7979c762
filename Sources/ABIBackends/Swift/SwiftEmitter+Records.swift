import ABIModel

// Records: the Swift type of each field, accessors at C offsets, and the per-record field table.
extension SwiftEmitter {
    /// The Swift integer type of a C integer of this size and signedness.
    static func integerType(size: Int, signed: Bool) -> String? {
        switch size {
        case 1: return signed ? "Int8" : "UInt8"
        case 2: return signed ? "Int16" : "UInt16"
        case 4: return signed ? "Int32" : "UInt32"
        case 8: return signed ? "Int64" : "UInt64"
        case 16: return signed ? "Int128" : "UInt128"
        default: return nil
        }
    }

    /// The storage word giving a Swift struct C's alignment.
    static func storageWord(alignment: Int) -> String? {
        switch alignment {
        case 1: return "UInt8"
        case 2: return "UInt16"
        case 4: return "UInt32"
        case 8: return "UInt64"
        case 16: return "UInt128"
        default: return nil
        }
    }

    /// Number of elements of an array field (product of its dimensions); 1 for a scalar, 0 for a flexible array,
    /// nil when the product overflows or a dimension is negative.
    static func elementCount(_ t: FieldType) -> Int? {
        if t.flexibleArray == true { return 0 }
        guard let dims = t.arrayDimensions else { return 1 }
        var n = 1
        for d in dims {
            guard d >= 0 else { return nil }
            let (p, o) = n.multipliedReportingOverflow(by: d)
            guard !o else { return nil }
            n = p
        }
        return n
    }

    /// The Swift type of one scalar (array element) of a field and its size in bytes; nil when it has none (a
    /// non-positive size).
    func scalarType(_ t: FieldType) -> (type: String, size: Int, record: Bool)? {
        guard t.scalarSize > 0 else { return nil }
        let raw = (type: "InlineArray<\(t.scalarSize), UInt8>", size: t.scalarSize, record: false)
        switch t.kind {
        case .integer, .enumeration:
            return Self.integerType(size: t.scalarSize, signed: t.signed ?? false).map { ($0, t.scalarSize, false) } ?? raw
        case .floating:
            if t.scalarSize == 4 { return ("Float", 4, false) }
            if t.scalarSize == 8 { return ("Double", 8, false) }
            return raw
        case .pointer:
            return Self.integerType(size: t.scalarSize, signed: false).map { ($0, t.scalarSize, false) } ?? raw
        case .record:
            if let name = t.record, let v = names.valueTypes[name], v.size == t.scalarSize { return (v.type, v.size, true) }
            return raw
        case .other:
            return raw
        }
    }

    /// `, in anonymous union 1 (bindgen `__bindgen_anon_1`, Swift importer `__Anonymous_field4`)`, or empty.
    static func where_(_ f: Field, in r: Record) -> String {
        guard let path = f.anonymousPath, let first = path.first,
              let outer = r.anonymousMembers.first(where: { $0.path == [first] }) else { return "" }
        let inner = r.anonymousMembers.first { $0.path == path }
        let label = oneLine((inner ?? outer).label)
        let importer = outer.fieldIndexes.first.map { ", Swift importer `__Anonymous_field\($0)`" } ?? ""
        return ", in anonymous \(label) (bindgen `__bindgen_anon_\(first)`\(importer))"
    }

    /// `a + b` as text, exactly, for comments.
    static func sum(_ a: Int, _ b: Int) -> String { String(Int128(a) + Int128(b)) }
    /// `a - b` as text, exactly, for comments.
    static func difference(_ a: Int, _ b: Int) -> String { String(Int128(a) - Int128(b)) }

    /// The per-record table as a function that appends one entry per statement: its compile time grows
    /// linearly with the number of fields (an array literal's type-checking does not).
    mutating func renderTable(_ r: Record, entries: [String]) {
        let a = access
        line("    /// Every named member of `\(Self.oneLine(r.cName))`, in declaration order.")
        if entries.isEmpty {
            line("    \(a)static let abiFields: [ABIField] = []")
            return
        }
        line("    \(a)static let abiFields: [ABIField] = abiFieldTable()")
        line("    private static func abiFieldTable() -> [ABIField] {")
        line("        var t: [ABIField] = []")
        line("        t.reserveCapacity(\(entries.count))")
        for e in entries { line("        t.append(\(e))") }
        line("        return t")
        line("    }")
    }

    /// One table entry: `ABIField("name", offset, size, bitOffset: …, bitWidth: …, anonymous: […])`.
    static func tableEntry(_ f: Field) -> String {
        var s = "ABIField(\(stringLiteral(f.name)), \(f.offset), \(f.size)"
        if let b = f.bitOffset { s += ", bitOffset: \(b)" }
        if let w = f.bitWidth { s += ", bitWidth: \(w)" }
        if let p = f.anonymousPath { s += ", anonymous: [\(p.map(String.init).joined(separator: ", "))]" }
        return s + ")"
    }

    mutating func renderRecord(_ r: Record) {
        let a = access
        let cName = Self.oneLine(r.cName), header = Self.oneLine(r.header)
        guard let typeName = names.recordTypes[r.name] else {
            let why = names.unsupported.first { $0.name == r.cName }?.reason ?? "not representable"
            line("// \(cName): \(Self.oneLine(why)); not emitted.")
            line()
            return
        }
        let ids = Self.memberNames(for: r)
        var used = Self.reservedMembers.union(ids)
        func companion(_ base: String) -> String {
            var c = base
            while used.contains(c) { c += "_" }
            used.insert(c)
            return c
        }
        let renamed = typeName != r.name ? " Swift name `\(typeName)`: `\(Self.oneLine(r.name))` is taken or reserved in Swift." : ""
        if r.size == 0 && r.alignment > 1 {
            // No Swift value can be 0 bytes yet aligned to more than 1: give the layout as static members only.
            line("/// `\(cName)` (\(header)): 0 bytes, alignment \(r.alignment). No Swift value type has that layout,")
            line("/// so this is a namespace: the offsets of its members, for use on raw memory.\(renamed)")
            line("\(a)enum \(typeName) {")
            line("    /// `sizeof(\(cName))`.")
            line("    \(a)static var size: Int { 0 }")
            line("    /// `_Alignof(\(cName))`.")
            line("    \(a)static var alignment: Int { \(r.alignment) }")
            for (f, id) in zip(r.fields, ids) {
                line("    /// Offset of `\(Self.oneLine(f.type.spelling)) \(Self.oneLine(f.name))`.")
                line("    \(a)static var \(companion(id + "_offset")): Int { \(f.offset) }")
            }
            renderTable(r, entries: r.fields.map(Self.tableEntry))
            line("}")
            line()
            return
        }
        guard let word = Self.storageWord(alignment: r.alignment) else { return }
        let load = bigEndian ? "abiLoadBitsBigEndian" : "abiLoadBits", store = bigEndian ? "abiStoreBitsBigEndian" : "abiStoreBits"
        let count = r.size / r.alignment
        line("/// `\(cName)` (\(header)): \(r.size) bytes, alignment \(r.alignment)\(r.packed ? ", packed" : "").\(renamed)")
        line("\(a)struct \(typeName): ABILayout, Sendable {")
        line("    /// Raw storage: \(count) × \(word), giving C's size and alignment.")
        line("    \(a)var storage: InlineArray<\(count), \(word)>")
        line()
        line("    /// A zero-filled `\(cName)`.")
        line("    \(a)init() { storage = InlineArray(repeating: 0) }")
        line()
        line("    /// `sizeof(\(cName))`.")
        line("    \(a)static var size: Int { \(r.size) }")
        line("    /// `_Alignof(\(cName))`.")
        line("    \(a)static var alignment: Int { \(r.alignment) }")
        let memberSet = Set(ids)
        let recordBits = Int128(r.size) * 8
        for (f, plain) in zip(r.fields, ids) {
            let id = Self.spelled(plain)
            let spelling = Self.oneLine(f.type.spelling), fname = Self.oneLine(f.name)
            line()
            let place = Self.where_(f, in: r)
            if let width = f.bitWidth {
                let signed = f.type.signed ?? false
                guard let bitOffset = f.bitOffset else {
                    line("    // `\(spelling) \(fname) : \(width)`: bitfield without a bit offset; no accessor.")
                    continue
                }
                guard width >= 1, width <= 64, bitOffset >= 0, Int128(bitOffset) + Int128(width) <= recordBits,
                      Int128(width) <= Int128(f.type.scalarSize) * 8,
                      let t = Self.integerType(size: f.type.scalarSize, signed: signed),
                      f.type.kind == .integer || f.type.kind == .enumeration else {
                    line("    // `\(spelling) \(fname) : \(width)`: bitfield accessor not supported here.")
                    continue
                }
                line("    /// `\(spelling) \(fname) : \(width)` at bit \(bitOffset)\(place).")
                line("    \(a)var \(id): \(t) {")
                if signed {
                    line("        get { \(t)(truncatingIfNeeded: Int64(bitPattern: \(load)(\(bitOffset), \(width)) << \(64 - width)) >> \(64 - width)) }")
                } else {
                    line("        get { \(t)(truncatingIfNeeded: \(load)(\(bitOffset), \(width))) }")
                }
                line("        set { \(store)(UInt64(truncatingIfNeeded: newValue), \(bitOffset), \(width)) }")
                line("    }")
                continue
            }
            guard let n = Self.elementCount(f.type) else {
                line("    // `\(spelling) \(fname)`: array dimensions \(f.type.arrayDimensions ?? []) have no element count; no accessor.")
                continue
            }
            guard f.offset >= 0, f.offset <= r.size else {
                line("    // `\(spelling) \(fname)`: offset \(f.offset) lies outside the \(r.size)-byte record; no accessor.")
                continue
            }
            if n == 0 {
                let kind = f.type.flexibleArray == true ? "flexible array" : "zero-length array"
                let rest = Self.difference(r.size, f.offset)
                line("    /// Offset of `\(spelling) \(fname)` (\(kind))\(place).")
                line("    \(a)static var \(companion(plain + "_offset")): Int { \(f.offset) }")
                line("    /// The bytes of the `\(fname)` area within the record: offset \(f.offset) to \(r.size) (\(rest) bytes).")
                line("    \(a)func \(companion("withUnsafeBytes_" + plain))<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {")
                line("        try abiWithTail(\(f.offset), body)")
                line("    }")
                line("    /// The mutable bytes of the `\(fname)` area within the record (\(rest) bytes).")
                line("    \(a)mutating func \(companion("withUnsafeMutableBytes_" + plain))<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {")
                line("        try abiWithMutableTail(\(f.offset), body)")
                line("    }")
                continue
            }
            if f.size == 0 {
                line("    // `\(spelling) \(fname)` occupies no bytes (offset \(f.offset)).")
                continue
            }
            guard f.size > 0, Int128(f.offset) + Int128(f.size) <= Int128(r.size) else {
                line("    // `\(spelling) \(fname)`: \(f.size) bytes at offset \(f.offset) do not fit in the \(r.size)-byte record; no accessor.")
                continue
            }
            // The accessor's type must be exactly the field's bytes; otherwise (an inconsistent model, or an element
            // record Swift cannot lay out) the field is raw bytes.
            var type: String
            var element: (type: String, size: Int, record: Bool)? = nil
            if let s = scalarType(f.type), Int128(s.size) * Int128(n) == Int128(f.size) {
                type = f.type.arrayDimensions == nil ? s.type : "InlineArray<\(n), \(s.type)>"
                element = s
            } else {
                type = "InlineArray<\(f.size), UInt8>"
            }
            let bytesNote = f.type.kind == .record && !(element?.record ?? false) ? ", as raw bytes: Swift has no layout for its type" : ""
            line("    /// `\(spelling) \(fname)` at offset \(f.offset) (\(f.size) byte\(f.size == 1 ? "" : "s"))\(place)\(bytesNote).")
            line("    \(a)var \(id): \(type) {")
            // Spell the type unless a member of the same name would shadow it (`opal_key: opal_key`).
            let shadowed = Self.identifierWords(type).contains { memberSet.contains($0) }
            line(shadowed ? "        get { abiLoad(\(f.offset)) }" : "        get { abiLoad(\(f.offset), as: \(type).self) }")
            line("        set { abiStore(newValue, \(f.offset)) }")
            line("    }")
            // Arrays of records: typed access to one element, by index (checked at run time, like an array's).
            if let e = element, e.record, let dims = f.type.arrayDimensions, !dims.isEmpty {
                let params = dims.indices.map { dims.count == 1 ? "_ i: Int" : "_ i\($0): Int" }.joined(separator: ", ")
                let vars = dims.indices.map { dims.count == 1 ? "i" : "i\($0)" }
                let checks = zip(vars, dims).map { "\($0) >= 0 && \($0) < \($1)" }.joined(separator: " && ")
                var index = vars[0]
                for (v, d) in zip(vars.dropFirst(), dims.dropFirst()) { index = "(\(index)) * \(d) + \(v)" }
                let at = "\(f.offset) + (\(index)) * \(e.size)"
                let shape = dims.map { "[\($0)]" }.joined()
                line("    /// Element \(vars.map { "[\($0)]" }.joined()) of `\(fname)\(shape)` (\(e.size) bytes each); an index out of range traps, as with an array.")
                line("    \(a)func \(id)(\(params)) -> \(e.type) {")
                line("        precondition(\(checks), \"index out of range\")")
                line("        return abiLoad(\(at))")
                line("    }")
                line("    /// Replaces element \(vars.map { "[\($0)]" }.joined()) of `\(fname)\(shape)`; an index out of range traps.")
                line("    \(a)mutating func \(companion("set_" + plain))(\(params), _ newValue: \(e.type)) {")
                line("        precondition(\(checks), \"index out of range\")")
                line("        abiStore(newValue, \(at))")
                line("    }")
            }
        }
        line()
        renderTable(r, entries: r.fields.map(Self.tableEntry))
        line("}")
        line()
    }

    /// The identifiers in a type's spelling (`InlineArray<4, foo>` → `InlineArray`, `foo`).
    static func identifierWords(_ type: String) -> [String] {
        let bytes = Array(type.utf8)
        if bytes.allSatisfy({ $0 < 0x80 }) {   // ASCII: letters and digits are [A-Za-z0-9], as Character says
            var words: [String] = []
            var i = 0
            while i < bytes.count {
                guard SnapshotText.isIdentifierByte(bytes[i]) else { i += 1; continue }
                let start = i
                while i < bytes.count && SnapshotText.isIdentifierByte(bytes[i]) { i += 1 }
                if !isDigit(bytes[start]) { words.append(String(decoding: bytes[start..<i], as: UTF8.self)) }
            }
            return words
        }
        return type.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init).filter { !($0.first?.isNumber ?? true) }
    }
}

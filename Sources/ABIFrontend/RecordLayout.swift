import ABIModel
import Foundation

/// Flattens a record's members through anonymous structs and unions.
struct RecordLayout {
    /// The C name of the outermost record being laid out (for element records' `__typeof__` names).
    var outerCName: String
    /// True while laying out an element record (its own arrays of anonymous records are not synthesized).
    var insideElement = false
    /// The selected header's label, for the location of warnings.
    var header = ""
    var fields: [Field] = []
    var anonymous: [AnonymousMember] = []
    /// Element records of array members of anonymous record type, by member name (named later).
    var elements: [(field: String, record: Record)] = []

    /// `anonStart`: anonymous members already numbered at this level (a named member of unnamed type
    /// continues the numbering of the level that holds it, so every path in a record is unique).
    mutating func walk(_ type: ClangType, baseBits: Int, prefix: String, anonPath: [Int], indexPath: [Int],
                       recordName: String, warnings: inout [Diagnostic], anonStart: Int = 0) {
        var anonCount = anonStart
        for (index, f) in type.fields.enumerated() {
            let name = f.spelling
            let ftype = f.type
            let canon = ftype.canonical
            let offsetBits = baseBits + Int(f.offsetOfFieldInBits)
            if canon.kind == .record && (name.isEmpty || f.isAnonymousRecord) {
                anonCount += 1
                let decl = canon.declaration
                let kind: RecordKind = decl.kind == .unionDecl ? .union : .struct
                let path = anonPath + [anonCount]
                anonymous.append(AnonymousMember(path: path, fieldIndexes: indexPath + [index], kind: kind,
                                                 offset: offsetBits / 8, size: canon.size ?? 0))
                walk(canon, baseBits: offsetBits, prefix: prefix, anonPath: path, indexPath: indexPath + [index],
                     recordName: recordName, warnings: &warnings)
                continue
            }
            if name.isEmpty {   // an unnamed bitfield: padding, not reachable by name
                continue
            }
            let fullName = prefix + name
            let fieldType = describe(ftype)
            if f.isBitField {
                let width = f.bitWidth
                fields.append(Field(name: fullName, offset: offsetBits / 8, size: (offsetBits % 8 + width + 7) / 8,
                                    bitOffset: offsetBits, bitWidth: width, type: fieldType,
                                    anonymousPath: anonPath.isEmpty ? nil : anonPath))
                continue
            }
            if offsetBits % 8 != 0 {
                warnings.append(Diagnostic(.warning, "member does not start on a byte boundary", location: "\(header):\(f.location.line)",
                                           symbol: "\(recordName).\(fullName)"))
            }
            fields.append(Field(name: fullName, offset: offsetBits / 8, size: ftype.size ?? 0, type: fieldType,
                                anonymousPath: anonPath.isEmpty ? nil : anonPath))
            // A named member of an unnamed record type: its members are reachable as `name.member`.
            if canon.kind == .record && (canon.declaration.isAnonymous || canon.declaration.spelling.isEmpty) {
                var inner = RecordLayout(outerCName: outerCName, insideElement: insideElement, header: header)
                inner.walk(canon, baseBits: offsetBits, prefix: fullName + ".", anonPath: anonPath, indexPath: indexPath,
                           recordName: recordName, warnings: &warnings, anonStart: anonCount)
                fields += inner.fields
                elements += inner.elements
                // Its anonymous members belong to this record too (fields name them by path).
                anonCount += inner.anonymous.filter { $0.path.count == anonPath.count + 1 }.count
                anonymous += inner.anonymous
            }
            // An array of an unnamed record type: its element becomes a record of its own.
            if let dims = fieldType.arrayDimensions, let element = anonymousElement(ftype) {
                guard !insideElement else {
                    warnings.append(Diagnostic(.warning, "array of an unnamed struct or union inside an element of another such array: only its bytes are described",
                                               location: "\(header):\(f.location.line)", symbol: "\(recordName).\(fullName)"))
                    continue
                }
                let decl = element.declaration
                let cName = "__typeof__(((\(outerCName) *)0)->\(fullName)\(String(repeating: "[0]", count: dims.count)))"
                guard let size = element.size, let alignment = element.alignment else { continue }
                var inner = RecordLayout(outerCName: outerCName, insideElement: true, header: header)
                inner.walk(element, baseBits: 0, prefix: "", anonPath: [], indexPath: [], recordName: cName, warnings: &warnings)
                elements.append((fullName, Record(name: "", cName: cName, kind: decl.kind == .unionDecl ? .union : .struct,
                                                  size: size, alignment: alignment, packed: decl.hasPackedAttribute, header: "",
                                                  fields: inner.fields, anonymousMembers: inner.anonymous)))
            }
        }
    }

    /// The canonical element type of an array whose element is an unnamed struct or union written
    /// in place (not through a typedef name, which is a record of its own); nil otherwise.
    func anonymousElement(_ t: ClangType) -> ClangType? {
        var e = t
        for _ in 0..<64 {
            if e.kind == .constantArray || e.kind == .incompleteArray { e = e.arrayElement; continue }
            let c = e.canonical
            if e.kind != .typedef, c.kind == .constantArray || c.kind == .incompleteArray { e = c; continue }
            break
        }
        guard e.kind != .typedef else { return nil }
        let c = e.canonical
        guard c.kind == .record, c.declaration.isAnonymous || c.declaration.spelling.isEmpty else { return nil }
        return c
    }

    /// Describes a member's type for the model.
    func describe(_ t: ClangType) -> FieldType {
        var dims: [Int] = []
        var flexible = false
        var element = t.canonical
        while element.kind == .constantArray || element.kind == .incompleteArray {
            if element.kind == .incompleteArray { flexible = true; dims.append(0) } else { dims.append(element.arraySize) }
            element = element.arrayElement.canonical
        }
        let kind: TypeKind
        var signed: Bool? = nil
        var record: String? = nil
        switch element.kind {
        case .enumeration:
            kind = .enumeration
            signed = integerInfo(element)?.signed
        case .floating:
            kind = .floating
        case .pointer, .blockPointer:
            kind = .pointer
        case .record:
            kind = .record
            let s = element.declaration.spelling
            record = s.isEmpty || element.declaration.isAnonymous ? nil : s
        default:
            if let info = integerInfo(element) {
                kind = .integer
                signed = info.signed
            } else {
                kind = .other
            }
        }
        return FieldType(spelling: stableSpelling(t.spelling), canonical: stableSpelling(t.canonical.spelling), kind: kind, scalarSize: element.size ?? 0,
                         signed: signed, record: record, arrayDimensions: dims.isEmpty ? nil : dims,
                         flexibleArray: flexible ? true : nil)
    }
}

/// Size and signedness of an integer (or enum, or bool) canonical type; nil for anything else.
func integerInfo(_ t: ClangType) -> (size: Int, signed: Bool)? {
    guard let size = t.size else { return nil }
    switch t.kind {
    case .signedInteger: return (size, true)
    case .unsignedInteger: return (size, false)
    case .enumeration: return integerInfo(t.declaration.enumIntegerType.canonical).map { (size, $0.signed) }
    default: return nil
    }
}

/// Drops the file path clang writes into unnamed types (`struct (unnamed struct at /x/y.h:3:1)` → `struct <unnamed>`),
/// so output does not depend on where the headers are. The text ends at the `)` right after `:LINE:COLUMN`, so a
/// `)` in a directory name (outside review: `inc)x/y.h`) does not end it early.
func stableSpelling(_ s: String) -> String {
    // Most spellings hold no "(" at all: they are returned without Foundation's searching.
    guard s.utf8.contains(UInt8(ascii: "(")) else { return s }
    var out = s
    for word in ["unnamed", "anonymous"] {
        while let start = out.range(of: "(\(word) ") {
            let closers = out[start.upperBound...].indices.filter { out[$0] == ")" }
            guard let end = closers.first(where: { endsLocation(out[start.upperBound..<$0]) }) ?? closers.first else { break }
            out.replaceSubrange(start.lowerBound...end, with: "<\(word)>")
        }
    }
    return out
}

/// Whether `text` ends in `:LINE:COLUMN` (digits after each colon).
private func endsLocation(_ text: Substring) -> Bool {
    var bytes = text.utf8.reversed().makeIterator()
    for _ in 0..<2 {
        var digits = 0
        while let b = bytes.next() {
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") { digits += 1; continue }
            guard b == UInt8(ascii: ":"), digits > 0 else { return false }
            digits = -1
            break
        }
        guard digits == -1 else { return false }
    }
    return true
}


import ABIModel
import Foundation

/// Per-translation-unit caches: file handles are valid only while their unit lives.
struct FileCache {
    /// Selected-header label (or nil) by file of the current unit.
    var labels: [SourceFile: String?] = [:]
    /// File contents by path, for macro definition texts.
    var bytes: [String: [UInt8]] = [:]
    /// Path by file of the current unit.
    var paths: [SourceFile: String] = [:]
}

/// Walks a translation unit's declarations into model values.
struct Reader: Sendable {
    var selected: [String: String]
    let recordFilters: [String]
    var records: [Record] = []
    /// Element records of arrays of anonymous records, named by ``finalRecords()``.
    var elements: [ElementRecord] = []
    var constants: [Constant] = []
    var skipped: [SkippedMacro] = []
    /// Declarations the model cannot hold, in the order met (each becomes an ``ABISnapshot/unsupported`` entry).
    var warnings: [Diagnostic] = []
    /// Header of each record kept so far, by C name (`struct x`, `union y`, `t`).
    var seenRecords: [String: String] = [:]
    /// Names of every constant kept so far (enumerators and macros).
    var seenEnumerators: Set<String> = []

    init(selected: [String: String], recordFilters: [String]) {
        self.selected = selected
        self.recordFilters = recordFilters
    }

    /// Records a declaration the model cannot hold: a warning about `symbol`, which becomes an ``ABISnapshot/unsupported`` entry.
    mutating func warn(_ reason: String, symbol: String, location: String) {
        warnings.append(Diagnostic(.warning, reason, location: location, symbol: symbol))
    }

    /// The snapshot's unsupported list: the warnings about a declaration, in order.
    var unsupported: [Unsupported] { warnings.compactMap { w in w.symbol.map { Unsupported(name: $0, reason: w.message) } } }

    /// The selected header's label for a cursor's file, or nil when it comes from another header.
    func label(of cursor: Cursor, files: inout FileCache) -> String? {
        guard let file = cursor.file else { return nil }
        if let cached = files.labels[file] { return cached }
        let l = selected[realPath(file.name)]
        files.labels[file] = l
        return l
    }


    /// Adds what another reader found (a later part of the header list): first definitions win.
    mutating func merge(_ other: Reader) {
        var dropped: Set<String> = []
        for r in other.records {
            if let first = seenRecords[r.cName] {
                if first != r.header {
                    warn("also defined in \(first); the first definition is kept", symbol: "\(r.cName) (\(r.header))", location: r.header)
                }
                dropped.insert(r.cName)
                continue
            }
            seenRecords[r.cName] = r.header
            records.append(r)
        }
        elements += other.elements.filter { !dropped.contains($0.outerCName) }
        for c in other.constants where seenEnumerators.insert(c.name).inserted {
            constants.append(c)
        }
        let skippedNames = Set(skipped.map(\.name))
        skipped += other.skipped.filter { !skippedNames.contains($0.name) }
        warnings += other.warnings
    }

    mutating func walk(_ cursors: [Cursor], files: inout FileCache) {
        for c in cursors {
            switch c.kind {
            case .structDecl, .unionDecl:
                guard let header = label(of: c, files: &files) else { continue }
                if c.isDefinition && !c.isAnonymous && !c.spelling.isEmpty {
                    let kind: RecordKind = c.kind == .structDecl ? .struct : .union
                    addRecord(c.type, name: c.spelling, cName: "\(kind.rawValue) \(c.spelling)", kind: kind, decl: c, header: header)
                }
                walk(c.children, files: &files)   // C puts nested named records and enums at file scope
            case .typedefDecl:
                guard let header = label(of: c, files: &files) else { continue }
                let under = c.underlyingTypedefType.canonical
                let decl = under.declaration
                if under.kind == .record, decl.isDefinition, decl.isAnonymous || decl.spelling.isEmpty,
                   decl.kind == .structDecl || decl.kind == .unionDecl {
                    let kind: RecordKind = decl.kind == .structDecl ? .struct : .union
                    // Size and alignment as C sees them through the typedef name: an `aligned` attribute
                    // on the typedef raises the alignment of the type, not of the struct.
                    addRecord(under, name: c.spelling, cName: c.spelling, kind: kind, decl: decl, header: header, named: c.type)
                }
            case .enumDecl:
                guard let header = label(of: c, files: &files) else { continue }
                addEnum(c, header: header)
            default:
                continue
            }
        }
    }

    mutating func addEnum(_ decl: Cursor, header: String) {
        let enumName: String? = decl.isAnonymous || decl.spelling.isEmpty ? nil : decl.spelling
        let underlying = decl.enumIntegerType.canonical
        let enumType = integerInfo(underlying).map { IntegerType(spelling: underlying.spelling, size: $0.size, signed: $0.signed) }
        for e in decl.children where e.kind == .enumConstantDecl {
            let name = e.spelling
            guard seenEnumerators.insert(name).inserted else { continue }
            let t = e.type.canonical
            guard let info = integerInfo(t), info.size <= 8 else {
                warn("enumerator of type \(t.spelling), which the model does not hold", symbol: name, location: "\(header):\(e.location.line)")
                continue
            }
            let value: IntegerValue = info.signed ? .signed(e.enumValueSigned) : .unsigned(e.enumValueUnsigned)
            constants.append(Constant(name: name, value: value, type: t.spelling, size: info.size, signed: info.signed,
                                      origin: .enumerator, enumName: enumName, enumType: enumType, header: header))
        }
    }

    func matchesFilter(_ name: String) -> Bool {
        recordFilters.isEmpty || recordFilters.contains { globMatch($0, name) }
    }

    /// Adds a record laid out as `type`; `named` (the typedef type, for a typedef-named record) gives its size and alignment.
    mutating func addRecord(_ type: ClangType, name: String, cName: String, kind: RecordKind, decl: Cursor, header: String,
                            named: ClangType? = nil) {
        guard matchesFilter(name) else { return }
        if let first = seenRecords[cName] {
            if first != header {
                warn("also defined in \(first); the first definition is kept", symbol: "\(cName) (\(header))", location: "\(header):\(decl.location.line)")
            }
            return
        }
        seenRecords[cName] = header
        let outer = named ?? type
        guard let size = outer.size, let alignment = outer.alignment else {
            warn("incomplete or dependent type", symbol: cName, location: "\(header):\(decl.location.line)")
            return
        }
        var layout = RecordLayout(outerCName: cName, header: header)
        layout.walk(type, baseBits: 0, prefix: "", anonPath: [], indexPath: [], recordName: cName, warnings: &warnings)
        records.append(Record(name: name, cName: cName, kind: kind, size: size, alignment: alignment,
                              packed: decl.hasPackedAttribute, header: header, fields: layout.fields,
                              anonymousMembers: layout.anonymous))
        for (field, var element) in layout.elements {
            element.header = header
            elements.append(ElementRecord(outerCName: cName, field: field, record: element))
        }
    }
}

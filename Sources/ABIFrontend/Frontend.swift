import ABIModel
import CClang
import Foundation

/// What to parse and what to keep.
public struct ParseOptions: Sendable {
    /// Include directories, searched in order before the system include path.
    public var includeDirectories: [String]
    /// Headers to read, relative to an include directory (or absolute); declarations of other
    /// headers they include are not kept.
    public var headers: [String]
    /// Target triple; nil for the host.
    public var target: String?
    /// Record name globs to keep (empty: every record of the selected headers).
    public var recordFilters: [String]
    /// Macro name prefixes to evaluate (nil: every object-like macro of the selected headers).
    public var macroPrefixes: [String]?
    /// Extra arguments for clang (`-D…`).
    public var extraArguments: [String]
    /// Parse headers that fail together on their own, and skip (listing the reason) those that fail alone.
    public var skipBrokenHeaders = false
    /// Headers included first, whose declarations are not kept.
    public var preludeHeaders: [String]

    public init(includeDirectories: [String], headers: [String], target: String? = nil, recordFilters: [String] = [],
                macroPrefixes: [String]?, extraArguments: [String] = [], preludeHeaders: [String] = []) {
        self.preludeHeaders = preludeHeaders
        self.includeDirectories = includeDirectories
        self.headers = headers
        self.target = target
        self.recordFilters = recordFilters
        self.macroPrefixes = macroPrefixes
        self.extraArguments = extraArguments
    }

    /// The clang arguments these options give, as the probe compiler must also see them.
    public var clangArguments: [String] {
        var args = ["-x", "c", "-std=gnu11", "-w", "-ferror-limit=0"]
        if let target { args += ["-target", target] }
        for dir in includeDirectories { args += ["-I", dir] }
        return args + extraArguments
    }
}

/// A header set that could not be read: names the file and the problem.
public struct FrontendError: Error, CustomStringConvertible, Sendable {
    /// The file (or directory) at fault.
    public var file: String
    /// What went wrong, e.g. the first clang error.
    public var message: String
    public init(file: String, message: String) { self.file = file; self.message = message }
    public var description: String { "\(file): \(message)" }
}

/// Reads C headers with libclang into an ``ABISnapshot``.
public enum Frontend {
    /// Parses the headers of `options` and returns their ABI.
    ///
    /// All headers share one translation unit. With ``ParseOptions/skipBrokenHeaders``, a header that
    /// does not compile with the others is parsed in a translation unit of its own, and one that does
    /// not compile alone either is skipped and listed in ``ABISnapshot/unsupported`` with clang's first
    /// error; without it, the first error is thrown.
    public static func parse(_ options: ParseOptions) throws -> ABISnapshot {
        for dir in options.includeDirectories {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw FrontendError(file: dir, message: "include directory does not exist")
            }
        }
        guard !options.headers.isEmpty else { throw FrontendError(file: "<command line>", message: "no header selected") }
        // Resolve each selected header to a real path, as the compiler's search would.
        var resolved: [(label: String, path: String)] = []
        for header in options.headers {
            let found: String?
            if header.hasPrefix("/") {
                found = FileManager.default.fileExists(atPath: header) ? header : nil
            } else {
                found = options.includeDirectories.map { ($0 as NSString).appendingPathComponent(header) }
                    .first { FileManager.default.fileExists(atPath: $0) }
            }
            guard let found else {
                let dirs = options.includeDirectories.isEmpty ? "no include directory given" : "looked in " + options.includeDirectories.joined(separator: ", ")
                throw FrontendError(file: header, message: "header not found (\(dirs))")
            }
            resolved.append((header, realPath(found)))
        }

        // Large sets are split in two halves parsed on two threads; the halves merge in header order,
        // so the result is the same as one pass.
        let chunks: [[(label: String, path: String)]]
        if options.skipBrokenHeaders && resolved.count >= 64 && ProcessInfo.processInfo.activeProcessorCount > 1 {
            let mid = resolved.count / 2
            chunks = [Array(resolved[..<mid]), Array(resolved[mid...])]
        } else {
            chunks = [resolved]
        }
        final class Slot: @unchecked Sendable {
            var reader: Reader
            var triple = ""
            var error: Error?
            var groups: [[String]] = []
            init(_ r: Reader) { reader = r }
        }
        let slots = chunks.map { _ in Slot(Reader(selected: [:], recordFilters: options.recordFilters)) }
        DispatchQueue.concurrentPerform(iterations: chunks.count) { i in
            do { slots[i].groups = try parseChunk(chunks[i], options: options, reader: &slots[i].reader, triple: &slots[i].triple) }
            catch { slots[i].error = error }
        }
        if let error = slots.compactMap(\.error).first { throw error }
        var reader = slots[0].reader
        for slot in slots.dropFirst() { reader.merge(slot.reader) }
        let triple = slots[0].triple.isEmpty ? slots.last!.triple : slots[0].triple
        let groups = slots.flatMap(\.groups)

        var snapshot = ABISnapshot(target: triple, headers: options.headers,
                                   includeDirectories: options.includeDirectories,
                                   preludeHeaders: options.preludeHeaders.isEmpty ? nil : options.preludeHeaders,
                                   records: reader.records, constants: reader.constants,
                                   skippedMacros: reader.skipped, unsupported: reader.unsupported)
        if groups.count > 1 { snapshot.headerGroups = groups }
        snapshot.normalize()
        return snapshot
    }

    /// Parses a list of headers: together in one translation unit, and those that fail together alone.
    /// Returns the groups of header labels that were parsed together.
    static func parseChunk(_ resolved: [(label: String, path: String)], options: ParseOptions, reader: inout Reader,
                           triple: inout String) throws -> [[String]] {
        var groups: [[String]] = []
        var pending = resolved
        var alone: [(label: String, path: String)] = []
        for _ in 0..<12 where !pending.isEmpty {
            let attempt = try parseGroup(pending, options: options, reader: &reader, triple: &triple)
            guard case .failed(let err, let culprits) = attempt else {
                groups.append(pending.map(\.label))
                pending = []
                break
            }
            guard options.skipBrokenHeaders else { throw err }
            let blamed = culprits.isEmpty ? pending : pending.filter { culprits.contains($0.path) }
            Trace.mark("retry alone: \(blamed.map(\.label).joined(separator: " "))")
            alone += blamed
            pending.removeAll { h in blamed.contains { $0.path == h.path } }
        }
        alone += pending
        for header in alone {
            if case .failed(let err, _) = try parseGroup([header], options: options, reader: &reader, triple: &triple) {
                reader.unsupported.append(Unsupported(name: header.label, reason: "header skipped: it does not compile on its own: \(err)"))
            } else {
                groups.append([header.label])
            }
        }
        return groups
    }

    /// The result of parsing a group of headers in one translation unit.
    enum GroupResult {
        case parsed
        /// The first error, and the selected headers whose own files hold errors (empty when the errors are elsewhere).
        case failed(FrontendError, culprits: Set<String>)
    }

    /// Parses `headers` in one translation unit and adds what they declare to `reader`; on clang errors adds nothing.
    static func parseGroup(_ headers: [(label: String, path: String)], options: ParseOptions, reader: inout Reader,
                           triple: inout String) throws -> GroupResult {
        var includeLines = options.preludeHeaders.map { "#include <\($0)>\n" }.joined()
        for h in headers { includeLines += "#include \"\(h.path)\"\n" }
        let mainName = "/abigen-input/main.c"
        let args = options.clangArguments
        Trace.mark("start group of \(headers.count)")
        let tu = try TranslationUnit(path: mainName, contents: includeLines, arguments: args, detailedPreprocessing: true)
        Trace.mark("parse")
        let errors = tu.diagnostics.filter(\.isError)
        if let err = errors.first {
            let paths = Set(headers.map(\.path))
            let includers = tu.topLevelIncluders
            let culprits = Set(errors.map { realPath(includers[$0.file] ?? $0.file) }).intersection(paths)
            return .failed(FrontendError(file: "\(err.file):\(err.line):\(err.column)", message: "error: \(err.message)"), culprits: culprits)
        }
        triple = tu.triple
        reader.selected = Dictionary(headers.map { ($0.path, $0.label) }, uniquingKeysWith: { a, _ in a })
        reader.fileLabels = [:]
        let topLevel = tu.root.children
        reader.walk(topLevel)
        Trace.mark("walk declarations")

        // Macros: evaluate every candidate in one synthesized translation unit.
        var candidates: [(name: String, definition: String, header: String)] = []
        for cursor in topLevel where cursor.kind == CXCursor_MacroDefinition {
            guard !cursor.isMacroBuiltin, let header = reader.label(of: cursor) else { continue }
            let name = cursor.spelling
            if let prefixes = options.macroPrefixes, !prefixes.contains(where: { name.hasPrefix($0) }) { continue }
            let definition = reader.macroDefinition(cursor, name: name) ?? joinTokens(Array(tu.tokens(of: cursor).dropFirst()))
            if cursor.isMacroFunctionLike {
                reader.skipped.append(SkippedMacro(name: name, definition: definition, reason: "function-like macro"))
                continue
            }
            if definition.isEmpty {
                reader.skipped.append(SkippedMacro(name: name, definition: "", reason: "expands to nothing"))
                continue
            }
            candidates.append((name, definition, header))
        }
        Trace.mark("collect \(candidates.count) macros")
        if !candidates.isEmpty {
            let firstLine = includeLines.split(separator: "\n").count + 1
            var source = includeLines
            for (i, c) in candidates.enumerated() {
                // The static assertion rejects what is not an integer constant expression in C (an
                // address-constant trick like `((long)&((T *)0)->m)` folds but is not one).
                source += "static __auto_type __abigen_macro_\(i) = (\(c.name)); _Static_assert((\(c.name)) == (\(c.name)), \"\");\n"
            }
            let etu = try TranslationUnit(path: mainName, contents: source, arguments: args, detailedPreprocessing: false)
            Trace.mark("parse macro unit")
            var errorsByLine: [Int: String] = [:]
            for d in etu.diagnostics where d.isError && d.file == mainName {
                errorsByLine[d.line] = errorsByLine[d.line] ?? d.message
            }
            var evaluated: [Int: Cursor] = [:]
            for c in etu.root.children where c.kind == CXCursor_VarDecl {
                let n = c.spelling
                guard n.hasPrefix("__abigen_macro_"), let i = Int(n.dropFirst("__abigen_macro_".count)) else { continue }
                evaluated[i] = c
            }
            for (i, cand) in candidates.enumerated() {
                let line = firstLine + i
                if let err = errorsByLine[line] {
                    reader.skipped.append(SkippedMacro(name: cand.name, definition: cand.definition, reason: "not a constant expression: \(err)"))
                    continue
                }
                guard let var_ = evaluated[i], !var_.isInvalidDeclaration else {
                    reader.skipped.append(SkippedMacro(name: cand.name, definition: cand.definition, reason: "not a constant expression"))
                    continue
                }
                let type = var_.type.canonical
                guard let info = integerInfo(type) else {
                    reader.skipped.append(SkippedMacro(name: cand.name, definition: cand.definition, reason: "not an integer (type \(type.spelling))"))
                    continue
                }
                guard let v = var_.evaluateInteger() else {
                    reader.skipped.append(SkippedMacro(name: cand.name, definition: cand.definition, reason: "clang cannot evaluate it as an integer constant"))
                    continue
                }
                let value: IntegerValue = info.signed ? .signed(v.value) : .unsigned(v.unsigned)
                let constant = Constant(name: cand.name, value: value, type: type.spelling, size: info.size,
                                        signed: info.signed, origin: .macro, header: cand.header, definition: cand.definition)
                guard reader.seenEnumerators.insert(cand.name).inserted else {
                    // The name is already an enumerator (`#define X X`) or a macro of another header. C code
                    // after this header sees the macro: if its value differs, the macro is what the name means.
                    if let i = reader.constants.firstIndex(where: { $0.name == cand.name }), !reader.constants[i].value.sameValue(as: value) || reader.constants[i].size != info.size {
                        let old = reader.constants[i]
                        reader.unsupported.append(Unsupported(name: cand.name, reason: "the \(old.origin.rawValue) \(cand.name) = \(old.value) (\(old.header)) is shadowed by a macro of the same name = \(value); the macro's value is kept"))
                        reader.constants[i] = constant
                    }
                    continue
                }
                reader.constants.append(constant)
            }
        }

        Trace.mark("evaluate macros")
        return .parsed
    }
}

/// Prints phase timings to standard error when `ABIGEN_TRACE` is set.
public enum Trace {
    static let enabled = ProcessInfo.processInfo.environment["ABIGEN_TRACE"] != nil
    static let start = DispatchTime.now().uptimeNanoseconds
    /// Prints `what` with the milliseconds since the first mark.
    public static func mark(_ what: @autoclosure () -> String) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        FileHandle.standardError.write(Data("[trace \((now - min(now, start)) / 1_000_000) ms] \(what())\n".utf8))
    }
}

/// Resolves symlinks and `..` so files can be compared.
func realPath(_ path: String) -> String {
    guard let r = realpath(path, nil) else { return path }
    defer { free(r) }
    return String(cString: r)
}

/// Size and signedness of an integer (or enum, or bool) canonical type; nil for anything else.
func integerInfo(_ t: ClangType) -> (size: Int, signed: Bool)? {
    let signedKinds: Set<UInt32> = [CXType_Char_S, CXType_SChar, CXType_Short, CXType_Int, CXType_Long, CXType_LongLong,
                                    CXType_Int128, CXType_WChar].map(\.rawValue).reduce(into: []) { $0.insert($1) }
    let unsignedKinds: Set<UInt32> = [CXType_Bool, CXType_Char_U, CXType_UChar, CXType_UShort, CXType_UInt, CXType_ULong,
                                      CXType_ULongLong, CXType_UInt128, CXType_Char16, CXType_Char32].map(\.rawValue).reduce(into: []) { $0.insert($1) }
    guard let size = t.size else { return nil }
    if signedKinds.contains(t.kind.rawValue) { return (size, true) }
    if unsignedKinds.contains(t.kind.rawValue) { return (size, false) }
    if t.kind == CXType_Enum {
        return integerInfo(t.declaration.enumIntegerType.canonical).map { (size, $0.signed) }
    }
    return nil
}

/// Walks a translation unit's declarations into model values.
struct Reader {
    var selected: [String: String]
    let recordFilters: [String]
    var records: [Record] = []
    var constants: [Constant] = []
    var skipped: [SkippedMacro] = []
    var unsupported: [Unsupported] = []
    var seenRecords: [String: String] = [:]
    /// Names of every constant kept so far (enumerators and macros).
    var seenEnumerators: Set<String> = []
    var fileLabels: [Int: String?] = [:]

    init(selected: [String: String], recordFilters: [String]) {
        self.selected = selected
        self.recordFilters = recordFilters
    }

    /// The selected header's label for a cursor's file, or nil when it comes from another header.
    mutating func label(of cursor: Cursor) -> String? {
        guard let handle = cursor.fileHandle else { return nil }
        let key = Int(bitPattern: handle)
        if let cached = fileLabels[key] { return cached }
        let l = selected[realPath(Cursor.fileName(handle))]
        fileLabels[key] = l
        return l
    }

    /// Contents of source files, for macro definitions.
    var fileBytes: [Int: [UInt8]] = [:]

    /// A macro's definition as written (after its name and parameters), on one line with comments removed.
    mutating func macroDefinition(_ cursor: Cursor, name: String) -> String? {
        let (file, start, end) = cursor.extentOffsets
        guard let file else { return nil }
        let key = Int(bitPattern: file)
        if fileBytes[key] == nil {
            fileBytes[key] = FileManager.default.contents(atPath: Cursor.fileName(file)).map { [UInt8]($0) } ?? []
        }
        let bytes = fileBytes[key]!
        guard start <= end, end <= bytes.count else { return nil }
        var text = String(decoding: bytes[start..<end], as: UTF8.self)
        guard text.hasPrefix(name) else { return nil }
        text.removeFirst(name.count)
        // Strip comments and line continuations, collapse white space.
        var out = ""
        var i = text.startIndex
        var pendingSpace = false
        while i < text.endIndex {
            let rest = text[i...]
            if rest.hasPrefix("/*"), let close = rest.range(of: "*/") { i = close.upperBound; pendingSpace = true; continue }
            if rest.hasPrefix("//") { break }
            let c = text[i]
            if c == "\\" && text.index(after: i) < text.endIndex && text[text.index(after: i)].isNewline { i = text.index(i, offsetBy: 2); pendingSpace = true; continue }
            if c.isWhitespace { pendingSpace = true } else {
                if pendingSpace && !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.append(c)
            }
            i = text.index(after: i)
        }
        return out
    }

    /// Adds what another reader found (a later part of the header list): first definitions win.
    mutating func merge(_ other: Reader) {
        for r in other.records {
            if let first = seenRecords[r.name] {
                if first != r.header {
                    unsupported.append(Unsupported(name: "\(r.cName) (\(r.header))", reason: "also defined in \(first); the first definition is kept"))
                }
                continue
            }
            seenRecords[r.name] = r.header
            records.append(r)
        }
        for c in other.constants where seenEnumerators.insert(c.name).inserted {
            constants.append(c)
        }
        let skippedNames = Set(skipped.map(\.name))
        skipped += other.skipped.filter { !skippedNames.contains($0.name) }
        unsupported += other.unsupported
    }

    mutating func walk(_ cursors: [Cursor]) {
        for c in cursors {
            switch c.kind {
            case CXCursor_StructDecl, CXCursor_UnionDecl:
                guard let header = label(of: c) else { continue }
                if c.isDefinition && !c.isAnonymous && !c.spelling.isEmpty {
                    let kind: RecordKind = c.kind == CXCursor_StructDecl ? .struct : .union
                    addRecord(c.type, name: c.spelling, cName: "\(kind.rawValue) \(c.spelling)", kind: kind, decl: c, header: header)
                }
                walk(c.children)   // C puts nested named records and enums at file scope
            case CXCursor_TypedefDecl:
                guard let header = label(of: c) else { continue }
                let under = c.underlyingTypedefType.canonical
                let decl = under.declaration
                if under.kind == CXType_Record, decl.isDefinition, decl.isAnonymous || decl.spelling.isEmpty,
                   decl.kind == CXCursor_StructDecl || decl.kind == CXCursor_UnionDecl {
                    let kind: RecordKind = decl.kind == CXCursor_StructDecl ? .struct : .union
                    addRecord(under, name: c.spelling, cName: c.spelling, kind: kind, decl: decl, header: header)
                }
            case CXCursor_EnumDecl:
                guard let header = label(of: c) else { continue }
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
        for e in decl.children where e.kind == CXCursor_EnumConstantDecl {
            let name = e.spelling
            guard seenEnumerators.insert(name).inserted else { continue }
            let t = e.type.canonical
            guard let info = integerInfo(t) else {
                unsupported.append(Unsupported(name: name, reason: "enumerator of non-integer type \(t.spelling)"))
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

    mutating func addRecord(_ type: ClangType, name: String, cName: String, kind: RecordKind, decl: Cursor, header: String) {
        guard matchesFilter(name) else { return }
        if let first = seenRecords[name] {
            if first != header {
                unsupported.append(Unsupported(name: "\(cName) (\(header))", reason: "also defined in \(first); the first definition is kept"))
            }
            return
        }
        seenRecords[name] = header
        guard let size = type.size, let alignment = type.alignment else {
            unsupported.append(Unsupported(name: cName, reason: "incomplete or dependent type"))
            return
        }
        var layout = RecordLayout()
        layout.walk(type, baseBits: 0, prefix: "", anonPath: [], indexPath: [], recordName: cName, unsupported: &unsupported)
        records.append(Record(name: name, cName: cName, kind: kind, size: size, alignment: alignment,
                              packed: decl.hasPackedAttribute, header: header, fields: layout.fields,
                              anonymousMembers: layout.anonymous))
    }
}

/// Flattens a record's members through anonymous structs and unions.
struct RecordLayout {
    var fields: [Field] = []
    var anonymous: [AnonymousMember] = []

    mutating func walk(_ type: ClangType, baseBits: Int, prefix: String, anonPath: [Int], indexPath: [Int],
                       recordName: String, unsupported: inout [Unsupported]) {
        var anonCount = 0
        for (index, f) in type.fields.enumerated() {
            let name = f.spelling
            let ftype = f.type
            let canon = ftype.canonical
            let offsetBits = baseBits + Int(f.offsetOfFieldInBits)
            if canon.kind == CXType_Record && (name.isEmpty || f.isAnonymousRecord) {
                anonCount += 1
                let decl = canon.declaration
                let kind: RecordKind = decl.kind == CXCursor_UnionDecl ? .union : .struct
                let path = anonPath + [anonCount]
                anonymous.append(AnonymousMember(path: path, fieldIndexes: indexPath + [index], kind: kind,
                                                 offset: offsetBits / 8, size: canon.size ?? 0))
                walk(canon, baseBits: offsetBits, prefix: prefix, anonPath: path, indexPath: indexPath + [index],
                     recordName: recordName, unsupported: &unsupported)
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
                unsupported.append(Unsupported(name: "\(recordName).\(fullName)", reason: "member does not start on a byte boundary"))
            }
            fields.append(Field(name: fullName, offset: offsetBits / 8, size: ftype.size ?? 0, type: fieldType,
                                anonymousPath: anonPath.isEmpty ? nil : anonPath))
            // A named member of an unnamed record type: its members are reachable as `name.member`.
            if canon.kind == CXType_Record && (canon.declaration.isAnonymous || canon.declaration.spelling.isEmpty) {
                var inner = RecordLayout()
                inner.walk(canon, baseBits: offsetBits, prefix: fullName + ".", anonPath: anonPath, indexPath: indexPath,
                           recordName: recordName, unsupported: &unsupported)
                fields += inner.fields
            }
        }
    }

    /// Describes a member's type for the model.
    func describe(_ t: ClangType) -> FieldType {
        var dims: [Int] = []
        var flexible = false
        var element = t.canonical
        while element.kind == CXType_ConstantArray || element.kind == CXType_IncompleteArray {
            if element.kind == CXType_IncompleteArray { flexible = true; dims.append(0) } else { dims.append(element.arraySize) }
            element = element.arrayElement.canonical
        }
        let kind: TypeKind
        var signed: Bool? = nil
        var record: String? = nil
        switch element.kind {
        case CXType_Enum:
            kind = .enumeration
            signed = integerInfo(element)?.signed
        case CXType_Float, CXType_Double, CXType_LongDouble, CXType_Half, CXType_Float16, CXType_Float128:
            kind = .floating
        case CXType_Pointer, CXType_BlockPointer:
            kind = .pointer
        case CXType_Record:
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

/// Joins macro tokens the way people write them: `(1U << 0)`, `f(a, b)`.
func joinTokens(_ tokens: [String]) -> String {
    var out = ""
    var previous = ""
    for raw in tokens {
        let t = raw.replacingOccurrences(of: "\\\n", with: " ").replacingOccurrences(of: "\n", with: " ")
            .trimmingCharacters(in: .whitespaces)
        if t.isEmpty || t == "\\" { continue }
        let tight = out.isEmpty || previous == "(" || previous == "[" || previous == "~" || previous == "!"
            || t == ")" || t == "]" || t == ","
        if !tight { out += " " }
        out += t
        previous = t
    }
    return out
}

/// Drops the file path clang writes into unnamed types (`struct (unnamed struct at /x/y.h:3:1)` → `struct <unnamed>`),
/// so output does not depend on where the headers are.
func stableSpelling(_ s: String) -> String {
    var out = s
    for word in ["unnamed", "anonymous"] {
        while let start = out.range(of: "(\(word) "), let end = out[start.upperBound...].firstIndex(of: ")") {
            out.replaceSubrange(start.lowerBound...end, with: "<\(word)>")
        }
    }
    return out
}

/// Shell-style glob match supporting `*` and `?`.
public func globMatch(_ pattern: String, _ text: String) -> Bool {
    let p = Array(pattern.utf8), t = Array(text.utf8)
    var pi = 0, ti = 0, star = -1, mark = 0
    while ti < t.count {
        if pi < p.count && (p[pi] == UInt8(ascii: "?") || p[pi] == t[ti]) { pi += 1; ti += 1 }
        else if pi < p.count && p[pi] == UInt8(ascii: "*") { star = pi; mark = ti; pi += 1 }
        else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
        else { return false }
    }
    while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
    return pi == p.count
}

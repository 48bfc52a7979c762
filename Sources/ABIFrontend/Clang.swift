import CClang
import Foundation

// The only file that touches libclang's C API directly: a thin, safe layer over it.
// Every CXString is disposed here; no other file sees a CXCursor or CXType.

/// Converts and disposes a libclang string.
func take(_ s: CXString) -> String {
    defer { clang_disposeString(s) }
    guard let c = clang_getCString(s) else { return "" }
    return String(cString: c)
}

/// Identification of the libclang that is linked and loaded.
public enum LibClang {
    /// libclang's own version string (`Debian clang version 14.0.6`).
    public static var version: String { take(clang_getClangVersion()) }
    /// The file the dynamic loader actually loaded libclang from (read from /proc/self/maps).
    public static var loadedPath: String {
        _ = clang_getClangVersion   // make sure the library is referenced
        guard let data = FileHandle(forReadingAtPath: "/proc/self/maps")?.readDataToEndOfFile(),
              let maps = String(data: data, encoding: .utf8) else { return "unknown" }
        for line in maps.split(separator: "\n") {
            guard let path = line.split(separator: " ", omittingEmptySubsequences: true).last, path.hasPrefix("/") else { continue }
            let file = (String(path) as NSString).lastPathComponent
            if file.hasPrefix("libclang") && file.contains(".so") && !file.hasPrefix("libclang-cpp") { return String(path) }
        }
        return "unknown"
    }
}

/// A diagnostic from a translation unit.
struct ClangDiagnostic {
    var severity: CXDiagnosticSeverity
    var file: String
    var line: Int
    var column: Int
    var message: String
    /// Where the macro expansion holding the location was written (the location itself when not in a macro).
    var expansionFile: String = ""
    /// Line of ``expansionFile``.
    var expansionLine: Int = 0
    var isError: Bool { severity.rawValue >= CXDiagnostic_Error.rawValue }
    var oneLine: String { "\(file):\(line):\(column): \(message)" }
}

/// libclang returned no translation unit (1: failure, e.g. an unknown target; 2: crashed; 3: bad arguments).
struct UnitFailure: Error {
    var code: Int
}

/// An owned libclang index plus one parsed translation unit.
final class TranslationUnit {
    let index: CXIndex
    let tu: CXTranslationUnit

    /// Parses `path` (or, with `contents`, an in-memory file of that name) with `arguments`.
    init(path: String, contents: String? = nil, arguments: [String], detailedPreprocessing: Bool) throws {
        let index = clang_createIndex(0, 0)!
        self.index = index
        var options = CXTranslationUnit_SkipFunctionBodies.rawValue | CXTranslationUnit_KeepGoing.rawValue
        if detailedPreprocessing { options |= CXTranslationUnit_DetailedPreprocessingRecord.rawValue }
        var out: CXTranslationUnit?
        let cargs = arguments.map { strdup($0) }
        defer { cargs.forEach { free($0) } }
        var argv = cargs.map { UnsafePointer<CChar>($0) }
        let code: CXErrorCode = path.withCString { cpath in
            argv.withUnsafeMutableBufferPointer { argvBuf in
                if let contents {
                    return contents.withCString { ccontents in
                        var unsaved = CXUnsavedFile(Filename: cpath, Contents: ccontents, Length: UInt(strlen(ccontents)))
                        return clang_parseTranslationUnit2(index, cpath, argvBuf.baseAddress, Int32(argvBuf.count), &unsaved, 1, options, &out)
                    }
                }
                return clang_parseTranslationUnit2(index, cpath, argvBuf.baseAddress, Int32(argvBuf.count), nil, 0, options, &out)
            }
        }
        guard code == CXError_Success, let out else {
            clang_disposeIndex(index)
            throw UnitFailure(code: Int(code.rawValue))
        }
        tu = out
    }

    deinit {
        clang_disposeTranslationUnit(tu)
        clang_disposeIndex(index)
    }

    /// The root cursor.
    var root: Cursor { Cursor(clang_getTranslationUnitCursor(tu), tu: self) }

    /// The target triple clang used.
    var triple: String {
        let info = clang_getTranslationUnitTargetInfo(tu)
        defer { clang_TargetInfo_dispose(info) }
        return take(clang_TargetInfo_getTriple(info))
    }

    /// All diagnostics, in order.
    var diagnostics: [ClangDiagnostic] {
        (0..<clang_getNumDiagnostics(tu)).map { i in
            let d = clang_getDiagnostic(tu, i)
            defer { clang_disposeDiagnostic(d) }
            var file: CXFile?
            var line: UInt32 = 0, column: UInt32 = 0
            clang_getSpellingLocation(clang_getDiagnosticLocation(d), &file, &line, &column, nil)
            var expansionFile: CXFile?
            var expansionLine: UInt32 = 0
            clang_getExpansionLocation(clang_getDiagnosticLocation(d), &expansionFile, &expansionLine, nil, nil)
            return ClangDiagnostic(severity: clang_getDiagnosticSeverity(d),
                                   file: file.map { take(clang_getFileName($0)) } ?? "<unknown>",
                                   line: Int(line), column: Int(column), message: take(clang_getDiagnosticSpelling(d)),
                                   expansionFile: expansionFile.map { take(clang_getFileName($0)) } ?? "<unknown>",
                                   expansionLine: Int(expansionLine))
        }
    }

    /// For every file in the unit, the file the main file included that (transitively) brought it in.
    var topLevelIncluders: [String: String] {
        final class Box { var map: [String: String] = [:] }
        let box = Box()
        withExtendedLifetime(box) {
            clang_getInclusions(tu, { file, stack, depth, data in
                let box = Unmanaged<Box>.fromOpaque(data!).takeUnretainedValue()
                let name = take(clang_getFileName(file))
                guard depth >= 1, let stack else { return }
                if depth == 1 {
                    box.map[name] = name
                } else {
                    var f: CXFile?
                    clang_getSpellingLocation(stack[Int(depth) - 2], &f, nil, nil, nil)
                    if let f { box.map[name] = take(clang_getFileName(f)) }
                }
            }, Unmanaged.passUnretained(box).toOpaque())
        }
        return box.map
    }

    /// Token spellings within a cursor's extent.
    func tokens(of cursor: Cursor) -> [String] {
        var toks: UnsafeMutablePointer<CXToken>?
        var n: UInt32 = 0
        clang_tokenize(tu, clang_getCursorExtent(cursor.raw), &toks, &n)
        guard let toks else { return [] }
        defer { clang_disposeTokens(tu, toks, n) }
        return (0..<Int(n)).map { take(clang_getTokenSpelling(tu, toks[$0])) }
    }
}

/// A cursor bound to its translation unit (which it keeps alive).
struct Cursor {
    let raw: CXCursor
    let tu: TranslationUnit

    init(_ raw: CXCursor, tu: TranslationUnit) { self.raw = raw; self.tu = tu }

    var kind: CXCursorKind { clang_getCursorKind(raw) }
    var spelling: String { take(clang_getCursorSpelling(raw)) }
    var type: ClangType { ClangType(clang_getCursorType(raw), tu: tu) }
    var isDefinition: Bool { clang_isCursorDefinition(raw) != 0 }
    var isAnonymousRecord: Bool { clang_Cursor_isAnonymousRecordDecl(raw) != 0 }
    var isAnonymous: Bool { clang_Cursor_isAnonymous(raw) != 0 }
    var isBitField: Bool { clang_Cursor_isBitField(raw) != 0 }
    var bitWidth: Int { Int(clang_getFieldDeclBitWidth(raw)) }
    var offsetOfFieldInBits: Int64 { clang_Cursor_getOffsetOfField(raw) }
    var isMacroFunctionLike: Bool { clang_Cursor_isMacroFunctionLike(raw) != 0 }
    var isMacroBuiltin: Bool { clang_Cursor_isMacroBuiltin(raw) != 0 }
    var isInvalidDeclaration: Bool { clang_isInvalidDeclaration(raw) != 0 }
    var enumIntegerType: ClangType { ClangType(clang_getEnumDeclIntegerType(raw), tu: tu) }
    var enumValueSigned: Int64 { clang_getEnumConstantDeclValue(raw) }
    var enumValueUnsigned: UInt64 { clang_getEnumConstantDeclUnsignedValue(raw) }
    var underlyingTypedefType: ClangType { ClangType(clang_getTypedefDeclUnderlyingType(raw), tu: tu) }
    var semanticParent: Cursor { Cursor(clang_getCursorSemanticParent(raw), tu: tu) }
    var isNull: Bool { clang_Cursor_isNull(raw) != 0 }

    /// The file and line of the cursor's spelling location.
    var location: (file: String, line: Int) {
        var file: CXFile?
        var line: UInt32 = 0
        clang_getSpellingLocation(clang_getCursorLocation(raw), &file, &line, nil, nil)
        return (file.map { take(clang_getFileName($0)) } ?? "", Int(line))
    }

    /// The file of the cursor's spelling location, as an opaque handle (cheap to compare).
    var fileHandle: CXFile? {
        var file: CXFile?
        clang_getSpellingLocation(clang_getCursorLocation(raw), &file, nil, nil, nil)
        return file
    }

    /// The name of a file handle.
    static func fileName(_ f: CXFile) -> String { take(clang_getFileName(f)) }

    /// The cursor's extent as byte offsets into its file.
    var extentOffsets: (file: CXFile?, start: Int, end: Int) {
        let extent = clang_getCursorExtent(raw)
        var file: CXFile?
        var start: UInt32 = 0, end: UInt32 = 0
        clang_getSpellingLocation(clang_getRangeStart(extent), &file, nil, nil, &start)
        clang_getSpellingLocation(clang_getRangeEnd(extent), nil, nil, nil, &end)
        return (file, Int(start), Int(end))
    }

    /// The direct children.
    var children: [Cursor] {
        final class Box { var items: [CXCursor] = [] }
        let box = Box()
        withExtendedLifetime(box) {
            _ = clang_visitChildren(raw, { child, _, data in
                Unmanaged<Box>.fromOpaque(data!).takeUnretainedValue().items.append(child)
                return CXChildVisit_Continue
            }, Unmanaged.passUnretained(box).toOpaque())
        }
        return box.items.map { Cursor($0, tu: tu) }
    }

    /// Whether any direct child is a `packed` attribute.
    var hasPackedAttribute: Bool { children.contains { $0.kind == CXCursor_PackedAttr } }

    /// Evaluates the cursor (a variable's initializer) as an integer, if clang can.
    func evaluateInteger() -> (value: Int64, unsigned: UInt64, isUnsigned: Bool)? {
        guard let r = clang_Cursor_Evaluate(raw) else { return nil }
        defer { clang_EvalResult_dispose(r) }
        guard clang_EvalResult_getKind(r) == CXEval_Int else { return nil }
        let isU = clang_EvalResult_isUnsignedInt(r) != 0
        return (clang_EvalResult_getAsLongLong(r), clang_EvalResult_getAsUnsigned(r), isU)
    }
}

/// A type bound to its translation unit.
struct ClangType {
    let raw: CXType
    let tu: TranslationUnit

    init(_ raw: CXType, tu: TranslationUnit) { self.raw = raw; self.tu = tu }

    var kind: CXTypeKind { raw.kind }
    var spelling: String { take(clang_getTypeSpelling(raw)) }
    var canonical: ClangType { ClangType(clang_getCanonicalType(raw), tu: tu) }
    var declaration: Cursor { Cursor(clang_getTypeDeclaration(raw), tu: tu) }
    /// `sizeof` in bytes, nil when incomplete or dependent.
    var size: Int? { let s = clang_Type_getSizeOf(raw); return s < 0 ? nil : Int(s) }
    /// `_Alignof` in bytes.
    var alignment: Int? { let a = clang_Type_getAlignOf(raw); return a < 0 ? nil : Int(a) }
    var arrayElement: ClangType { ClangType(clang_getArrayElementType(raw), tu: tu) }
    var arraySize: Int { Int(clang_getArraySize(raw)) }
    var namedType: ClangType { ClangType(clang_Type_getNamedType(raw), tu: tu) }

    /// The fields of a record type, as `clang_Type_visitFields` gives them (including anonymous members).
    var fields: [Cursor] {
        final class Box { var items: [CXCursor] = [] }
        let box = Box()
        withExtendedLifetime(box) {
            _ = clang_Type_visitFields(raw, { c, data in
                Unmanaged<Box>.fromOpaque(data!).takeUnretainedValue().items.append(c)
                return CXVisit_Continue
            }, Unmanaged.passUnretained(box).toOpaque())
        }
        return box.items.map { Cursor($0, tu: tu) }
    }
}

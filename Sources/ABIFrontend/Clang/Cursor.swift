import CClang
import Foundation

/// A cursor bound to its translation unit (which it keeps alive).
struct Cursor {
    let raw: CXCursor
    let tu: TranslationUnit

    init(_ raw: CXCursor, tu: TranslationUnit) { self.raw = raw; self.tu = tu }

    var kind: CursorKind { CursorKind(clang_getCursorKind(raw)) }
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

    /// The file of the cursor's spelling location (cheap to compare).
    var file: SourceFile? {
        var file: CXFile?
        clang_getSpellingLocation(clang_getCursorLocation(raw), &file, nil, nil, nil)
        return file.map(SourceFile.init)
    }

    /// The cursor's extent as byte offsets into its file.
    var extentOffsets: (file: SourceFile?, start: Int, end: Int) {
        let extent = clang_getCursorExtent(raw)
        var file: CXFile?
        var start: UInt32 = 0, end: UInt32 = 0
        clang_getSpellingLocation(clang_getRangeStart(extent), &file, nil, nil, &start)
        clang_getSpellingLocation(clang_getRangeEnd(extent), nil, nil, nil, &end)
        return (file.map(SourceFile.init), Int(start), Int(end))
    }

    /// The direct children.
    var children: [Cursor] {
        final class Box { var items: [CXCursor] = [] }
        let box = Box()
        withExtendedLifetime(box) {
            _ = clang_visitChildren(raw, { child, _, data in
                guard let data else { return CXChildVisit_Break }
                Unmanaged<Box>.fromOpaque(data).takeUnretainedValue().items.append(child)
                return CXChildVisit_Continue
            }, Unmanaged.passUnretained(box).toOpaque())
        }
        return box.items.map { Cursor($0, tu: tu) }
    }

    /// Whether any direct child is a `packed` attribute.
    var hasPackedAttribute: Bool { children.contains { $0.kind == .packedAttribute } }

    /// Evaluates the cursor (a variable's initializer) as an integer, if clang can.
    func evaluateInteger() -> (value: Int64, unsigned: UInt64, isUnsigned: Bool)? {
        guard let r = clang_Cursor_Evaluate(raw) else { return nil }
        defer { clang_EvalResult_dispose(r) }
        guard clang_EvalResult_getKind(r) == CXEval_Int else { return nil }
        let isU = clang_EvalResult_isUnsignedInt(r) != 0
        return (clang_EvalResult_getAsLongLong(r), clang_EvalResult_getAsUnsigned(r), isU)
    }
}

/// The cursor kinds the frontend tells apart.
enum CursorKind: Equatable {
    case structDecl, unionDecl, typedefDecl, enumDecl, enumConstantDecl, varDecl, macroDefinition, packedAttribute
    /// Any other kind.
    case other

    init(_ kind: CXCursorKind) {
        switch kind {
        case CXCursor_StructDecl: self = .structDecl
        case CXCursor_UnionDecl: self = .unionDecl
        case CXCursor_TypedefDecl: self = .typedefDecl
        case CXCursor_EnumDecl: self = .enumDecl
        case CXCursor_EnumConstantDecl: self = .enumConstantDecl
        case CXCursor_VarDecl: self = .varDecl
        case CXCursor_MacroDefinition: self = .macroDefinition
        case CXCursor_PackedAttr: self = .packedAttribute
        default: self = .other
        }
    }
}

import CClang

/// A type bound to its translation unit.
struct ClangType {
    let raw: CXType
    let tu: TranslationUnit

    init(_ raw: CXType, tu: TranslationUnit) { self.raw = raw; self.tu = tu }

    var kind: ClangTypeKind { ClangTypeKind(raw.kind) }
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
                guard let data else { return CXVisit_Break }
                Unmanaged<Box>.fromOpaque(data).takeUnretainedValue().items.append(c)
                return CXVisit_Continue
            }, Unmanaged.passUnretained(box).toOpaque())
        }
        return box.items.map { Cursor($0, tu: tu) }
    }
}

/// The type kinds the frontend tells apart.
enum ClangTypeKind: Equatable {
    case record, enumeration, typedef, constantArray, incompleteArray, pointer, blockPointer
    /// `float`, `double`, `long double`, `_Float16`, `__fp16`, `__float128`.
    case floating
    /// A signed integer kind (`char` where signed, `signed char` … `__int128`, `wchar_t`).
    case signedInteger
    /// An unsigned integer kind (`_Bool`, `char` where unsigned, `unsigned char` … `unsigned __int128`, `char16_t`, `char32_t`).
    case unsignedInteger
    /// Any other kind.
    case other

    init(_ kind: CXTypeKind) {
        switch kind {
        case CXType_Record: self = .record
        case CXType_Enum: self = .enumeration
        case CXType_Typedef: self = .typedef
        case CXType_ConstantArray: self = .constantArray
        case CXType_IncompleteArray: self = .incompleteArray
        case CXType_Pointer: self = .pointer
        case CXType_BlockPointer: self = .blockPointer
        case CXType_Float, CXType_Double, CXType_LongDouble, CXType_Half, CXType_Float16, CXType_Float128: self = .floating
        case CXType_Char_S, CXType_SChar, CXType_Short, CXType_Int, CXType_Long, CXType_LongLong, CXType_Int128, CXType_WChar:
            self = .signedInteger
        case CXType_Bool, CXType_Char_U, CXType_UChar, CXType_UShort, CXType_UInt, CXType_ULong, CXType_ULongLong, CXType_UInt128,
             CXType_Char16, CXType_Char32:
            self = .unsignedInteger
        default: self = .other
        }
    }
}

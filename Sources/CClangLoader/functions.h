// The libclang functions abigen calls (Sources/ABIFrontend/Clang/*.swift), one X-macro entry each:
//   CLANG_FN(return type, name, (parameters), (arguments))   returns a value
//   CLANG_VOID(name, (parameters), (arguments))              returns nothing
// A function missing here is an undefined symbol when abigen links: add it with its Index.h prototype.
// clang_createIndex, clang_getClangVersion, clang_getCString and clang_disposeString are written out
// in loader.c (they guard against an unloaded library).

// Translation units and diagnostics.
CLANG_VOID(clang_disposeIndex, (CXIndex index), (index))
CLANG_FN(enum CXErrorCode, clang_parseTranslationUnit2,
         (CXIndex index, const char *file, const char *const *argv, int argc, struct CXUnsavedFile *unsaved,
          unsigned unsavedCount, unsigned options, CXTranslationUnit *out),
         (index, file, argv, argc, unsaved, unsavedCount, options, out))
CLANG_VOID(clang_disposeTranslationUnit, (CXTranslationUnit unit), (unit))
CLANG_FN(CXCursor, clang_getTranslationUnitCursor, (CXTranslationUnit unit), (unit))
CLANG_FN(CXTargetInfo, clang_getTranslationUnitTargetInfo, (CXTranslationUnit unit), (unit))
CLANG_FN(CXString, clang_TargetInfo_getTriple, (CXTargetInfo info), (info))
CLANG_VOID(clang_TargetInfo_dispose, (CXTargetInfo info), (info))
CLANG_FN(unsigned, clang_getNumDiagnostics, (CXTranslationUnit unit), (unit))
CLANG_FN(CXDiagnostic, clang_getDiagnostic, (CXTranslationUnit unit, unsigned i), (unit, i))
CLANG_VOID(clang_disposeDiagnostic, (CXDiagnostic d), (d))
CLANG_FN(enum CXDiagnosticSeverity, clang_getDiagnosticSeverity, (CXDiagnostic d), (d))
CLANG_FN(CXString, clang_getDiagnosticSpelling, (CXDiagnostic d), (d))
CLANG_FN(CXSourceLocation, clang_getDiagnosticLocation, (CXDiagnostic d), (d))
CLANG_VOID(clang_getInclusions, (CXTranslationUnit unit, CXInclusionVisitor visit, CXClientData data), (unit, visit, data))
CLANG_VOID(clang_tokenize, (CXTranslationUnit unit, CXSourceRange range, CXToken **tokens, unsigned *count),
           (unit, range, tokens, count))
CLANG_FN(CXString, clang_getTokenSpelling, (CXTranslationUnit unit, CXToken token), (unit, token))
CLANG_VOID(clang_disposeTokens, (CXTranslationUnit unit, CXToken *tokens, unsigned count), (unit, tokens, count))

// Files and locations.
CLANG_FN(CXString, clang_getFileName, (CXFile file), (file))
CLANG_VOID(clang_getSpellingLocation, (CXSourceLocation at, CXFile *file, unsigned *line, unsigned *column, unsigned *offset),
           (at, file, line, column, offset))
CLANG_VOID(clang_getExpansionLocation, (CXSourceLocation at, CXFile *file, unsigned *line, unsigned *column, unsigned *offset),
           (at, file, line, column, offset))
CLANG_FN(CXSourceLocation, clang_getRangeStart, (CXSourceRange range), (range))
CLANG_FN(CXSourceLocation, clang_getRangeEnd, (CXSourceRange range), (range))

// Cursors.
CLANG_FN(enum CXCursorKind, clang_getCursorKind, (CXCursor c), (c))
CLANG_FN(CXString, clang_getCursorSpelling, (CXCursor c), (c))
CLANG_FN(CXType, clang_getCursorType, (CXCursor c), (c))
CLANG_FN(CXSourceLocation, clang_getCursorLocation, (CXCursor c), (c))
CLANG_FN(CXSourceRange, clang_getCursorExtent, (CXCursor c), (c))
CLANG_FN(CXCursor, clang_getCursorSemanticParent, (CXCursor c), (c))
CLANG_FN(unsigned, clang_isCursorDefinition, (CXCursor c), (c))
CLANG_FN(unsigned, clang_isInvalidDeclaration, (CXCursor c), (c))
CLANG_FN(int, clang_Cursor_isNull, (CXCursor c), (c))
CLANG_FN(unsigned, clang_Cursor_isAnonymous, (CXCursor c), (c))
CLANG_FN(unsigned, clang_Cursor_isAnonymousRecordDecl, (CXCursor c), (c))
CLANG_FN(unsigned, clang_Cursor_isBitField, (CXCursor c), (c))
CLANG_FN(int, clang_getFieldDeclBitWidth, (CXCursor c), (c))
CLANG_FN(long long, clang_Cursor_getOffsetOfField, (CXCursor c), (c))
CLANG_FN(unsigned, clang_Cursor_isMacroFunctionLike, (CXCursor c), (c))
CLANG_FN(unsigned, clang_Cursor_isMacroBuiltin, (CXCursor c), (c))
CLANG_FN(CXType, clang_getEnumDeclIntegerType, (CXCursor c), (c))
CLANG_FN(long long, clang_getEnumConstantDeclValue, (CXCursor c), (c))
CLANG_FN(unsigned long long, clang_getEnumConstantDeclUnsignedValue, (CXCursor c), (c))
CLANG_FN(CXType, clang_getTypedefDeclUnderlyingType, (CXCursor c), (c))
CLANG_FN(unsigned, clang_visitChildren, (CXCursor parent, CXCursorVisitor visit, CXClientData data), (parent, visit, data))

// Evaluation.
CLANG_FN(CXEvalResult, clang_Cursor_Evaluate, (CXCursor c), (c))
CLANG_FN(CXEvalResultKind, clang_EvalResult_getKind, (CXEvalResult r), (r))
CLANG_FN(unsigned, clang_EvalResult_isUnsignedInt, (CXEvalResult r), (r))
CLANG_FN(long long, clang_EvalResult_getAsLongLong, (CXEvalResult r), (r))
CLANG_FN(unsigned long long, clang_EvalResult_getAsUnsigned, (CXEvalResult r), (r))
CLANG_VOID(clang_EvalResult_dispose, (CXEvalResult r), (r))

// Types.
CLANG_FN(CXString, clang_getTypeSpelling, (CXType t), (t))
CLANG_FN(CXType, clang_getCanonicalType, (CXType t), (t))
CLANG_FN(CXCursor, clang_getTypeDeclaration, (CXType t), (t))
CLANG_FN(long long, clang_Type_getSizeOf, (CXType t), (t))
CLANG_FN(long long, clang_Type_getAlignOf, (CXType t), (t))
CLANG_FN(CXType, clang_getArrayElementType, (CXType t), (t))
CLANG_FN(long long, clang_getArraySize, (CXType t), (t))
CLANG_FN(CXType, clang_Type_getNamedType, (CXType t), (t))
CLANG_FN(unsigned, clang_Type_visitFields, (CXType t, CXFieldVisitor visit, CXClientData data), (t, visit, data))

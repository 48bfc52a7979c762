/* The yardstick of Scripts/bench.py: the least a header reader built on libclang must do.
 * Parses the given headers in one translation unit (as abigen does: an in-memory main file of
 * #include lines, a detailed preprocessing record, function bodies skipped) and visits every
 * cursor. Prints the cursor count; exits 1 when clang reported an error (each is printed, then
 * every included file with the line of the main file that pulled it in), 2 on a parse failure.
 *
 * Usage: bare_parse [clang arguments...] -- header.h...
 * Build: cc -O2 -I/usr/lib/llvm-14/include bare_parse.c -L/usr/lib/llvm-14/lib -lclang
 *        -Wl,-rpath,/usr/lib/llvm-14/lib
 */
#include <clang-c/Index.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum CXChildVisitResult visit(CXCursor cursor, CXCursor parent, CXClientData data) {
    (void)cursor;
    (void)parent;
    ++*(unsigned long *)data;
    return CXChildVisit_Recurse;
}

static void inclusion(CXFile file, CXSourceLocation *stack, unsigned depth, CXClientData data) {
    (void)data;
    if (depth == 0) return;
    unsigned line = 0;
    clang_getSpellingLocation(stack[depth - 1], NULL, &line, NULL, NULL);
    CXString name = clang_getFileName(file);
    fprintf(stderr, "included by line %u: %s\n", line, clang_getCString(name));
    clang_disposeString(name);
}

int main(int argc, char **argv) {
    int split = 1;
    while (split < argc && strcmp(argv[split], "--") != 0) split++;
    if (split >= argc - 1) {
        fprintf(stderr, "usage: bare_parse [clang arguments...] -- header.h...\n");
        return 2;
    }
    size_t size = 1;
    for (int i = split + 1; i < argc; i++) size += strlen(argv[i]) + 13;
    char *source = malloc(size), *end = source;
    if (source == NULL) return 2;
    for (int i = split + 1; i < argc; i++) end += sprintf(end, "#include \"%s\"\n", argv[i]);

    struct CXUnsavedFile main_file = {"bare_parse_main.c", source, (unsigned long)(end - source)};
    unsigned options = CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_SkipFunctionBodies
                     | CXTranslationUnit_KeepGoing;
    CXIndex index = clang_createIndex(0, 0);
    CXTranslationUnit unit = NULL;
    if (clang_parseTranslationUnit2(index, main_file.Filename, (const char *const *)argv + 1, split - 1,
                                    &main_file, 1, options, &unit) != CXError_Success) {
        fprintf(stderr, "bare_parse: libclang could not parse the unit\n");
        return 2;
    }
    unsigned long cursors = 0;
    clang_visitChildren(clang_getTranslationUnitCursor(unit), visit, &cursors);

    int errors = 0;
    for (unsigned i = 0, n = clang_getNumDiagnostics(unit); i < n; i++) {
        CXDiagnostic d = clang_getDiagnostic(unit, i);
        if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
            CXString text = clang_formatDiagnostic(d, CXDiagnostic_DisplaySourceLocation);
            fprintf(stderr, "%s\n", clang_getCString(text));
            clang_disposeString(text);
            errors++;
        }
        clang_disposeDiagnostic(d);
    }
    if (errors) clang_getInclusions(unit, inclusion, NULL);
    printf("%lu cursors, %d errors\n", cursors, errors);
    clang_disposeTranslationUnit(unit);
    clang_disposeIndex(index);
    free(source);
    return errors ? 1 : 0;
}

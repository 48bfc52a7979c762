import CClang
import Foundation

/// A diagnostic from a translation unit.
struct ClangDiagnostic {
    /// Whether clang counts it as an error (or a fatal error).
    var isError: Bool
    var file: String
    var line: Int
    var column: Int
    var message: String
    /// Where the macro expansion holding the location was written (the location itself when not in a macro).
    var expansionFile: String = ""
    /// Line of ``expansionFile``.
    var expansionLine: Int = 0
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

    /// Parses `path` (or, with `contents`, an in-memory file of that name) with `arguments`; loads libclang
    /// first (a ``FrontendError`` when it cannot be loaded).
    init(path: String, contents: String? = nil, arguments: [String], detailedPreprocessing: Bool) throws {
        try LibClang.load()
        guard let index = clang_createIndex(0, 0) else { throw UnitFailure(code: 1) }
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
            return ClangDiagnostic(isError: clang_getDiagnosticSeverity(d).rawValue >= CXDiagnostic_Error.rawValue,
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
                guard let data else { return }
                let box = Unmanaged<Box>.fromOpaque(data).takeUnretainedValue()
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

    /// Every file the unit included (not the main file), in the order clang lists them.
    var includedFiles: [String] {
        final class Box { var names: [String] = [] }
        let box = Box()
        withExtendedLifetime(box) {
            clang_getInclusions(tu, { file, _, depth, data in
                guard let data, depth >= 1 else { return }
                Unmanaged<Box>.fromOpaque(data).takeUnretainedValue().names.append(take(clang_getFileName(file)))
            }, Unmanaged.passUnretained(box).toOpaque())
        }
        return box.names
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

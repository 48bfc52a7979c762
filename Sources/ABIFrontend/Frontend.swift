import ABIModel
import CClang
import Foundation

/// What to parse and what to keep.
public struct ParseOptions: Sendable {
    /// What to read: include directories, headers, target, extra arguments (the resolver's output).
    public var source: HeaderSource
    /// abigen's own `Headers/` directory, for the source's built-in and stand-in directories.
    public var builtinDirectory: String?
    /// Record name globs to keep (empty: every record of the selected headers).
    public var recordFilters: [String]
    /// Macro name prefixes to evaluate (nil: every object-like macro of the selected headers).
    public var macroPrefixes: [String]?
    /// Parse headers that fail together on their own, and skip (listing the reason) those that fail alone.
    public var skipBrokenHeaders = false
    /// Parse a target whose clang layouts the kernel's own compiler contradicts (m68k, ``LayoutPolicy``); the
    /// caller must correct the snapshot from a gcc probe before emitting anything.
    public var acceptLayoutsToCorrect = false
    /// Where notes, warnings and phase timings go (nil: nowhere).
    public var diagnostics: Diagnostics?

    public init(source: HeaderSource, builtinDirectory: String? = nil, recordFilters: [String] = [], macroPrefixes: [String]?) {
        self.source = source
        self.builtinDirectory = builtinDirectory
        self.recordFilters = recordFilters
        self.macroPrefixes = macroPrefixes
    }

    /// The selected headers.
    var headers: [String] { source.headers }
    /// The target triple; nil for the host.
    var target: String? { source.target }
    /// Headers included first.
    var preludeHeaders: [String] { source.preludeHeaders }
    /// The `-I` directories (all but the target's), resolved; empty when abigen's `Headers/` is needed and unknown
    /// (``Frontend/parse(_:)`` refuses that first).
    var includeDirectories: [String] {
        ((try? source.resolvedDirectories(builtin: builtinDirectory)) ?? []).filter { $0.role != .target }.map(\.path)
    }

    /// The clang arguments these options give: language and target, then the source's search arguments.
    var clangArguments: [String] {
        var args = ["-x", "c", "-std=gnu11", "-w", "-ferror-limit=0"]
        if let target { args += ["-target", target] }
        return args + ((try? source.searchArguments(builtin: builtinDirectory)) ?? [])
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

/// Targets whose libclang layouts abigen does not emit as they are.
public enum LayoutPolicy {
    /// Why the target's clang layouts cannot be trusted (nil when they can): on m68k clang 14 aligns 64-bit
    /// integers (and records holding them) to 8, gcc, which builds the m68k kernel, to 2.
    public static func refusal(target: String) -> String? {
        guard (target.split(separator: "-").first ?? "") == "m68k" else { return nil }
        return "m68k: clang 14 aligns 64-bit integers to 8 bytes where gcc, the compiler the m68k kernel is built with, "
            + "aligns them to 2, so libclang's layouts are not the kernel's ABI; abigen refuses them. Use "
            + "`abigen matrix --targets m68k-linux-gnu --compilers gcc` (Debian gcc-m68k-linux-gnu), which corrects every layout from gcc's probe"
    }
}

/// Reads C headers with libclang into an ``ABISnapshot``.
public enum Frontend {
    /// Parses the headers of `options` and returns their ABI.
    ///
    /// All headers share one translation unit. With ``ParseOptions/skipBrokenHeaders``, a header that
    /// does not compile with the others is parsed in a translation unit of its own, and one that does
    /// not compile alone either is skipped and listed in ``ABISnapshot/unsupported`` with clang's first
    /// error; without it, the first error is thrown.
    ///
    /// Names: a struct or union tag keeps its name; an untagged typedef'd record whose name a tag also
    /// has (`struct bar` and `typedef struct {…} bar`) is named `bar_t` (then `bar_t_`, … while taken),
    /// its `cName` staying `bar`. The element of an array of an unnamed struct or union becomes a
    /// record named `<outer>_<member>` with a `__typeof__` C name, linked from the member's type.
    /// Macros whose value changes when the headers see gcc's predefined macros instead of clang's,
    /// and 128-bit ones, are listed in ``ABISnapshot/skippedMacros``.
    public static func parse(_ options: ParseOptions) throws -> ABISnapshot {
        do { _ = try options.source.resolvedDirectories(builtin: options.builtinDirectory) } catch {
            throw FrontendError(file: "<abigen Headers/>", message: error.message)
        }
        for dir in options.includeDirectories {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw FrontendError(file: displayName(dir), message: "include directory does not exist")
            }
        }
        guard !options.headers.isEmpty else { throw FrontendError(file: "<command line>", message: "no header selected") }
        if let target = options.target, !options.acceptLayoutsToCorrect, let why = LayoutPolicy.refusal(target: target) {
            throw FrontendError(file: "--target \(displayName(target))", message: why)
        }
        if let target = options.target {
            do { _ = try TranslationUnit(path: mainName, contents: "", arguments: ["-x", "c", "-target", target], detailedPreprocessing: false) }
            catch { throw FrontendError(file: "--target \(displayName(target))", message: "clang does not know this target triple") }
        }
        // Resolve each selected header to a real path, as the compiler's search would.
        let searchList = options.includeDirectories + SearchPath.systemDirectories(target: options.target)
        var resolved: [(label: String, path: String)] = []
        for header in options.headers {
            let shown = displayName(header)
            if header.isEmpty { throw FrontendError(file: "--header ''", message: "empty header name") }
            if let bad = header.first(where: { $0 == "\"" || $0.isNewline || ($0.asciiValue.map { $0 < 0x20 || $0 == 0x7f } ?? false) }) {
                throw FrontendError(file: shown, message: "header name contains \(bad == "\"" ? "a double quote" : "a control character"), which an #include line cannot name")
            }
            var candidates: [String]
            if header.hasPrefix("/") {
                candidates = [header]
            } else {
                candidates = searchList.map { ($0 as NSString).appendingPathComponent(header) }
            }
            func isDirectory(_ path: String) -> Bool {
                var isDir: ObjCBool = false
                return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
            }
            guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) && !isDirectory($0) }) else {
                if let dir = candidates.first(where: isDirectory) {
                    throw FrontendError(file: shown, message: "is a directory (\(displayName(dir))), not a header; a wildcard like '\(shown)/*.h' selects the headers in it")
                }
                let dirs = searchList.isEmpty ? "no include directory given" : "looked in " + searchList.map(displayName).joined(separator: ", ")
                throw FrontendError(file: shown, message: "header not found (\(dirs))")
            }
            let real = realPath(found)
            if real.contains(where: { $0 == "\"" || $0.isNewline }) {
                throw FrontendError(file: shown, message: "the header's path (\(displayName(real))) contains a double quote or a line break, which an #include line cannot name")
            }
            resolved.append((header, real))
        }
        for prelude in options.preludeHeaders where prelude.contains(where: { $0 == ">" || $0.isNewline || $0 == "\"" }) || prelude.isEmpty {
            throw FrontendError(file: "--include \(displayName(prelude))", message: "a header name for #include <...> cannot be empty or contain '>', '\"' or a line break")
        }

        // Large sets are split in two halves parsed on two threads; the halves merge in header order,
        // so the result is the same as one pass. Each part runs on a thread of its own with a large
        // stack (deeply nested expressions recurse deeply in clang) and returns its own result.
        let chunks: [[(label: String, path: String)]]
        if options.skipBrokenHeaders && resolved.count >= 64 && ProcessInfo.processInfo.activeProcessorCount > 1 {
            let mid = resolved.count / 2
            chunks = [Array(resolved[..<mid]), Array(resolved[mid...])]
        } else {
            chunks = [resolved]
        }
        let jobs: [@Sendable () throws -> ChunkResult] = chunks.map { chunk in { try parseChunk(chunk, options: options) } }
        let results = try LargeStack.run(jobs).map { try $0.get() }
        guard var reader = results.first?.reader else { throw FrontendError(file: "<command line>", message: "no header selected") }
        for r in results.dropFirst() { reader.merge(r.reader) }
        let triple = results.map(\.triple).first { !$0.isEmpty } ?? ""
        let groups = results.flatMap(\.groups)

        let records = reader.finalRecords()   // may list dropped records in `unsupported`
        var snapshot = ABISnapshot(target: triple, headers: options.headers,
                                   includeDirectories: options.source.includeDirectories.filter { $0.role == .user }.map(\.path),
                                   preludeHeaders: options.preludeHeaders.isEmpty ? nil : options.preludeHeaders,
                                   records: records, constants: reader.constants,
                                   skippedMacros: reader.skipped, unsupported: reader.unsupported)
        if groups.count > 1 { snapshot.headerGroups = groups }
        snapshot.source = .headers(options.source)
        snapshot.normalize()
        return snapshot
    }

    /// What one part of the header list gave.
    struct ChunkResult: Sendable {
        var reader: Reader
        var triple: String
        var groups: [[String]]
    }

    /// Parses a list of headers: together in one translation unit, and those that fail together alone.
    /// Returns the groups of header labels that were parsed together.
    static func parseChunk(_ resolved: [(label: String, path: String)], options: ParseOptions) throws -> ChunkResult {
        var reader = Reader(selected: [:], recordFilters: options.recordFilters)
        var triple = ""
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
        return ChunkResult(reader: reader, triple: triple, groups: groups)
    }

    /// The result of parsing a group of headers in one translation unit.
    enum GroupResult {
        case parsed
        /// The first error, and the selected headers whose own files hold errors (empty when the errors are elsewhere).
        case failed(FrontendError, culprits: Set<String>)
    }

    /// The name of the synthesized main file; errors located in it are reported against the user's arguments.
    static let mainName = "/abigen-input/main.c"

    /// Predefined-macro changes that make clang look like gcc to the headers (the compiler C code is
    /// usually built with): macros whose value changes under them are compiler-dependent.
    static let gccIdentity = ["-U__clang__", "-U__clang_major__", "-U__clang_minor__", "-U__clang_patchlevel__",
                              "-U__clang_version__", "-D__GNUC__=12", "-D__GNUC_MINOR__=2", "-D__GNUC_PATCHLEVEL__=0",
                              // An unsuffixed decimal literal above LLONG_MAX is `unsigned long long` to clang but
                              // `__int128` to gcc: as an error here, such a macro is reported as compiler-dependent
                              // (only errors count in this unit, so it is parsed without `-w`, which would silence it).
                              "-Werror=implicitly-unsigned-literal"]

    /// An error clang reported, with a location in the main file translated to the argument that put the line there.
    static func frontendError(_ err: ClangDiagnostic, headers: [(label: String, path: String)], options: ParseOptions) -> FrontendError {
        guard err.file == mainName else {
            return FrontendError(file: displayName("\(err.file):\(err.line):\(err.column)"), message: "error: \(displayName(err.message))")
        }
        let line = err.line - 1
        if line >= 0 && line < options.preludeHeaders.count {
            return FrontendError(file: "--include \(displayName(options.preludeHeaders[line]))", message: "error: \(displayName(err.message))")
        }
        let h = line - options.preludeHeaders.count
        if h >= 0 && h < headers.count {
            return FrontendError(file: displayName(headers[h].label), message: "error: \(displayName(err.message))")
        }
        return FrontendError(file: headers.map { displayName($0.label) }.joined(separator: ", "), message: "error: \(displayName(err.message))")
    }

    /// Parses the synthesized main file; a failure names the headers, not the internal file.
    static func unit(_ contents: String, arguments: [String], detailed: Bool, headers: [(label: String, path: String)]) throws -> TranslationUnit {
        do {
            return try TranslationUnit(path: mainName, contents: contents, arguments: arguments, detailedPreprocessing: detailed)
        } catch let failure as UnitFailure {
            let names = headers.map { displayName($0.label) }.joined(separator: ", ")
            throw FrontendError(file: names, message: failure.code == 2 ? "libclang crashed while parsing" : "libclang could not parse the headers (error code \(failure.code))")
        }
    }

    /// Parses `headers` in one translation unit and adds what they declare to `reader`; on clang errors adds nothing.
    static func parseGroup(_ headers: [(label: String, path: String)], options: ParseOptions, reader: inout Reader,
                           triple: inout String) throws -> GroupResult {
        var includeLines = options.preludeHeaders.map { "#include <\($0)>\n" }.joined()
        for h in headers { includeLines += "#include \"\(h.path)\"\n" }
        let args = options.clangArguments
        Trace.mark("start group of \(headers.count)")
        let tu = try unit(includeLines, arguments: args, detailed: true, headers: headers)
        Trace.mark("parse")
        let errors = tu.diagnostics.filter(\.isError)
        if let err = errors.first {
            let paths = Set(headers.map(\.path))
            let includers = tu.topLevelIncluders
            let culprits = Set(errors.map { realPath(includers[$0.file] ?? $0.file) }).intersection(paths)
            return .failed(frontendError(err, headers: headers, options: options), culprits: culprits)
        }
        triple = tu.triple
        reader.selected = Dictionary(headers.map { ($0.path, $0.label) }, uniquingKeysWith: { a, _ in a })
        // File handles are only valid while `tu` lives: the cache lives and dies with this unit.
        var files = FileCache()
        let topLevel = tu.root.children
        reader.walk(topLevel, files: &files)
        Trace.mark("walk declarations")

        // Macros: the definition in effect after the last header is the last one; its text and its value belong together.
        let macroCursors = topLevel.filter { $0.kind == CXCursor_MacroDefinition && !$0.isMacroBuiltin }
        // Every definition of each name that a selected header defines, in order (nil header: another header's).
        var definitions: [String: [(cursor: Cursor, header: String?)]] = [:]
        var order: [String] = []
        for c in macroCursors {
            let name = c.spelling
            if let header = reader.label(of: c, files: &files) {
                if let prefixes = options.macroPrefixes, !prefixes.contains(where: { name.hasPrefix($0) }) { continue }
                if definitions[name] == nil { order.append(name) }
                definitions[name, default: []].append((c, header))
            } else if definitions[name] != nil {
                definitions[name, default: []].append((c, nil))
            }
        }
        var candidates: [(name: String, definition: String, header: String)] = []
        for name in order {
            guard let defs = definitions[name], let last = defs.last else { continue }
            func text(_ c: Cursor) -> String {
                reader.macroDefinition(c, name: name, files: &files) ?? joinTokens(Array(tu.tokens(of: c).dropFirst()))
            }
            // The definition in effect after the last header is the last one: its text and its value belong
            // together. An identical redefinition changes nothing, so the first of equal definitions names the header.
            let effective = text(last.cursor)
            let chosen = defs.count == 1 ? last : defs.first { $0.header != nil && $0.cursor.isMacroFunctionLike == last.cursor.isMacroFunctionLike && text($0.cursor) == effective } ?? last
            guard let header = chosen.header else {
                reader.skipped.append(SkippedMacro(name: name, definition: effective, reason: "redefined differently by a header that is not selected"))
                continue
            }
            if chosen.cursor.isMacroFunctionLike {
                reader.skipped.append(SkippedMacro(name: name, definition: effective, reason: "function-like macro"))
                continue
            }
            if effective.isEmpty {
                reader.skipped.append(SkippedMacro(name: name, definition: "", reason: "expands to nothing"))
                continue
            }
            candidates.append((name, effective, header))
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
            let clangValues = try evaluate(source, arguments: args, firstLine: firstLine, count: candidates.count, headers: headers)
            Trace.mark("parse macro unit")
            let gccValues = try evaluate(source, arguments: args.filter { $0 != "-w" } + gccIdentity, firstLine: firstLine, count: candidates.count, headers: headers)
            // When the headers themselves do not compile as gcc sees them, only values that differ count.
            let gccComplete = !gccValues.headerErrors
            Trace.mark("parse macro unit as gcc")
            for (i, cand) in candidates.enumerated() {
                let outcome = clangValues.outcomes[i]
                let value: IntegerValue
                let type: String
                let info: (size: Int, signed: Bool)
                switch outcome {
                case .skipped(let reason):
                    reader.skipped.append(SkippedMacro(name: cand.name, definition: cand.definition, reason: reason))
                    continue
                case .value(let v, let t, let i):
                    (value, type, info) = (v, t, i)
                }
                if info.size > 8 {
                    reader.skipped.append(SkippedMacro(name: cand.name, definition: cand.definition, reason: "a \(info.size * 8)-bit integer (\(type)): the model holds 64-bit values"))
                    continue
                }
                if case .value(let g, let gt, let gi) = gccValues.outcomes[i], !g.sameValue(as: value) || gi.size != info.size || gt != type {
                    reader.skipped.append(SkippedMacro(name: cand.name, definition: cand.definition,
                                                       reason: "compiler-dependent: clang gives \(value) (\(type)), gcc \(gccVersion) gives \(g) (\(gt))"))
                    continue
                }
                if gccComplete, case .skipped(let why) = gccValues.outcomes[i] {
                    reader.skipped.append(SkippedMacro(name: cand.name, definition: cand.definition,
                                                       reason: "compiler-dependent: clang gives \(value) (\(type)), under gcc \(gccVersion)'s predefined macros it is not an integer constant (\(why))"))
                    continue
                }
                let constant = Constant(name: cand.name, value: value, type: type, size: info.size,
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

    /// The gcc version ``gccIdentity`` imitates.
    static let gccVersion = "12.2"

    /// What evaluating one macro gave.
    enum MacroOutcome {
        case value(IntegerValue, type: String, info: (size: Int, signed: Bool))
        case skipped(String)
    }

    /// Parses the macro unit and evaluates `__abigen_macro_0 ..< count`.
    static func evaluate(_ source: String, arguments: [String], firstLine: Int, count: Int,
                         headers: [(label: String, path: String)]) throws -> (outcomes: [MacroOutcome], headerErrors: Bool) {
        let etu = try unit(source, arguments: arguments, detailed: false, headers: headers)
        var errorsByLine: [Int: String] = [:]
        var headerErrors = false
        for d in etu.diagnostics where d.isError {
            var line = d.line
            if d.file != mainName {
                // A too-large literal spelled in a header belongs to the macro whose line expanded it.
                guard d.expansionFile == mainName, d.message.hasPrefix("integer literal is too large") else { headerErrors = true; continue }
                line = d.expansionLine
            }
            errorsByLine[line] = errorsByLine[line] ?? d.message
        }
        var evaluated: [Int: Cursor] = [:]
        for c in etu.root.children where c.kind == CXCursor_VarDecl {
            let n = c.spelling
            guard n.hasPrefix("__abigen_macro_"), let i = Int(n.dropFirst("__abigen_macro_".count)) else { continue }
            evaluated[i] = c
        }
        let outcomes: [MacroOutcome] = (0..<count).map { i in
            if let err = errorsByLine[firstLine + i] { return .skipped("not a constant expression: \(err)") }
            guard let var_ = evaluated[i], !var_.isInvalidDeclaration else { return .skipped("not a constant expression") }
            let type = var_.type.canonical
            guard let info = integerInfo(type) else { return .skipped("not an integer (type \(type.spelling))") }
            guard let v = var_.evaluateInteger() else { return .skipped("clang cannot evaluate it as an integer constant") }
            return .value(info.signed ? .signed(v.value) : .unsigned(v.unsigned), type: type.spelling, info: info)
        }
        return (outcomes, headerErrors)
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

/// Per-translation-unit caches: file handles are valid only while their unit lives.
struct FileCache {
    /// Selected-header label (or nil) by file handle of the current unit.
    var labels: [Int: String?] = [:]
    /// File contents by path, for macro definition texts.
    var bytes: [String: [UInt8]] = [:]
    /// Path by file handle of the current unit.
    var paths: [Int: String] = [:]
}

/// The element type of an array member of anonymous struct or union type, as a record of its own.
struct ElementRecord: Sendable {
    /// The C name of the record that holds the array (for a nested one, the outermost record's).
    var outerCName: String
    /// The array member's name (dotted for a member of a named member of unnamed type).
    var field: String
    /// The element's layout; its name is assigned when every record's name is known.
    var record: Record
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
    var unsupported: [Unsupported] = []
    /// Header of each record kept so far, by C name (`struct x`, `union y`, `t`).
    var seenRecords: [String: String] = [:]
    /// Names of every constant kept so far (enumerators and macros).
    var seenEnumerators: Set<String> = []

    init(selected: [String: String], recordFilters: [String]) {
        self.selected = selected
        self.recordFilters = recordFilters
    }

    /// The selected header's label for a cursor's file, or nil when it comes from another header.
    func label(of cursor: Cursor, files: inout FileCache) -> String? {
        guard let handle = cursor.fileHandle else { return nil }
        let key = Int(bitPattern: handle)
        if let cached = files.labels[key] { return cached }
        let l = selected[realPath(Cursor.fileName(handle))]
        files.labels[key] = l
        return l
    }

    /// A macro's definition as written (after its name and parameters), on one line with comments removed.
    func macroDefinition(_ cursor: Cursor, name: String, files: inout FileCache) -> String? {
        let (file, start, end) = cursor.extentOffsets
        guard let file else { return nil }
        let key = Int(bitPattern: file)
        let path: String
        if let p = files.paths[key] { path = p } else { path = Cursor.fileName(file); files.paths[key] = path }
        let bytes: [UInt8]
        if let b = files.bytes[path] { bytes = b } else {
            bytes = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
            files.bytes[path] = bytes
        }
        let nameBytes = Array(name.utf8)
        guard start >= 0, start <= end, end <= bytes.count, end - start >= nameBytes.count,
              bytes[start..<(start + nameBytes.count)].elementsEqual(nameBytes) else { return nil }
        return cleanDefinition(bytes[(start + nameBytes.count)..<end])
    }

    /// Adds what another reader found (a later part of the header list): first definitions win.
    mutating func merge(_ other: Reader) {
        var dropped: Set<String> = []
        for r in other.records {
            if let first = seenRecords[r.cName] {
                if first != r.header {
                    unsupported.append(Unsupported(name: "\(r.cName) (\(r.header))", reason: "also defined in \(first); the first definition is kept"))
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
        unsupported += other.unsupported
    }

    /// The records with their final names: a tag (`struct bar`) keeps its name; an untagged typedef'd
    /// record of the same name (`typedef struct {…} bar`) becomes `bar_t` (then `bar_t_`, … while
    /// taken); a second tag of one name from another header is dropped and listed. Element records
    /// are named `<outer name>_<field>` (`.` → `_`, then `_` appended while taken) and linked from
    /// their array member's ``FieldType/record``.
    mutating func finalRecords() -> [Record] {
        var out: [Record] = []
        var taken: Set<String> = []
        var finalName: [String: String] = [:]   // by cName
        for r in records where r.cName != r.name {
            guard taken.insert(r.name).inserted else {
                let first = out.first { $0.name == r.name }
                unsupported.append(Unsupported(name: "\(r.cName) (\(r.header))", reason: "the name \(r.name) is taken by \(first?.cName ?? r.name) (\(first?.header ?? "")); the first definition is kept"))
                continue
            }
            finalName[r.cName] = r.name
            out.append(r)
        }
        for var r in records where r.cName == r.name {
            if taken.contains(r.name) {
                var n = r.name + "_t"
                while taken.contains(n) { n += "_" }
                r.name = n
            }
            taken.insert(r.name)
            finalName[r.cName] = r.name
            out.append(r)
        }
        var index: [String: Int] = [:]
        for (i, r) in out.enumerated() { index[r.cName] = i }
        for var e in elements {
            guard let outerName = finalName[e.outerCName], let o = index[e.outerCName],
                  let f = out[o].fields.firstIndex(where: { $0.name == e.field }) else { continue }
            var n = outerName + "_" + e.field.replacingOccurrences(of: ".", with: "_")
            while taken.contains(n) { n += "_" }
            taken.insert(n)
            e.record.name = n
            out[o].fields[f].type.record = n
            out.append(e.record)
        }
        return out
    }

    mutating func walk(_ cursors: [Cursor], files: inout FileCache) {
        for c in cursors {
            switch c.kind {
            case CXCursor_StructDecl, CXCursor_UnionDecl:
                guard let header = label(of: c, files: &files) else { continue }
                if c.isDefinition && !c.isAnonymous && !c.spelling.isEmpty {
                    let kind: RecordKind = c.kind == CXCursor_StructDecl ? .struct : .union
                    addRecord(c.type, name: c.spelling, cName: "\(kind.rawValue) \(c.spelling)", kind: kind, decl: c, header: header)
                }
                walk(c.children, files: &files)   // C puts nested named records and enums at file scope
            case CXCursor_TypedefDecl:
                guard let header = label(of: c, files: &files) else { continue }
                let under = c.underlyingTypedefType.canonical
                let decl = under.declaration
                if under.kind == CXType_Record, decl.isDefinition, decl.isAnonymous || decl.spelling.isEmpty,
                   decl.kind == CXCursor_StructDecl || decl.kind == CXCursor_UnionDecl {
                    let kind: RecordKind = decl.kind == CXCursor_StructDecl ? .struct : .union
                    // Size and alignment as C sees them through the typedef name: an `aligned` attribute
                    // on the typedef raises the alignment of the type, not of the struct.
                    addRecord(under, name: c.spelling, cName: c.spelling, kind: kind, decl: decl, header: header, named: c.type)
                }
            case CXCursor_EnumDecl:
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
        for e in decl.children where e.kind == CXCursor_EnumConstantDecl {
            let name = e.spelling
            guard seenEnumerators.insert(name).inserted else { continue }
            let t = e.type.canonical
            guard let info = integerInfo(t), info.size <= 8 else {
                unsupported.append(Unsupported(name: name, reason: "enumerator of type \(t.spelling), which the model does not hold"))
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
                unsupported.append(Unsupported(name: "\(cName) (\(header))", reason: "also defined in \(first); the first definition is kept"))
            }
            return
        }
        seenRecords[cName] = header
        let outer = named ?? type
        guard let size = outer.size, let alignment = outer.alignment else {
            unsupported.append(Unsupported(name: cName, reason: "incomplete or dependent type"))
            return
        }
        var layout = RecordLayout(outerCName: cName)
        layout.walk(type, baseBits: 0, prefix: "", anonPath: [], indexPath: [], recordName: cName, unsupported: &unsupported)
        records.append(Record(name: name, cName: cName, kind: kind, size: size, alignment: alignment,
                              packed: decl.hasPackedAttribute, header: header, fields: layout.fields,
                              anonymousMembers: layout.anonymous))
        for (field, var element) in layout.elements {
            element.header = header
            elements.append(ElementRecord(outerCName: cName, field: field, record: element))
        }
    }
}

/// A macro definition's bytes (after the name) on one line: comments and line continuations removed,
/// white space collapsed; string and character literals kept as written.
func cleanDefinition(_ bytes: ArraySlice<UInt8>) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var i = bytes.startIndex
    var pendingSpace = false
    let slash = UInt8(ascii: "/"), star = UInt8(ascii: "*"), backslash = UInt8(ascii: "\\")
    let quote = UInt8(ascii: "\""), apostrophe = UInt8(ascii: "'")
    func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0a || b == 0x0d || b == 0x0b || b == 0x0c }
    /// The length of a line continuation (backslash, optional CR, LF) at `j`, or 0.
    func continuation(_ j: Int) -> Int {
        guard j < bytes.endIndex, bytes[j] == backslash else { return 0 }
        if j + 1 < bytes.endIndex, bytes[j + 1] == 0x0a { return 2 }
        if j + 2 < bytes.endIndex, bytes[j + 1] == 0x0d, bytes[j + 2] == 0x0a { return 3 }
        return 0
    }
    func emit(_ b: UInt8) {
        if pendingSpace && !out.isEmpty { out.append(0x20) }
        pendingSpace = false
        out.append(b)
    }
    while i < bytes.endIndex {
        let c = bytes[i]
        let n = continuation(i)
        if n > 0 { i += n; pendingSpace = true; continue }
        if c == slash, i + 1 < bytes.endIndex, bytes[i + 1] == star {
            var j = i + 2
            while j + 1 < bytes.endIndex, !(bytes[j] == star && bytes[j + 1] == slash) { j += 1 }
            i = min(j + 2, bytes.endIndex)
            pendingSpace = true
            continue
        }
        if c == slash, i + 1 < bytes.endIndex, bytes[i + 1] == slash { break }
        if isSpace(c) { pendingSpace = true; i += 1; continue }
        if c == quote || c == apostrophe {
            emit(c)
            i += 1
            while i < bytes.endIndex {
                let k = continuation(i)
                if k > 0 { i += k; continue }
                let d = bytes[i]
                out.append(d)
                i += 1
                if d == backslash, i < bytes.endIndex { out.append(bytes[i]); i += 1; continue }
                if d == c || d == 0x0a { break }
            }
            continue
        }
        emit(c)
        i += 1
    }
    return String(decoding: out, as: UTF8.self)
}

/// Flattens a record's members through anonymous structs and unions.
struct RecordLayout {
    /// The C name of the outermost record being laid out (for element records' `__typeof__` names).
    var outerCName: String
    /// True while laying out an element record (its own arrays of anonymous records are not synthesized).
    var insideElement = false
    var fields: [Field] = []
    var anonymous: [AnonymousMember] = []
    /// Element records of array members of anonymous record type, by member name (named later).
    var elements: [(field: String, record: Record)] = []

    /// `anonStart`: anonymous members already numbered at this level (a named member of unnamed type
    /// continues the numbering of the level that holds it, so every path in a record is unique).
    mutating func walk(_ type: ClangType, baseBits: Int, prefix: String, anonPath: [Int], indexPath: [Int],
                       recordName: String, unsupported: inout [Unsupported], anonStart: Int = 0) {
        var anonCount = anonStart
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
                var inner = RecordLayout(outerCName: outerCName, insideElement: insideElement)
                inner.walk(canon, baseBits: offsetBits, prefix: fullName + ".", anonPath: anonPath, indexPath: indexPath,
                           recordName: recordName, unsupported: &unsupported, anonStart: anonCount)
                fields += inner.fields
                elements += inner.elements
                // Its anonymous members belong to this record too (fields name them by path).
                anonCount += inner.anonymous.filter { $0.path.count == anonPath.count + 1 }.count
                anonymous += inner.anonymous
            }
            // An array of an unnamed record type: its element becomes a record of its own.
            if let dims = fieldType.arrayDimensions, let element = anonymousElement(ftype) {
                guard !insideElement else {
                    unsupported.append(Unsupported(name: "\(recordName).\(fullName)", reason: "array of an unnamed struct or union inside an element of another such array: only its bytes are described"))
                    continue
                }
                let decl = element.declaration
                let cName = "__typeof__(((\(outerCName) *)0)->\(fullName)\(String(repeating: "[0]", count: dims.count)))"
                guard let size = element.size, let alignment = element.alignment else { continue }
                var inner = RecordLayout(outerCName: outerCName, insideElement: true)
                inner.walk(element, baseBits: 0, prefix: "", anonPath: [], indexPath: [], recordName: cName, unsupported: &unsupported)
                elements.append((fullName, Record(name: "", cName: cName, kind: decl.kind == CXCursor_UnionDecl ? .union : .struct,
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
            if e.kind == CXType_ConstantArray || e.kind == CXType_IncompleteArray { e = e.arrayElement; continue }
            let c = e.canonical
            if e.kind != CXType_Typedef, c.kind == CXType_ConstantArray || c.kind == CXType_IncompleteArray { e = c; continue }
            break
        }
        guard e.kind != CXType_Typedef else { return nil }
        let c = e.canonical
        guard c.kind == CXType_Record, c.declaration.isAnonymous || c.declaration.spelling.isEmpty else { return nil }
        return c
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

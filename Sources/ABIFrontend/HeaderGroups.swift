import ABIModel
import Foundation

extension Frontend {
    /// Parses the resolved headers and returns what each part gave, in header order.
    static func parseInParts(_ resolved: [(label: String, path: String)], options: ParseOptions) throws -> [ChunkResult] {
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
        return try LargeStack.run(jobs).map { try $0.get() }
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
            options.diagnostics?.phase("retry alone: \(blamed.map(\.label).joined(separator: " "))")
            alone += blamed
            pending.removeAll { h in blamed.contains { $0.path == h.path } }
        }
        alone += pending
        for header in alone {
            if case .failed(let err, _) = try parseGroup([header], options: options, reader: &reader, triple: &triple) {
                reader.warn("header skipped: it does not compile on its own: \(err)", symbol: header.label, location: header.label)
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
    ///
    /// A group expected to compile (any group without ``ParseOptions/skipBrokenHeaders``, and a single header) is
    /// parsed once with its macros' evaluation lines (``MacroLines``); when that unit has errors in the headers, or
    /// the lines did not cover every candidate, the group is read as a large set is: a plain parse, then a unit of
    /// its own for the macros. Both ways give the same declarations, values and diagnostics.
    static func parseGroup(_ headers: [(label: String, path: String)], options: ParseOptions, reader: inout Reader,
                           triple: inout String) throws -> GroupResult {
        var includeLines = options.preludeHeaders.map { "#include <\($0)>\n" }.joined()
        for h in headers { includeLines += "#include \"\(h.path)\"\n" }
        options.diagnostics?.phase("start group of \(headers.count)")
        if !options.skipBrokenHeaders || headers.count == 1,
           let done = try parseGroupWithMacros(headers, includeLines: includeLines, options: options, reader: &reader, triple: &triple) {
            return done
        }
        let args = options.clangArguments
        let candidates: [(name: String, definition: String, header: String)]
        do {
            // The unit is freed before the macro units are parsed (one unit alive at a time holds the peak down).
            let tu = try unit(includeLines, arguments: args, detailed: true, headers: headers)
            options.diagnostics?.phase("parse")
            let errors = tu.diagnostics.filter(\.isError)
            if let err = errors.first {
                let paths = Set(headers.map(\.path))
                let includers = tu.topLevelIncluders
                let culprits = Set(errors.map { realPath(includers[$0.file] ?? $0.file) }).intersection(paths)
                return .failed(frontendError(err, headers: headers, options: options), culprits: culprits)
            }
            triple = tu.triple
            candidates = read(tu, headers: headers, options: options, reader: &reader).candidates
        }
        try evaluateMacros(candidates, includeLines: includeLines, arguments: args, headers: headers, options: options, reader: &reader)

        options.diagnostics?.phase("evaluate macros")
        return .parsed
    }

    /// The one-parse way of ``parseGroup(_:options:reader:triple:)``; nil (with `reader` untouched) when the group
    /// must be read the two-parse way.
    static func parseGroupWithMacros(_ headers: [(label: String, path: String)], includeLines: String, options: ParseOptions,
                                     reader: inout Reader, triple: inout String) throws -> GroupResult? {
        let lines = MacroLines(headers: headers, prefixes: options.macroPrefixes)
        let section = lines.text
        let firstLine = sectionFirstLine(after: includeLines)
        let args = options.clangArguments
        var scratch = reader
        let candidates: [(name: String, definition: String, header: String)]
        let clang: (values: MacroValues, lost: [Int])
        do {
            // The unit is freed before a gcc unit is parsed.
            let tu = try unit(includeLines + section, arguments: args + macroUnitArguments, detailed: true, headers: headers)
            options.diagnostics?.phase("parse")
            let diagnostics = tu.diagnostics
            // An error the evaluation lines expanded is theirs; any other is the headers' (the plain parse reports
            // it), and so is a section whose opening or closing declaration is not one of its own at file scope.
            let endLine = sectionLine(lines.names.count, firstLine: firstLine) - 1
            if let e = diagnostics.first(where: { $0.isError && !($0.expansionFile == mainName && $0.expansionLine > firstLine && $0.expansionLine < endLine) }) {
                options.diagnostics?.phase("two parses instead: an error outside the macro lines: \(e.oneLine)")
                return nil
            }
            guard sectionIsWhole(tu.root.children, begin: includeLines.utf8.count,
                                 end: includeLines.utf8.count + section.utf8.count - sectionEnd.utf8.count) else {
                options.diagnostics?.phase("two parses instead: the end of a header took in the macro section")
                return nil
            }
            let topLevel: [Cursor]
            (topLevel, candidates) = read(tu, headers: headers, options: options, reader: &scratch)
            var slots: [(line: Int, variable: Int)] = []
            for c in candidates {
                guard let k = lines.index[c.name] else {
                    options.diagnostics?.phase("two parses instead: \(c.name) was not found by the scan")
                    return nil
                }
                slots.append((sectionLine(k, firstLine: firstLine), k))
            }
            clang = values(tu, diagnostics: diagnostics, topLevel: topLevel, slots: slots)
            triple = tu.triple
        }
        guard clang.lost.isEmpty else {
            options.diagnostics?.phase("two parses instead: \(clang.lost.count) macro lines lost")
            return nil
        }
        try evaluateMacros(candidates, includeLines: includeLines, arguments: args, headers: headers, options: options,
                           clang: clang.values, reader: &scratch)
        options.diagnostics?.phase("evaluate macros")
        reader = scratch
        return .parsed
    }

    /// Walks a parsed unit of `headers` into `reader` and collects its macro candidates; returns the unit's top-level
    /// cursors with them.
    static func read(_ tu: TranslationUnit, headers: [(label: String, path: String)], options: ParseOptions,
                     reader: inout Reader) -> (topLevel: [Cursor], candidates: [(name: String, definition: String, header: String)]) {
        reader.selected = Dictionary(headers.map { ($0.path, $0.label) }, uniquingKeysWith: { a, _ in a })
        // File handles are only valid while `tu` lives: the cache lives and dies with this call.
        var files = FileCache()
        let topLevel = tu.root.children
        reader.walk(topLevel, files: &files)
        options.diagnostics?.phase("walk declarations")
        return (topLevel, collectMacros(topLevel, tu: tu, options: options, reader: &reader, files: &files))
    }

    /// Whether the section's opening and closing declarations are valid variables at file scope, each a declaration
    /// of its own: starting where its text starts (byte offsets `begin` and `end` of the main file), not taken into
    /// the end of a header (a missing `;`, a dangling attribute).
    static func sectionIsWhole(_ topLevel: [Cursor], begin: Int, end: Int) -> Bool {
        var found = 0
        for c in topLevel where c.kind == .varDecl {
            let name = c.spelling
            guard name == sectionBeginName || name == sectionEndName, !c.isInvalidDeclaration else { continue }
            let extent = c.extentOffsets
            if extent.file?.name == mainName && extent.start == (name == sectionBeginName ? begin : end) { found += 1 }
        }
        return found == 2
    }
}

import ABIModel
import Foundation

extension Frontend {
    /// The object-like macros the selected headers define (as ``ParseOptions/macroPrefixes`` selects them), each with
    /// the definition in effect after the last header; those that cannot be constants go to the reader's skipped list.
    static func collectMacros(_ topLevel: [Cursor], tu: TranslationUnit, options: ParseOptions, reader: inout Reader,
                              files: inout FileCache) -> [(name: String, definition: String, header: String)] {
        let macroCursors = topLevel.filter { $0.kind == .macroDefinition && !$0.isMacroBuiltin }
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
        return candidates
    }
}

extension Reader {
    /// A macro's definition as written (after its name and parameters), on one line with comments removed.
    func macroDefinition(_ cursor: Cursor, name: String, files: inout FileCache) -> String? {
        let (file, start, end) = cursor.extentOffsets
        guard let file else { return nil }
        let path: String
        if let p = files.paths[file] { path = p } else { path = file.name; files.paths[file] = path }
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

/// Whether a token is already what `joinTokens` makes of it: ASCII, no newline, no blank at either end (almost every
/// token), so the Foundation replacing and trimming can be skipped.
func isPlainToken(_ t: String) -> Bool {
    let u = t.utf8
    guard let first = u.first, let last = u.last, first != 0x20, first != 0x09, last != 0x20, last != 0x09 else { return false }
    return u.allSatisfy { $0 < 0x80 && $0 != 0x0a }
}

/// Joins macro tokens the way people write them: `(1U << 0)`, `f(a, b)`.
func joinTokens(_ tokens: [String]) -> String {
    var out = ""
    var previous = ""
    for raw in tokens {
        let t = isPlainToken(raw) ? raw : raw.replacingOccurrences(of: "\\\n", with: " ").replacingOccurrences(of: "\n", with: " ")
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

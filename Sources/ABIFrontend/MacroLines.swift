import ABIModel
import Foundation

/// The macro section (``Frontend/macroSection(_:)``) a header group's own translation unit carries after its
/// `#include` lines, so that one parse both reads the declarations and evaluates the macros (instead of a second
/// unit with the same headers).
///
/// Which macros will be candidates is known only after the parse, so the section evaluates every name the selected
/// headers `#define` (a lexical scan of their bytes); a name that is no macro after the last
/// header gets the error a candidate #undef'd would get too, and lines that are no candidate's are not read. A
/// candidate the scan missed (a definition spelled unusually) or whose line was lost sends the group back to a
/// macro unit of its own, so the scan only ever saves a parse and never decides a value.
struct MacroLines {
    /// The scanned names, in the order met; the name at index k is evaluated by `__abigen_macro_k`.
    var names: [String] = []
    /// The index of each name in ``names``.
    var index: [String: Int] = [:]

    /// Scans the files of `headers` for macro definitions whose names `prefixes` (when given) selects.
    init(headers: [(label: String, path: String)], prefixes: [String]?) {
        for h in headers {
            guard let data = FileManager.default.contents(atPath: h.path) else { continue }
            for name in MacroLines.definedNames([UInt8](data)) where index[name] == nil {
                if let prefixes, !prefixes.contains(where: { name.hasPrefix($0) }) { continue }
                index[name] = names.count
                names.append(name)
            }
        }
    }

    /// The section's text.
    var text: String { Frontend.macroSection(names) }

    /// The names of `#define NAME` lines (blanks allowed around `#`), in file order. Function-like ones count too: one
    /// `#undef`'d at the end is no longer known as function-like, and is a candidate.
    static func definedNames(_ bytes: [UInt8]) -> [String] {
        var names: [String] = []
        var i = 0
        let n = bytes.count
        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        let word = Array("define".utf8)
        while i < n {
            // at the start of a line
            var j = i
            while j < n, isBlank(bytes[j]) { j += 1 }
            if j < n, bytes[j] == UInt8(ascii: "#") {
                j += 1
                while j < n, isBlank(bytes[j]) { j += 1 }
                if j + word.count < n, bytes[j..<(j + word.count)].elementsEqual(word), isBlank(bytes[j + word.count]) {
                    j += word.count
                    while j < n, isBlank(bytes[j]) { j += 1 }
                    let start = j
                    while j < n, SnapshotText.isIdentifierByte(bytes[j]) { j += 1 }
                    if j > start, !(bytes[start] >= UInt8(ascii: "0") && bytes[start] <= UInt8(ascii: "9")) {
                        names.append(String(decoding: bytes[start..<j], as: UTF8.self))
                    }
                }
            }
            // to the next line
            while j < n, bytes[j] != 0x0a { j += 1 }
            i = j + 1
        }
        return names
    }
}

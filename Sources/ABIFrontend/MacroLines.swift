import ABIModel
import Foundation

/// The macro evaluation lines a header group's own translation unit carries after its `#include` lines, so that one
/// parse both reads the declarations and evaluates the macros (instead of a second unit with the same headers).
///
/// Which macros will be candidates is known only after the parse, so the lines cover every name the selected headers
/// `#define` as an object-like macro (a lexical scan of their bytes), each guarded by `#ifdef` so that a name not
/// defined after the last header adds no declaration. A candidate the scan missed (a definition spelled unusually)
/// or whose line lost its declaration sends the group back to a macro unit of its own, so the scan only ever saves a
/// parse and never decides a value.
struct MacroLines {
    /// The scanned names, in the order met; the name at index k is evaluated by `__abigen_macro_k`.
    var names: [String] = []
    /// The index of each name in ``names``.
    var index: [String: Int] = [:]
    /// The lines, each name taking three: `#ifdef`, the evaluation line of ``Frontend/evaluationLine(_:)``, `#endif`.
    var text = ""

    /// Scans the files of `headers` for object-like macro definitions whose names `prefixes` (when given) selects.
    init(headers: [(label: String, path: String)], prefixes: [String]?) {
        for h in headers {
            guard let data = FileManager.default.contents(atPath: h.path) else { continue }
            for name in MacroLines.definedNames([UInt8](data)) where index[name] == nil {
                if let prefixes, !prefixes.contains(where: { name.hasPrefix($0) }) { continue }
                index[name] = names.count
                text += "#ifdef \(name)\n\(Frontend.evaluationLine(name, index: names.count))#endif\n"
                names.append(name)
            }
        }
    }

    /// The line (1-based, in a unit whose macro lines start at `firstLine`) that evaluates the name at `k`.
    static func line(of k: Int, firstLine: Int) -> Int {
        let (offset, overflow) = k.multipliedReportingOverflow(by: 3)
        return overflow ? Int.max : firstLine.addingReportingOverflow(offset).partialValue + 1
    }

    /// The names of `#define NAME` lines (blanks allowed around `#`) not followed by `(`, in file order.
    static func definedNames(_ bytes: [UInt8]) -> [String] {
        var names: [String] = []
        var i = 0
        let n = bytes.count
        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        while i < n {
            // at the start of a line
            var j = i
            while j < n, isBlank(bytes[j]) { j += 1 }
            if j < n, bytes[j] == UInt8(ascii: "#") {
                j += 1
                while j < n, isBlank(bytes[j]) { j += 1 }
                let word = Array("define".utf8)
                if j + word.count < n, bytes[j..<(j + word.count)].elementsEqual(word), isBlank(bytes[j + word.count]) {
                    j += word.count
                    while j < n, isBlank(bytes[j]) { j += 1 }
                    let start = j
                    while j < n, CompilerIdentity.isIdentifierByte(bytes[j]) { j += 1 }
                    if j > start, !(bytes[start] >= UInt8(ascii: "0") && bytes[start] <= UInt8(ascii: "9")),
                       j >= n || bytes[j] != UInt8(ascii: "(") {
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

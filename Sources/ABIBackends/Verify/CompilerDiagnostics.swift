import ABIModel
import Foundation

/// The compiler's located messages in its output, and which probe check each error belongs to.
enum CompilerDiagnostics {
    /// One compiler diagnostic line: `file:line:col: error: text`, or a note.
    struct Diagnostic {
        var file: String
        var line: Int
        var isError: Bool
        /// The whole line as the compiler printed it.
        var text: String
    }

    /// The located diagnostics in compiler output (errors, fatal errors, notes), in order.
    static func parse(_ output: String) -> [Diagnostic] {
        var result: [Diagnostic] = []
        for raw in output.split(separator: "\n") {
            let line = String(raw)
            let kind: Bool
            let marker: Range<String.Index>
            if let r = line.range(of: ": fatal error: ") ?? line.range(of: ": error: ") { kind = true; marker = r }
            else if let r = line.range(of: ": note: ") { kind = false; marker = r }
            else { continue }
            // Location is `file:line[:col]` before the marker.
            let parts = line[..<marker.lowerBound].split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 2 else {
                result.append(Diagnostic(file: "", line: 0, isError: kind, text: line))
                continue
            }
            let numbers = parts.reversed().prefix(2).compactMap { Int($0) }
            let lineNumber: Int, fileParts: Int
            if numbers.count == 2 { lineNumber = numbers[1]; fileParts = parts.count - 2 }
            else if numbers.count == 1 { lineNumber = numbers[0]; fileParts = parts.count - 1 }
            else { lineNumber = 0; fileParts = parts.count }
            result.append(Diagnostic(file: parts.prefix(fileParts).joined(separator: ":"), line: lineNumber,
                                     isError: kind, text: line))
        }
        return result
    }

    /// Maps each error to the probe check whose line it is on, or whose line a following note points at
    /// (a macro defined in a header, expanded in the probe). Unattributable errors are left out.
    static func attribute(_ diagnostics: [Diagnostic], source: String, lineKeys: [Int: CheckKey])
        -> (keys: [CheckKey: String], allAttributed: Bool) {
        var result: [CheckKey: String] = [:]
        var all = true
        let sourceName = URL(fileURLWithPath: source).lastPathComponent
        func isProbe(_ d: Diagnostic) -> Bool { d.file == source || URL(fileURLWithPath: d.file).lastPathComponent == sourceName }
        for (i, d) in diagnostics.enumerated() where d.isError {
            var key: CheckKey? = isProbe(d) ? lineKeys[d.line] : nil
            if key == nil {
                for note in diagnostics[(i + 1)...] {
                    if note.isError { break }
                    if isProbe(note), let k = lineKeys[note.line] { key = k; break }
                }
            }
            guard let key else { all = false; continue }
            if result[key] == nil {
                let message = d.text.range(of: "error: ").map { String(d.text[$0.upperBound...]) } ?? d.text
                result[key] = "does not compile: " + message
            }
        }
        return (result, all)
    }
}

/// Escaping of text placed in a Markdown table row, shared by the layout report and the diff report.
///
/// The rule, for text inside a code span or a table cell (``cell(_:)``): a `|` becomes `\|` (GitHub tables split
/// cells on unescaped pipes, even inside code spans); a backtick becomes `'` (it would end the code span, and a code
/// span cannot escape it); a line break (`\n` or `\r`) becomes a space (a table row is one line). Text outside a code
/// span (``text(_:)``) also gets `&`, `<` and `>` as entities, or a renderer takes `struct <unnamed>` for an HTML tag
/// and drops it; inside a code span entities would show literally, so ``cell(_:)`` leaves them.
enum MarkdownEscaping {
    /// `s` safe inside a code span within a table row.
    static func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "`", with: "'")
            .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }

    /// `s` safe as plain text within a table row (``cell(_:)`` plus HTML entities).
    static func text(_ s: String) -> String {
        cell(s).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

import ABIModel
import Foundation

/// Output formats of `abigen diff` and `abigen check`.
public enum DiffFormat: String, Sendable, CaseIterable {
    case text, json, markdown, github
}

/// What makes `diff`/`check` exit 1.
public enum FailOn: String, Sendable, CaseIterable {
    /// Any unsuppressed breaking change.
    case breaking
    /// Any unsuppressed breaking or compatible change (notes never fail).
    case any

    /// 1 when an unsuppressed change reaches the threshold, else 0.
    public func exitStatus(for changes: [ABIChange]) -> Int32 {
        let counted = changes.filter { !$0.suppressed }
        switch self {
        case .breaking: return counted.contains { $0.severity == .breaking } ? 1 : 0
        case .any: return counted.contains { $0.severity != .note } ? 1 : 0
        }
    }
}

/// Renders classified changes.
public enum DiffReport {
    /// `3 breaking, 12 compatible, 4 notes (1 suppressed)`.
    public static func summary(_ changes: [ABIChange]) -> String {
        let live = changes.filter { !$0.suppressed }
        let b = live.filter { $0.severity == .breaking }.count
        let c = live.filter { $0.severity == .compatible }.count
        let n = live.filter { $0.severity == .note }.count
        let s = changes.count - live.count
        return "\(b) breaking, \(c) compatible, \(n) note\(n == 1 ? "" : "s")" + (s > 0 ? " (\(s) suppressed)" : "")
    }

    /// The changes in `format`; `oldLabel`/`newLabel` name the two sides.
    /// `notes` say what was not compared (a BTF side has no macros, …): the JSON report lists them as `notCompared`;
    /// the GitHub format gives each a `::notice::` line; the others leave them to the caller (``markdownNotes(_:)``, plain lines after the text report).
    public static func render(_ changes: [ABIChange], format: DiffFormat, oldLabel: String, newLabel: String, notes: [String] = []) -> String {
        switch format {
        case .text: return text(changes, oldLabel, newLabel)
        case .json: return json(changes, oldLabel, newLabel, notes: notes)
        case .markdown: return markdown(changes, oldLabel, newLabel)
        case .github: return github(changes, oldLabel, newLabel, notes: notes)
        }
    }

    static func valuePart(_ c: ABIChange) -> String {
        switch (c.old, c.new) {
        case let (o?, n?): return "\(o) → \(n)"
        case let (o?, nil): return "was \(o)"
        case let (nil, n?): return n
        default: return ""
        }
    }

    static func text(_ changes: [ABIChange], _ oldLabel: String, _ newLabel: String) -> String {
        var out = "ABI changes from \(oldLabel) to \(newLabel): \(summary(changes))\n"
        for severity in Severity.allCases {
            let group = changes.filter { $0.severity == severity }
            guard !group.isEmpty else { continue }
            out += "\n\(severity.rawValue):\n"
            for c in group {
                out += "  \(c.suppressed ? "[suppressed] " : "")\(c.subject): \(c.kind): \(valuePart(c))\n      \(c.reason)\n"
            }
        }
        return out
    }

    struct JSONReport: Encodable {
        struct Summary: Encodable {
            var breaking: Int, compatible: Int, notes: Int, suppressed: Int
        }
        var old: String
        var new: String
        var summary: Summary
        var changes: [ABIChange]
        /// What was not compared; absent when everything was.
        var notCompared: [String]?
    }

    static func json(_ changes: [ABIChange], _ oldLabel: String, _ newLabel: String, notes: [String] = []) -> String {
        let live = changes.filter { !$0.suppressed }
        let report = JSONReport(old: oldLabel, new: newLabel,
                                summary: .init(breaking: live.filter { $0.severity == .breaking }.count,
                                               compatible: live.filter { $0.severity == .compatible }.count,
                                               notes: live.filter { $0.severity == .note }.count,
                                               suppressed: changes.count - live.count),
                                changes: changes, notCompared: notes.isEmpty ? nil : notes)
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? e.encode(report)) ?? Data(), as: UTF8.self) + "\n"
    }

    /// Text for a code span or cell (see ``MarkdownEscaping``).
    static func md(_ s: String) -> String { MarkdownEscaping.cell(s) }

    /// Text outside a code span (see ``MarkdownEscaping``).
    static func mdText(_ s: String) -> String { MarkdownEscaping.text(s) }

    static func markdown(_ changes: [ABIChange], _ oldLabel: String, _ newLabel: String) -> String {
        var out = "# ABI changes: \(mdText(oldLabel)) → \(mdText(newLabel))\n\n**\(summary(changes))**\n"
        for severity in Severity.allCases {
            let group = changes.filter { $0.severity == severity }
            guard !group.isEmpty else { continue }
            out += "\n## \(severity.rawValue.capitalized) (\(group.count))\n\n| what | change | old | new | why |\n|---|---|---|---|---|\n"
            for c in group {
                out += "| \(c.suppressed ? "~~" : "")`\(md(c.subject))`\(c.suppressed ? "~~ (suppressed)" : "") | \(c.kind) | \(mdText(c.old ?? "")) | \(mdText(c.new ?? "")) | \(mdText(c.reason)) |\n"
            }
        }
        return out
    }

    /// What was not compared, as a Markdown section with one list item per note (empty without notes).
    public static func markdownNotes(_ notes: [String]) -> String {
        guard !notes.isEmpty else { return "" }
        return "\n## Not compared\n\n" + notes.map { "- \(mdText($0))\n" }.joined()
    }

    /// GitHub Actions workflow-command escaping of a message.
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Escaping of a property value (also `:` and `,`).
    static func escapeProperty(_ s: String) -> String {
        escape(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    static func github(_ changes: [ABIChange], _ oldLabel: String, _ newLabel: String, notes: [String] = []) -> String {
        var out = ""
        // Breaking → error, compatible → warning, note → notice; a suppressed change is a notice whatever its class.
        for c in changes {
            let command = c.suppressed ? "notice" : c.severity == .breaking ? "error" : c.severity == .compatible ? "warning" : "notice"
            let title = escapeProperty("ABI \(c.severity.rawValue)\(c.suppressed ? " (suppressed)" : ""): \(c.kind) \(c.subject)")
            out += "::\(command) title=\(title)::\(escape("\(c.subject): \(valuePart(c)). \(c.reason)"))\n"
        }
        for note in notes { out += "::notice::\(escape(note))\n" }
        out += "ABI changes from \(oldLabel) to \(newLabel): \(summary(changes))\n"
        return out
    }
}

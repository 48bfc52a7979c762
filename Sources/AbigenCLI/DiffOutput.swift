import ABIBackends
import ABIModel
import ArgumentParser
import Foundation

/// Options shared by `diff` and `check`.
struct DiffOutputOptions: ParsableArguments, Sendable {
    @Option(help: ArgumentHelp("Output: text, json (an object with a `changes` array), markdown, or github (Actions annotations).", valueName: "format"))
    var format: DiffFormat = .text

    @Option(help: ArgumentHelp("Exit 1 on: breaking (default) or any (breaking or compatible; notes never fail).", valueName: "level"))
    var failOn: FailOn = .breaking

    @Option(help: ArgumentHelp("Accept known changes listed in this file (see Documentation/Suppressions.md); they are shown but do not fail.", valueName: "file"), completion: .file())
    var suppressions: String?

    /// Diffs, applies suppressions, prints, and fails with status 1 when asked to.
    func report(old: ABISnapshot, new: ABISnapshot, oldLabel: String, newLabel: String, notes: [String] = []) throws {
        var changes = ABIDiffer.diff(old: old, new: new)
        if let path = suppressions {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ToolError("abigen: \(path): cannot read suppression file") }
            do { changes = try Suppressions.parse(text, path: path).apply(to: changes) }
            catch let e as Suppressions.ParseError { throw ToolError("abigen: \(e)") }
        }
        var text = DiffReport.render(changes, format: format, oldLabel: oldLabel, newLabel: newLabel, notes: notes)
        if format == .markdown { text += LayoutMarkdown.changedRecords(changes, old: old, new: new) + DiffReport.markdownNotes(notes) }
        if !notes.isEmpty, format == .text { text += notes.map { "\n" + $0 }.joined() + "\n" }
        try OutputFile.writeStandardOutput(Data(text.utf8))
        let status = failOn.exitStatus(for: changes)
        if status != 0 { throw ExitCode(status) }
    }
}

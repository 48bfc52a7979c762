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

    @Option(help: ArgumentHelp("Accept known changes listed in this file (see Documentation/Suppressions.md); they are shown but do not fail.", valueName: "file"))
    var suppressions: String?

    /// Diffs, applies suppressions, prints, and fails with status 1 when asked to.
    func report(old: ABISnapshot, new: ABISnapshot, oldLabel: String, newLabel: String, notes: [String] = []) throws {
        var changes = ABIDiffer.diff(old: old, new: new)
        if let path = suppressions {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ToolError("abigen: \(path): cannot read suppression file") }
            do { changes = try Suppressions.parse(text, path: path).apply(to: changes) }
            catch let e as Suppressions.ParseError { throw ToolError("abigen: \(e)") }
        }
        var text = DiffReport.render(changes, format: format, oldLabel: oldLabel, newLabel: newLabel)
        if format == .markdown { text += LayoutMarkdown.changedRecords(changes, old: old, new: new) }
        if !notes.isEmpty, format == .text || format == .markdown { text += notes.map { "\n" + $0 }.joined() + "\n" }
        try OutputFile.writeStandardOutput(Data(text.utf8))
        let status = failOn.exitStatus(for: changes)
        if status != 0 { throw ExitCode(status) }
    }
}

/// `abigen diff OLD NEW`: classified ABI changes between two snapshots or header directories.
struct Diff: AsyncParsableCommand, Sendable {
    static let configuration = CommandConfiguration(
        abstract: "Classify every ABI change between two snapshots or header directories (exit 1 if breaking).",
        discussion: """
        OLD and NEW are snapshot files (abigen --format json) or directories: an
        include directory (parsed with the header options given here), or a
        Linux source tree (read as with --kernel-tree). Every change is listed
        as breaking, compatible or note, with the old and new values and why.

        Breaking: a record's size or alignment changed; a member moved, was
        resized or removed; a record or constant removed; a value changed or an
        enumerator renumbered; a bitfield moved.
        Compatible: new records, constants, enumerators; a new member inside a
        union that still fits; a reserved member (pad, resv, reserved, unused…)
        given a meaning without moving anything; a *_LAST sentinel that grew
        because enumerators were added before it.
        Notes: a member's type spelled differently at the same size (signedness
        changes called out), a member renamed in place, an anonymous union
        renumbered (this breaks bindgen's __bindgen_anon_N and Swift's
        __Anonymous_fieldN, not abigen's names).

        Examples:
          abigen diff old.json new.json
          abigen diff /usr/include .build/kernel-trees/6.12 --format markdown
          abigen diff 6.1.json 6.12.json --suppressions abi/suppressions.txt
        """)

    @Argument(help: ArgumentHelp("The old side: a snapshot file or a directory.", valueName: "old"))
    var old: String
    @Argument(help: ArgumentHelp("The new side: a snapshot file or a directory.", valueName: "new"))
    var new: String

    @OptionGroup var source: HeaderOptions
    @OptionGroup var output: DiffOutputOptions

    func run() async throws {
        // The two sides load (decode or parse) in parallel: a whole-uapi snapshot is 14 MB of JSON.
        // Each task returns its own snapshot; nothing is shared between them.
        async let oldSide = load(old)
        async let newSide = load(new)
        let (oldSnapshot, newSnapshot) = try await (oldSide, newSide)
        let sides = try BTFInput.comparable(old: oldSnapshot, oldIsBTF: InputKind.of(old) == .btf, new: newSnapshot, newIsBTF: InputKind.of(new) == .btf)
        try output.report(old: sides.old, new: sides.new, oldLabel: old, newLabel: new, notes: sides.notes)
    }

    /// A side: a snapshot file, a kernel tree, or an include directory.
    func load(_ path: String) throws -> ABISnapshot {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw ToolError("abigen: \(path): no such file or directory") }
        if source.btf != nil { throw ToolError("abigen: diff: give the BTF file as OLD or NEW, not with --btf") }
        if try InputKind.of(path) == .btf { return try BTFInput.snapshot(path, options: source) }
        if !isDir.boolValue {
            do { return try ABISnapshot.load(from: path) } catch let e as SnapshotError { throw ToolError("abigen: \(e)") }
        }
        var options = source
        if FileManager.default.fileExists(atPath: path + "/include/uapi/linux") {
            options.kernelTree = path
            if options.includeDirectories.isEmpty { options.includeDirectories = ["/usr/include"] }
        } else {
            options.includeDirectories = [path] + options.includeDirectories
        }
        return try options.snapshot()
    }
}

/// `abigen check --baseline FILE --headers DIR`: the CI form of diff.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Diff a committed baseline snapshot against today's headers (the one-line CI check).",
        discussion: """
        The same as `abigen diff BASELINE <headers>`: parses the headers with the
        options given, classifies every change from the baseline and exits 1 on
        a breaking change (or on any with --fail-on any). After a reviewed
        upgrade, refresh the baseline with
          abigen --headers /usr/include --format json -o BASELINE

        Example:
          abigen check --baseline abi/io_uring.json --headers /usr/include --format github
        """)

    @Option(help: ArgumentHelp("The committed snapshot (abigen --format json).", valueName: "file"))
    var baseline: String

    @OptionGroup var source: HeaderOptions
    @OptionGroup var output: DiffOutputOptions

    func run() throws {
        let old: ABISnapshot
        if try InputKind.of(baseline) == .btf { var o = source; o.btf = baseline; old = try o.snapshot() }
        else { do { old = try ABISnapshot.load(from: baseline) } catch let e as SnapshotError { throw ToolError("abigen: \(e)") } }
        let new = try source.snapshot()
        let sides = try BTFInput.comparable(old: old, oldIsBTF: InputKind.of(baseline) == .btf, new: new, newIsBTF: source.btf != nil)
        try output.report(old: sides.old, new: sides.new, oldLabel: baseline, newLabel: source.btf ?? source.includeDirectories.joined(separator: ":"),
                          notes: sides.notes)
    }
}

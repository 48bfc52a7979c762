import ABIBackends
import ABIModel
import ArgumentParser
import Foundation

/// `abigen check --baseline FILE --headers DIR`: the CI form of diff.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",   // spelled out, as in Generate: no String(describing:) at every start
        abstract: "Diff a committed baseline snapshot against today's headers (the one-line CI check).",
        discussion: """
        The same as `abigen diff BASELINE <headers>`: parses the headers with the
        options given, classifies every change from the baseline and exits 1 on
        a breaking change (or on any with --fail-on any). Without --headers,
        --header, --kernel-tree, --target, --include or --clang-arg, the headers
        the baseline records it was made from are read again, with the same
        include directories, target and compiler arguments. With --btf FILE the
        new side is that BTF; a baseline made from BTF is compared with its BTF
        file again, both read with the selection it records (unless --record,
        --preset or --macro-prefix say otherwise). Sides with no record and no
        constant are refused (exit 2). After a reviewed upgrade, refresh the baseline with
          abigen --headers /usr/include --format json -o BASELINE

        Examples:
          abigen check --baseline abi/io_uring.json --headers /usr/include --format github
          abigen check --baseline abi/io_uring.json
              today's copy of the headers the baseline was made from
          abigen check --baseline abi/io_uring.json --btf /sys/kernel/btf/vmlinux
        """)

    @Option(help: ArgumentHelp("The committed snapshot (abigen --format json), or a BTF file.", valueName: "file"), completion: .file(extensions: ["json"]))
    var baseline: String

    @OptionGroup var source: HeaderOptions
    @OptionGroup var output: DiffOutputOptions

    func validate() throws {
        try BTFInput.refuseHeaderOptions(source, command: "check")
    }

    func run() throws {
        source.diagnostics.phase("check: start")
        var old: ABISnapshot
        if try InputKind.of(baseline) == .btf { var o = source; o.btf = baseline; old = try o.snapshot() }
        else { do { old = try ABISnapshot.load(from: baseline) } catch let e as SnapshotError { throw ToolError("abigen: \(e)") } }
        let new = try newSide(old)
        // `--record` narrows the new side: the baseline is narrowed alike, or every record it leaves out would be
        // reported as removed.
        if !source.recordFilters.isEmpty { old = Self.narrowed(old, to: source.recordFilters) }
        source.diagnostics.phase("check: both sides read")
        let sides = try BTFInput.comparable(old: old, oldIsBTF: InputKind.of(baseline) == .btf, new: new, newIsBTF: source.btf != nil || recordedBTF(old) != nil)
        try BTFInput.refuseEmpty(old: sides.old, new: sides.new, options: source, command: "check")
        try output.report(old: sides.old, new: sides.new, oldLabel: baseline, newLabel: newLabel(old),
                          notes: sides.notes)
    }

    /// The new side: the header options or `--btf` when given; else what the baseline records it was read from
    /// (a BTF baseline: the same BTF file again, "does the kernel I run on still match"). A BTF file is read with
    /// the selection a BTF baseline records unless options say what to keep.
    func newSide(_ old: ABISnapshot) throws -> ABISnapshot {
        if let btf = source.btf { return try BTFInput.side(btf, options: source, other: old) }
        guard let btf = recordedBTF(old) else { return try source.snapshot(against: old, path: baseline) }
        guard FileManager.default.fileExists(atPath: btf) else {
            throw ToolError("abigen: \(baseline): the recorded BTF file \(btf) does not exist here; pass --btf FILE or --headers DIR")
        }
        if !BTFInput.selects(source) { return try BTFInput.replay(old, path: btf, target: source.target) }
        var options = source
        options.btf = btf
        return try options.snapshot()
    }

    /// `snapshot` with only the records `globs` select and the element records of their arrays of anonymous
    /// records (named `__typeof__(…)`, made with the record that holds them), as the frontends select.
    static func narrowed(_ snapshot: ABISnapshot, to globs: [String]) -> ABISnapshot {
        var s = snapshot
        let index = Dictionary(s.records.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        var keep = Set(s.records.indices.filter { i in globs.contains { globMatch($0, s.records[i].name) } })
        var work = Array(keep)
        while let i = work.popLast() {
            for f in s.records[i].fields {
                if let name = f.type.record, let j = index[name], s.records[j].cName.hasPrefix("__typeof__("),
                   keep.insert(j).inserted { work.append(j) }
            }
        }
        s.records = s.records.indices.filter { keep.contains($0) }.map { s.records[$0] }
        return s
    }

    /// The BTF file a BTF baseline was read from, when no option says what to compare it with.
    func recordedBTF(_ old: ABISnapshot) -> String? {
        guard source.btf == nil, !source.invocationGiven, source.headers.isEmpty else { return nil }
        return old.source?.btf?.path
    }

    /// The new side's name in the report: the BTF file, the `--headers` directories, or the baseline's recorded ones.
    func newLabel(_ baseline: ABISnapshot) -> String {
        if let btf = source.btf ?? recordedBTF(baseline) { return btf }
        var recorded = source.recordedSource(of: baseline)?.includeDirectories.filter { $0.role == .user }.map(\.path)
        if baseline.source == nil, !source.invocationGiven, source.headers.isEmpty { recorded = baseline.includeDirectories }
        return (recorded ?? source.includeDirectories).joined(separator: ":")
    }
}

import ABIBackends
import ABIFrontend
import ABIModel
import ArgumentParser
import Foundation

/// `abigen diff OLD NEW`: classified ABI changes between two snapshots or header directories.
struct Diff: AsyncParsableCommand, Sendable {
    static let configuration = CommandConfiguration(
        commandName: "diff",   // spelled out, as in Generate: no String(describing:) at every start
        abstract: "Classify every ABI change between two snapshots or header directories (exit 1 if breaking).",
        discussion: """
        OLD and NEW are snapshot files (abigen --format json), BTF files (a raw
        blob such as /sys/kernel/btf/vmlinux, or an ELF object with .BTF) or
        directories: an include directory (parsed with the header options given
        here), or a Linux source tree (read as with --kernel-tree). A BTF file
        compared with a snapshot made from BTF is read with the selection that
        snapshot records, unless --record, --preset or --macro-prefix say
        otherwise. Every change is listed
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
          abigen diff abi/vmlinux.json /sys/kernel/btf/vmlinux
        """)

    @Argument(help: ArgumentHelp("The old side: a snapshot file, a BTF file (raw blob or ELF object with .BTF) or a directory.", valueName: "old"), completion: .file())
    var old: String
    @Argument(help: ArgumentHelp("The new side: a snapshot file, a BTF file (raw blob or ELF object with .BTF) or a directory.", valueName: "new"), completion: .file())
    var new: String

    @OptionGroup var source: HeaderOptions
    @OptionGroup var output: DiffOutputOptions

    func validate() throws {
        if source.btf != nil { throw ToolError("abigen: diff: give the BTF file as OLD or NEW, not with --btf") }
        // Header options apply only to a side given as a directory (and what to keep also to a BTF side).
        let directory = [old, new].contains { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &d) && d.boolValue }
        let btfSide = [old, new].contains { (try? InputKind.of($0)) == .btf }
        let unused = directory ? [] : source.readingOptionsGiven + (btfSide ? [] : source.selectionOptionsGiven)
        if let option = unused.first {
            throw ToolError("abigen: diff: \(option) does not apply: neither \(old) nor \(new) is a directory of headers to read")
        }
    }

    func run() async throws {
        source.diagnostics.phase("diff: start")
        // The two sides load (decode or parse) in parallel: a whole-uapi snapshot is 14 MB of JSON.
        // Each task returns its own snapshot; nothing is shared between them.
        let (oldSnapshot, newSnapshot) = try await sides()
        source.diagnostics.phase("diff: both sides read")
        let sides = try BTFInput.comparable(old: oldSnapshot, oldIsBTF: InputKind.of(old) == .btf, new: newSnapshot, newIsBTF: InputKind.of(new) == .btf)
        try BTFInput.refuseEmpty(old: sides.old, new: sides.new, options: source, command: "diff")
        try output.report(old: sides.old, new: sides.new, oldLabel: old, newLabel: new, notes: sides.notes)
    }

    /// Both sides. A BTF file against a snapshot file is read after it, with the selection a BTF snapshot records
    /// (what it did not select is absent, not removed); other sides load in parallel.
    func sides() async throws -> (ABISnapshot, ABISnapshot) {
        let kinds = (try InputKind.of(old), try InputKind.of(new))
        if kinds == (.btf, .snapshot), !BTFInput.selects(source) {
            let n = try load(new)
            return (try BTFInput.side(old, options: source, other: n), n)
        }
        if kinds == (.snapshot, .btf), !BTFInput.selects(source) {
            let o = try load(old)
            return (o, try BTFInput.side(new, options: source, other: o))
        }
        async let oldSide = load(old)
        async let newSide = load(new)
        return try await (oldSide, newSide)
    }

    /// A side: a snapshot file, a kernel tree, or an include directory.
    func load(_ path: String) throws -> ABISnapshot {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw ToolError("abigen: \(path): no such file or directory") }
        if try InputKind.of(path) == .btf { return try BTFInput.snapshot(path, options: source) }
        if !isDir.boolValue {
            do { return try ABISnapshot.load(from: path) } catch let e as SnapshotError { throw ToolError("abigen: \(e)") }
        }
        let side = source.side(directory: path)
        if KernelTree.looksLikeTree(path) || side.kernelTree != nil { return try side.snapshot() }
        let options = try side.parseOptions()
        let builtin = try? options.source.resolvedDirectories(builtin: options.builtinDirectory).filter { $0.role == .builtin }.map(\.path)
        for header in options.source.headers where HeaderLookup.firstMatch(header, in: [path] + (builtin ?? [])) == nil {
            throw ToolError("abigen: \(path): header \(header) is not in this directory; pass --header with headers it holds")
        }
        return try HeaderOptions.parse(options)
    }
}

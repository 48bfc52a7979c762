import ABIBTF
import ABIFrontend
import ABIModel
import Foundation

/// What a path given to `diff`, `check` or `verify` holds, told apart by its first bytes.
enum InputKind: Equatable {
    /// A raw BTF blob (magic 0xEB9F in either byte order) or an ELF object (read for its `.BTF` section).
    case btf
    /// Anything else that is a file: read as a JSON snapshot.
    case snapshot
    /// A directory: an include directory or a kernel tree.
    case directory

    /// Classifies `path`; a missing path is an error naming it.
    static func of(_ path: String) throws -> InputKind {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw ToolError("abigen: \(path): no such file or directory")
        }
        if isDir.boolValue { return .directory }
        // A FIFO or device could block or never end: only regular files (symbolic links followed) are sniffed.
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return .snapshot }
        guard let handle = FileHandle(forReadingAtPath: path) else { return .snapshot }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 4)) ?? Data())
        if head.count >= 2, (head[0] == 0x9f && head[1] == 0xeb) || (head[0] == 0xeb && head[1] == 0x9f) { return .btf }
        if head.count == 4, head == [0x7f, 0x45, 0x4c, 0x46] { return .btf }
        return .snapshot
    }
}

/// Reading BTF (the running kernel's `/sys/kernel/btf/vmlinux`, or an object's `.BTF`) into the ABI model.
enum BTFInput {
    /// The running kernel's BTF, which `--kernel-tree running` reads.
    static let runningKernel = "/sys/kernel/btf/vmlinux"
    /// The `--kernel-tree` value that means the running kernel's BTF.
    static let runningTree = "running"

    /// Record globs the io_uring preset takes from BTF: the uapi records and the kernel's `io_uring_cmd`.
    static let ioUringRecords = ["io_uring_*", "io_sqring_offsets", "io_cqring_offsets"]

    /// The snapshot of `path` as the header options select it: `--record` globs, else the preset's records;
    /// the preset's macro prefixes pick the enumerators kept as constants.
    static func snapshot(_ path: String, options: HeaderOptions) throws -> ABISnapshot {
        let preset = try options.resolvedPreset()
        var records = options.recordFilters
        if records.isEmpty, preset.name == Preset.ioUring.name { records = ioUringRecords }
        let prefixes: [String]? = options.allMacros ? nil : (options.macroPrefixes.isEmpty ? preset.macroPrefixes : options.macroPrefixes)
        return try read(path, options: BTFOptions(records: records, constantPrefixes: prefixes, target: options.target))
    }

    /// Reads `path` with `options`; a BTF error becomes one line and exit status 2.
    static func read(_ path: String, options: BTFOptions) throws -> ABISnapshot {
        for glob in options.records where glob.utf8.count > 4096 {
            throw ToolError("abigen: --record \(glob.prefix(40))…: a glob of \(glob.utf8.count) bytes is longer than the 4096 allowed")
        }
        do {
            Reporting.current.phase("btf: reading \(path)")
            let file = try BTFFile(path: path)
            Reporting.current.phase("btf: \(file.types.count) types decoded")
            var options = options
            options.diagnostics = Reporting.current
            var snapshot = try BTFFrontend.read(file, options: options).snapshot
            Reporting.current.phase("btf: \(snapshot.records.count) records, \(snapshot.constants.count) constants built")
            // Recorded, so `check --baseline` and `diff` read this BTF again with the same selection.
            if options.enums == nil {
                let selection = BTFSource.Selection(records: options.records, constantPrefixes: options.constantPrefixes)
                snapshot.source = .btf(BTFSource(path: snapshot.source?.btf?.path ?? path, selection: selection))
            }
            return snapshot
        } catch let e as BTFError {
            throw ToolError("abigen: \(e)")
        }
    }

    /// The BTF snapshot holding what `reference` needs compared: its records by name, and every enumerator of the
    /// enums its enumerators belong to on either side (an anonymous enum of old headers may be named in the kernel).
    static func counterpart(of reference: ABISnapshot, in path: String, target: String?) throws -> ABISnapshot {
        let records = Array(Set(reference.records.map(\.name))).sorted()
        // An empty record list means every record: a name no identifier can have selects none.
        var btf = try read(path, options: BTFOptions(records: records.isEmpty ? ["\u{1}none"] : records, enums: nil, constantPrefixes: nil,
                                                     target: target ?? reference.target))
        let wanted = Set(reference.constants.map(\.name))
        var enums = Set(reference.constants.compactMap(\.enumName))
        for c in btf.constants where wanted.contains(c.name) { if let e = c.enumName { enums.insert(e) } }
        btf.constants = btf.constants.filter { wanted.contains($0.name) || ($0.enumName.map(enums.contains) ?? false) }
        if case .btf(var b)? = btf.source { b.selection = nil; btf.source = .btf(b) }   // chosen by name, not by a selection
        return btf
    }

    /// Whether `options` say what to keep of a BTF file (`--record`, `--preset none`, `--macro-prefix`,
    /// `--all-macros`); when they do not, a selection a BTF snapshot recorded is read again instead of the preset's.
    static func selects(_ options: HeaderOptions) -> Bool {
        !options.recordFilters.isEmpty || options.preset != .ioUring || !options.macroPrefixes.isEmpty || options.allMacros
    }

    /// The BTF at `path` read with the selection `recorded` (a BTF snapshot) records, for `target` (nil: the
    /// snapshot's); a snapshot written before selections were recorded: the records and enums it holds.
    static func replay(_ recorded: ABISnapshot, path: String, target: String?) throws -> ABISnapshot {
        guard let selection = recorded.source?.btf?.selection else { return try counterpart(of: recorded, in: path, target: target) }
        return try read(path, options: BTFOptions(records: selection.records, constantPrefixes: selection.constantPrefixes,
                                                  target: target ?? recorded.target))
    }

    /// The BTF file `path` read as `options` say, or, when they select nothing and `other` (the other side of a
    /// comparison) is a BTF snapshot, with the selection it recorded: what is not selected is absent, not removed.
    /// The target is `--target`'s or the file's own (another file may describe another machine).
    static func side(_ path: String, options: HeaderOptions, other: ABISnapshot?) throws -> ABISnapshot {
        guard !selects(options), let selection = other?.source?.btf?.selection else { return try snapshot(path, options: options) }
        return try read(path, options: BTFOptions(records: selection.records, constantPrefixes: selection.constantPrefixes, target: options.target))
    }

    /// What a header-side snapshot and a BTF-side snapshot can be compared on.
    struct Restricted {
        /// The header side, without what BTF cannot describe.
        var snapshot: ABISnapshot
        /// Records of the header side the BTF does not describe (sorted).
        var undescribedRecords: [String]
        /// Macros of the header side: BTF has none.
        var macros: Int
        /// Enumerators of the header side whose enum the BTF does not describe.
        var undescribedEnumerators: [String]

        /// Lines saying what was left out, for the report.
        var lines: [String] {
            var out: [String] = []
            if macros > 0 { out.append("BTF has no macros: \(macros) macro constant\(macros == 1 ? "" : "s") of the headers not compared") }
            if !undescribedRecords.isEmpty {
                out.append("\(undescribedRecords.count) record\(undescribedRecords.count == 1 ? "" : "s") not described by the BTF (not compared): \(undescribedRecords.joined(separator: ", "))")
            }
            if !undescribedEnumerators.isEmpty {
                out.append("\(undescribedEnumerators.count) enumerator\(undescribedEnumerators.count == 1 ? "" : "s") not described by the BTF (not compared): \(undescribedEnumerators.joined(separator: ", "))")
            }
            return out
        }
    }

    /// `headers` without macros (BTF has none), records BTF lacks, and enumerators of enums BTF lacks:
    /// the kernel's BTF holds only the types its code uses, so absence there is not removal.
    static func restrict(_ headers: ABISnapshot, to btf: ABISnapshot) -> Restricted {
        var s = headers
        let btfRecords = Set(btf.records.map(\.name))
        let btfEnums = Set(btf.constants.compactMap(\.enumName))
        let btfConstants = Set(btf.constants.map(\.name))
        let undescribed = s.records.filter { !btfRecords.contains($0.name) }.map(\.name).sorted()
        s.records.removeAll { !btfRecords.contains($0.name) }
        let macros = s.constants.filter { $0.origin == .macro }.count
        var enumerators: [String] = []
        s.constants.removeAll { c in
            if c.origin == .macro { return true }
            if btfConstants.contains(c.name) || (c.enumName.map(btfEnums.contains) ?? false) { return false }
            enumerators.append(c.name)
            return true
        }
        s.skippedMacros = []
        s.unsupported = []
        return Restricted(snapshot: s, undescribedRecords: undescribed, macros: macros, undescribedEnumerators: enumerators.sorted())
    }

    /// Header options with `--kernel-tree running`: the uapi from the headers, `io_uring_cmd` from the running kernel's BTF.
    static func headersWithRunningKernel(_ options: HeaderOptions) throws -> ABISnapshot {
        var o = options
        o.kernelTree = nil
        let preset = try options.resolvedPreset()
        if o.headers.isEmpty { o.headers = preset.headers }   // not the built-in declaration of io_uring_cmd
        var s = try addingRunningKernel(to: try o.snapshot(), target: options.target)
        // Recorded, so `check` reads the running kernel again and `verify --snapshot` refuses it as it refuses the option.
        if case .headers(var h)? = s.source { h.kernelTree = HeaderSource.KernelTree(path: runningTree); s.source = .headers(h) }
        return s
    }

    /// `s` with `struct io_uring_cmd` from the running kernel's BTF instead of its own.
    static func addingRunningKernel(to snapshot: ABISnapshot, target: String?) throws -> ABISnapshot {
        var s = snapshot
        let btf = try read(runningKernel, options: BTFOptions(records: ["io_uring_cmd"], constantPrefixes: ["\u{1}none"],
                                                              target: target, header: "vmlinux"))
        guard !btf.records.isEmpty else { throw ToolError("abigen: \(runningKernel): the running kernel's BTF has no struct io_uring_cmd") }
        let kept = Set(btf.records.map(\.name))
        s.records.removeAll { kept.contains($0.name) }
        s.records += btf.records.map { var r = $0; r.header = "vmlinux"; return r }
        if !s.headers.contains("vmlinux") { s.headers.append("vmlinux") }
        s.unsupported.append(Unsupported(name: "io_uring_cmd", reason: "read from the running kernel's BTF (\(runningKernel)): its IORING_URING_CMD_* macros are not there"))
        s.normalize()
        return s
    }
}

extension BTFInput {
    /// The two sides of a diff made comparable: when exactly one is BTF, the other loses what BTF cannot describe.
    /// A side is BTF when its flag says so (a BTF file was read) or its snapshot records a BTF source (a BTF
    /// snapshot saved as JSON).
    static func comparable(old: ABISnapshot, oldIsBTF: Bool, new: ABISnapshot, newIsBTF: Bool) -> (old: ABISnapshot, new: ABISnapshot, notes: [String]) {
        switch (oldIsBTF || old.source?.btf != nil, newIsBTF || new.source?.btf != nil) {
        case (false, true):
            let r = restrict(old, to: new)
            return (r.snapshot, new, r.lines)
        case (true, false):
            let r = restrict(new, to: old)
            return (old, r.snapshot, r.lines)
        case (true, true):
            return (old, new, ["BTF has no macros: constants are enumerators only"])
        case (false, false):
            return (old, new, [])
        }
    }
}

extension BTFInput {
    /// The options only headers use, by their flags, among those given: with `--btf` they would be ignored.
    static func headerOnlyOptions(_ options: HeaderOptions) -> [String] {
        var given: [String] = []
        if !options.includeDirectories.isEmpty { given.append("--headers") }
        if !options.headers.isEmpty { given.append("--header") }
        if !options.preludeHeaders.isEmpty { given.append("--include") }
        if !options.clangArguments.isEmpty { given.append("--clang-arg") }
        if options.kernelTree != nil { given.append("--kernel-tree") }
        if options.skipBrokenHeaders { given.append("--skip-broken-headers") }
        return given
    }

    /// `--btf` together with options that only headers use: refused on one line (exit 2), since BTF is read
    /// instead of headers and they would be silently ignored. `command` names the subcommand ("" for the default).
    static func refuseHeaderOptions(_ options: HeaderOptions, command: String = "") throws {
        guard let btf = options.btf else { return }
        let given = headerOnlyOptions(options)
        guard !given.isEmpty else { return }
        throw ToolError("abigen: \(command.isEmpty ? "" : command + ": ")--btf \(btf) reads the ABI from BTF instead of headers: \(given.joined(separator: ", ")) cannot be used with it")
    }

    /// Every `--btf` value given: more than one is refused on one line (exit 2); one file is read.
    static func refuseRepeated(_ files: [String]) throws {
        guard files.count > 1 else { return }
        throw ToolError("abigen: --btf given \(files.count) times (\(files.joined(separator: ", "))): one BTF file is read; give it once")
    }

    /// `matrix` compiles headers for many targets: `--btf` (one kernel's build) and `--kernel-tree running`
    /// (this machine's kernel) describe a single target, so both are refused on one line (exit 2).
    static func refuseInMatrix(_ options: HeaderOptions) throws {
        if let btf = options.btf {
            throw ToolError("abigen: matrix: --btf \(btf) describes one kernel build, not a set of targets; compare headers with it instead: abigen verify --headers DIR --btf \(btf)")
        }
        if options.kernelTree == runningTree {
            throw ToolError("abigen: matrix: --kernel-tree running reads struct io_uring_cmd from this machine's kernel BTF, which describes one target only; give a kernel source tree (--kernel-tree DIR), or compare with the kernel: abigen verify --headers DIR --btf \(runningKernel)")
        }
    }
}

extension BTFInput {
    /// A comparison in which neither side has a record or a constant is refused on one line (exit 2), naming the
    /// selection: it would pass having compared nothing. One empty side is a real removal or addition.
    static func refuseEmpty(old: ABISnapshot, new: ABISnapshot, options: HeaderOptions, command: String) throws {
        guard old.records.isEmpty, old.constants.isEmpty, new.records.isEmpty, new.constants.isEmpty else { return }
        var given: [String] = options.recordFilters.map { "--record \($0)" } + options.macroPrefixes.map { "--macro-prefix \($0)" }
        if options.allMacros { given.append("--all-macros") }
        if options.preset != .ioUring { given.append("--preset \(options.preset.rawValue)") }
        let selection: String
        if !given.isEmpty { selection = given.joined(separator: " ") }
        else if let recorded = old.source?.btf?.selection ?? new.source?.btf?.selection,
                recorded != BTFSource.Selection(records: ioUringRecords, constantPrefixes: Preset.ioUring.macroPrefixes) {
            let records = recorded.records.isEmpty ? "every record" : "records " + recorded.records.map { SnapshotText.shown($0) }.joined(separator: ", ")
            let constants = recorded.constantPrefixes.map { $0.isEmpty ? "no enumerator" : "enumerators " + $0.map { SnapshotText.shown($0) }.joined(separator: ", ") + "…" } ?? "every enumerator"
            selection = "the recorded selection (\(records); \(constants))"
        } else { selection = "the io_uring preset" }
        throw ToolError("abigen: \(command): nothing to compare: \(selection) selects no record or constant in either side; pass --preset none or --record GLOB")
    }
}

import ABIBackends
import ABIFrontend
import ABIModel
import Foundation

/// The resolver: header options to the one description of the input (``HeaderSource``) and the parse options around it.
extension HeaderOptions {
    /// The preset (`--preset`).
    func resolvedPreset() throws -> Preset { preset.preset }

    /// The include directories and arguments these flags give, without needing a header: the kernel tree's and
    /// stand-ins' first, then the user's, then the target's own (a source whose ``HeaderSource/headers`` are empty).
    public func includeSource() throws -> (source: HeaderSource, builtin: String?) {
        var dirs: [HeaderSource.Directory] = []
        var tree: HeaderSource.KernelTree?
        var builtin: String?
        if let path = kernelTree, path != BTFInput.runningTree {
            let k = try KernelTree(root: path)
            builtin = try BuiltinHeaders.directory()
            dirs += k.includeDirectories()
            tree = HeaderSource.KernelTree(path: k.root, version: k.version)
        }
        dirs += includeDirectories.map { HeaderSource.Directory(path: $0, role: .user) }
        let source = HeaderSource(includeDirectories: dirs, headers: [], preludeHeaders: preludeHeaders, target: target,
                                  extraArguments: clangArguments, kernelTree: tree)
        return (SearchPath.addingTargetDirectories(to: source, builtin: builtin), builtin)
    }

    /// The parse options these flags describe: the resolved source (with abigen's Headers/ added when the
    /// preset needs it) and what to keep.
    public func parseOptions() throws -> ParseOptions {
        let preset = try resolvedPreset()
        var headers = try expandGlobs(self.headers.isEmpty ? preset.headers : self.headers)
        if headers.isEmpty { throw ToolError("abigen: no header: give --header PATH (the preset '\(preset.name)' has no default)") }
        var (source, builtin) = try includeSource()
        if let tree = kernelTree, tree != BTFInput.runningTree {
            let k = try KernelTree(root: tree)
            if self.headers.isEmpty { headers = [k.uapiHeaderLabel, k.cmdHeaderLabel] }
        } else if self.headers.isEmpty, !preset.builtinHeaders.isEmpty {
            builtin = try BuiltinHeaders.directory()
            // After the user's directories and before the target's, as before.
            let at = source.includeDirectories.firstIndex { $0.role == .target } ?? source.includeDirectories.endIndex
            source.includeDirectories.insert(HeaderSource.Directory(path: ".", role: .builtin), at: at)
            headers += preset.builtinHeaders
        }
        source.headers = headers
        var options = try parseOptions(source, builtin: builtin)
        options.skipBrokenHeaders = skipBrokenHeaders || self.headers.contains { $0.contains("*") || $0.contains("?") }
        return options
    }

    /// Parse options for a source resolved elsewhere (a baseline's recorded one): what to keep comes from these flags.
    func parseOptions(_ source: HeaderSource, builtin: String?) throws -> ParseOptions {
        let preset = try resolvedPreset()
        let macros: [String]? = allMacros ? nil : (macroPrefixes.isEmpty ? preset.macroPrefixes : macroPrefixes)
        var options = ParseOptions(source: source, builtinDirectory: builtin, recordFilters: recordFilters, macroPrefixes: macros)
        options.diagnostics = diagnostics
        return options
    }

    /// Expands `dir/*.h`-style patterns against the include directories (file names only, sorted).
    func expandGlobs(_ headers: [String]) throws -> [String] {
        var out: [String] = []
        for h in headers {
            guard h.contains("*") || h.contains("?") else { out.append(h); continue }
            let dir = (h as NSString).deletingLastPathComponent
            let pattern = (h as NSString).lastPathComponent
            var matches: Set<String> = []
            for base in includeDirectories {
                let full = dir.isEmpty ? base : base + "/" + dir
                for name in (try? FileManager.default.contentsOfDirectory(atPath: full)) ?? [] where globMatch(pattern, name) {
                    var isDir: ObjCBool = false
                    if FileManager.default.fileExists(atPath: full + "/" + name, isDirectory: &isDir), !isDir.boolValue {
                        matches.insert(dir.isEmpty ? name : dir + "/" + name)
                    }
                }
            }
            guard !matches.isEmpty else { throw ToolError("abigen: \(h): no header matches (looked in \(includeDirectories.joined(separator: ", ")))") }
            out += matches.sorted()
        }
        return out
    }

    /// Parses the headers into a snapshot whose recorded include directories are only the user's own.
    public func snapshot() throws -> ABISnapshot {
        if let btf { return try BTFInput.snapshot(btf, options: self) }
        if kernelTree == BTFInput.runningTree { return try BTFInput.headersWithRunningKernel(self) }
        return try Self.parse(try parseOptions())
    }

    /// The snapshot of resolved parse options; a frontend error becomes one line.
    static func parse(_ options: ParseOptions) throws -> ABISnapshot {
        do { return try Frontend.parse(options) } catch let e as FrontendError { throw ToolError("abigen: \(e)") }
    }

    /// These options for one side of `diff` given as a directory: a Linux source tree is read as with
    /// `--kernel-tree` (with /usr/include for the uapi when no `--headers` is given), any other directory is
    /// searched first for the headers.
    func side(directory path: String) -> HeaderOptions {
        var options = self
        if KernelTree.looksLikeTree(path) {
            options.kernelTree = path
            if options.includeDirectories.isEmpty { options.includeDirectories = ["/usr/include"] }
        } else {
            options.includeDirectories = [path] + options.includeDirectories
        }
        return options
    }

    /// Whether any option that decides the compiler invocation is given (they then win over a recorded source).
    var invocationGiven: Bool {
        !includeDirectories.isEmpty || kernelTree != nil || target != nil || !clangArguments.isEmpty || !preludeHeaders.isEmpty
    }

    /// How to compile a loaded snapshot's probe: the header options when any is given, else the source the
    /// snapshot records (schema 2), else (schema 1) the snapshot's own include directories and target.
    func verifyOptions(for abi: ABISnapshot, path: String, compiler: String?) throws -> VerifyOptions {
        let given = invocationGiven
        let recorded = abi.source?.headers
        if recorded?.kernelTree?.path == BTFInput.runningTree { try Self.refuseRunningKernelTree() }
        // A version 1 snapshot records no source: its header labels are all there is to go by.
        let needsBuiltin = recorded?.needsBuiltinHeaders ?? abi.headers.contains { $0.hasPrefix("abigen/") }
        let fromKernelTree = recorded.map { $0.kernelTree != nil } ?? abi.headers.contains { $0.hasPrefix("include/linux/") }
        if !given, let recorded {
            try Self.checkReplay(recorded, path: path)
            let builtin = recorded.needsBuiltinHeaders ? try BuiltinHeaders.directory() : nil
            return try VerifyOptions(compiler: compiler, source: recorded, builtin: builtin)
        }
        if fromKernelTree && kernelTree == nil {
            throw ToolError("abigen: \(path): it was made from a kernel tree; pass the same --kernel-tree")
        }
        var (resolved, builtin) = try includeSource()
        if !given {
            try Self.checkVersion1(abi, path: path)
            // A version 1 snapshot: its own include directories, and its target when it is not the host's.
            resolved.includeDirectories.insert(contentsOf: abi.includeDirectories.map { .init(path: $0, role: .user) }, at: 0)
            if let t = Self.version1Target(abi) { resolved.target = t }
            resolved = SearchPath.addingTargetDirectories(to: resolved, builtin: builtin)
        }
        if needsBuiltin, !resolved.needsBuiltinHeaders {
            builtin = try BuiltinHeaders.directory()
            let at = resolved.includeDirectories.firstIndex { $0.role == .target } ?? resolved.includeDirectories.endIndex
            resolved.includeDirectories.insert(.init(path: ".", role: .builtin), at: at)
        }
        return try VerifyOptions(compiler: compiler, source: resolved, builtin: builtin)
    }

    /// A version 1 snapshot's target when it is not the host's architecture (nil: the host's).
    static func version1Target(_ abi: ABISnapshot) -> String? {
        abi.target.split(separator: "-").first != SearchPath.hostTriple.split(separator: "-").first ? abi.target : nil
    }

    /// The message `--kernel-tree running` gets from verify, also for a snapshot that records it.
    static func refuseRunningKernelTree() throws -> Never {
        throw ToolError("abigen: verify: --kernel-tree running reads struct io_uring_cmd from BTF, which no compiler can check; compare with the kernel instead: abigen verify --headers DIR --btf \(BTFInput.runningKernel)")
    }

    /// Refuses to replay a recorded source that could run code or touch files other than headers, whose kernel
    /// tree or include directories are gone (a silent fall-back to the system headers would mislead).
    static func checkReplay(_ recorded: HeaderSource, path: String) throws {
        if let refusal = recorded.replayRefusal {
            throw ToolError("abigen: \(path): cannot replay the recorded source: \(refusal)")
        }
        if let tree = recorded.kernelTree, tree.path != BTFInput.runningTree, !FileManager.default.fileExists(atPath: tree.path) {
            throw ToolError("abigen: \(path): made from the kernel tree \(tree.path), which does not exist here; pass --kernel-tree")
        }
        for d in recorded.includeDirectories where d.role == .user || d.role == .kernelTree {
            try checkDirectory(d.path, path: path)
        }
        try checkRecordedHeaders(recorded, path: path)
    }

    /// Each recorded header and prelude must resolve, in the recorded directories, to a regular file (a device or
    /// FIFO would be read forever); with user directories, each header must be found in one of them (no silent
    /// fall-back to the system headers).
    static func checkRecordedHeaders(_ recorded: HeaderSource, path: String) throws {
        let builtin = recorded.needsBuiltinHeaders ? try? BuiltinHeaders.directory() : nil
        guard let resolved = try? recorded.resolvedDirectories(builtin: builtin) else { return }
        let front = resolved.filter { $0.role != .target }.map(\.path), back = resolved.filter { $0.role == .target }.map(\.path)
        let dirs = front + back
        let system = SearchPath.systemDirectories(target: recorded.target)
        for header in recorded.preludeHeaders + recorded.headers {
            if let found = HeaderLookup.firstMatch(header, in: front + system + back), !HeaderLookup.isRegularFile(found) {
                throw ToolError("abigen: \(found): not a regular file")
            }
        }
        let user = recorded.includeDirectories.filter { $0.role == .user }
        guard !user.isEmpty else { return }
        for header in recorded.headers where HeaderLookup.firstMatch(header, in: dirs) == nil {
            let shown = user.map(\.path).joined(separator: ", ")
            throw ToolError("abigen: \(path): recorded header \(header) is not in its recorded include directories (\(shown)); pass --headers")
        }
    }

    /// A version 1 snapshot's include directories must exist to be searched again.
    static func checkVersion1(_ abi: ABISnapshot, path: String) throws {
        for d in abi.includeDirectories { try checkDirectory(d, path: path) }
    }

    static func checkDirectory(_ d: String, path: String) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: d, isDirectory: &isDir), isDir.boolValue else {
            throw ToolError("abigen: \(path): recorded include directory \(d) does not exist; pass --headers")
        }
    }

    /// The headers to compare a baseline with (`check`): the header options when any is given, else the source
    /// the baseline records (with what it kept), else (a version 1 baseline) its include directories and target.
    func snapshot(against baseline: ABISnapshot, path: String) throws -> ABISnapshot {
        guard let recorded = recordedSource(of: baseline) else {
            guard btf == nil, !invocationGiven, headers.isEmpty, baseline.source == nil else { return try snapshot() }
            try Self.checkVersion1(baseline, path: path)
            var options = self
            options.includeDirectories = baseline.includeDirectories
            options.target = Self.version1Target(baseline)
            return try options.snapshot()
        }
        try Self.checkReplay(recorded, path: path)
        do {
            var source = recorded
            let running = recorded.kernelTree?.path == BTFInput.runningTree
            if running { source.kernelTree = nil }
            let builtin = source.needsBuiltinHeaders ? try BuiltinHeaders.directory() : nil
            var options = try parseOptions(source, builtin: builtin)
            options.skipBrokenHeaders = skipBrokenHeaders
            if let selection = recorded.selection {
                if recordFilters.isEmpty { options.recordFilters = selection.records }
                if macroPrefixes.isEmpty, !allMacros { options.macroPrefixes = selection.macroPrefixes }
                options.skipBrokenHeaders = skipBrokenHeaders || selection.skipBrokenHeaders
            }
            let s = try Self.parse(options)
            return running ? try BTFInput.addingRunningKernel(to: s, target: recorded.target) : s
        } catch let e as SourceError {
            throw ToolError("abigen: check: \(e)")
        }
    }

    /// The source `check` re-reads for a baseline: the one it records, unless header options are given.
    func recordedSource(of baseline: ABISnapshot) -> HeaderSource? {
        guard btf == nil, !invocationGiven, headers.isEmpty else { return nil }
        return baseline.source?.headers
    }
}

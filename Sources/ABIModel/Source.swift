/// What a snapshot was read from: the one description of the input every stage consumes.
///
/// A resolver (the command line's `--headers`, `--header`, `--target`, `--kernel-tree`, … or a config
/// file) produces it once; the frontend parses it, the verifier compiles its probe with exactly its
/// compiler arguments, and the snapshot records it so that `verify --snapshot` and `check` reproduce
/// the invocation without guessing.
public enum ABISource: Sendable, Equatable {
    /// C headers read by a compiler frontend.
    case headers(HeaderSource)
    /// A BTF blob (the running kernel's `/sys/kernel/btf/vmlinux`, or an object's `.BTF` section).
    case btf(BTFSource)

    /// The header source, if this is one.
    public var headers: HeaderSource? { if case .headers(let h) = self { return h } else { return nil } }
    /// The BTF source, if this is one.
    public var btf: BTFSource? { if case .btf(let b) = self { return b } else { return nil } }
}

/// C headers and the exact compiler invocation that reads them.
public struct HeaderSource: Sendable, Equatable {
    /// Why an include directory is searched.
    public enum Role: String, Codable, Sendable, Equatable, CaseIterable {
        /// Given by the user (`--headers DIR`); searched with `-I`.
        case user
        /// abigen's own `Headers/` directory (built-in declarations such as `abigen/io_uring_cmd.h`);
        /// recorded relative to it, so a snapshot does not name the machine's install path.
        case builtin
        /// abigen's stand-in headers for a kernel tree (`Headers/kernel`), recorded relative to `Headers/`.
        case standIn = "stand-in"
        /// A directory of a kernel source tree (`include/uapi`, the tree itself).
        case kernelTree = "kernel-tree"
        /// The target's own headers (multiarch, cross), searched after the system directories (`-idirafter`).
        case target
    }

    /// One include directory.
    public struct Directory: Codable, Sendable, Equatable {
        /// The path: absolute or as given for ``Role/user`` and ``Role/kernelTree``; relative to abigen's
        /// `Headers/` (`.` for itself) for ``Role/builtin`` and ``Role/standIn``.
        public var path: String
        /// Why it is searched.
        public var role: Role
        public init(path: String, role: Role) { self.path = path; self.role = role }
    }

    /// A kernel source tree the headers come from.
    public struct KernelTree: Codable, Sendable, Equatable {
        /// The tree's top directory.
        public var path: String
        /// `VERSION.PATCHLEVEL.SUBLEVEL` from its Makefile, when it could be read.
        public var version: String?
        public init(path: String, version: String? = nil) { self.path = path; self.version = version }
    }

    /// Include directories in search order (``Role/target`` ones come after the system directories).
    public var includeDirectories: [Directory]
    /// The selected headers, relative to an include directory (or absolute).
    public var headers: [String]
    /// Headers included before the selected ones, whose declarations are not kept.
    public var preludeHeaders: [String]
    /// The target triple given; nil: the host.
    public var target: String?
    /// Extra compiler arguments (`--clang-arg`), after the include directories.
    public var extraArguments: [String]
    /// The kernel tree, when the headers come from one (`running`: the running kernel's BTF for `struct io_uring_cmd`).
    public var kernelTree: KernelTree?
    /// What was kept (nil in snapshots written before it was recorded).
    public var selection: Selection?

    public init(includeDirectories: [Directory], headers: [String], preludeHeaders: [String] = [], target: String? = nil,
                extraArguments: [String] = [], kernelTree: KernelTree? = nil, selection: Selection? = nil) {
        self.selection = selection
        self.includeDirectories = includeDirectories
        self.headers = headers
        self.preludeHeaders = preludeHeaders
        self.target = target
        self.extraArguments = extraArguments
        self.kernelTree = kernelTree
    }

    /// What was kept of what was read (`--record`, `--macro-prefix`/`--all-macros`/`--preset`,
    /// `--skip-broken-headers`), so `check --baseline` re-reads exactly the same selection.
    public struct Selection: Codable, Sendable, Equatable {
        /// Record name globs; empty: every record of the selected headers.
        public var records: [String]
        /// Macro name prefixes evaluated; nil: every object-like macro.
        public var macroPrefixes: [String]?
        /// Headers that do not compile together were parsed apart (and skipped when they fail alone).
        public var skipBrokenHeaders: Bool
        public init(records: [String] = [], macroPrefixes: [String]?, skipBrokenHeaders: Bool = false) {
            self.records = records
            self.macroPrefixes = macroPrefixes
            self.skipBrokenHeaders = skipBrokenHeaders
        }
    }

    /// The arguments a recorded source may hand to a compiler when abigen replays it (`verify --snapshot`,
    /// `check --baseline` without header options): definitions (`-D`, `-U`), include directories (`-I`), the
    /// language standard (`-std=`) and machine options (`-m…`). Anything else (`-fplugin=`, `-o`, `-MF`, `@file`,
    /// `-include`, `-B`, `-Wl,`) could run code, write files or read them, so a snapshot naming it is not
    /// replayed; the user gives such arguments with `--clang-arg`, where they are the user's own.
    public static func isReplayable(_ argument: String) -> Bool {
        func word(_ s: Substring) -> Bool {
            !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_=.,-+".contains($0)) }
        }
        for prefix in ["-D", "-U"] where argument.hasPrefix(prefix) {
            let rest = argument.dropFirst(2)
            return !rest.isEmpty && rest.unicodeScalars.allSatisfy { !SnapshotText.isForbidden($0) } && !rest.hasPrefix("-")
        }
        if argument.hasPrefix("-I") { let rest = argument.dropFirst(2); return !rest.isEmpty && !rest.hasPrefix("-") }
        if argument.hasPrefix("-std=") { return word(argument.dropFirst(5)) }
        if argument.hasPrefix("-m") { return argument != "-mllvm" && word(argument.dropFirst(2)) }   // -mllvm passes the next argument to LLVM
        return false
    }

    /// Why this recorded source cannot be replayed (nil when it can): an argument outside ``isReplayable(_:)``,
    /// a header that is absolute or climbs with `..`, or no header at all.
    public var replayRefusal: String? {
        if let bad = extraArguments.first(where: { !Self.isReplayable($0) }) {
            return "its recorded compiler argument \(SnapshotText.shown(bad).debugDescription) is not one abigen replays (only -DNAME, -UNAME, -IDIR, -std=, -m…); give the header options yourself (e.g. --clang-arg)"
        }
        if let bad = (headers + preludeHeaders).first(where: { SnapshotText.headerProblem($0) != nil }) {
            return "its recorded header \(SnapshotText.shown(bad).debugDescription) \(SnapshotText.headerProblem(bad) ?? "")"
        }
        if headers.isEmpty { return "it records no header" }
        return nil
    }

    /// The include directories as paths, in order, `Headers/`-relative ones resolved against `builtin`
    /// (nil when the source has none, or abigen's `Headers/` is unknown and none is needed).
    public func resolvedDirectories(builtin: String?) throws(SourceError) -> [(path: String, role: Role)] {
        var out: [(path: String, role: Role)] = []
        for d in includeDirectories {
            switch d.role {
            case .builtin, .standIn:
                guard let builtin else { throw SourceError("the headers need abigen's Headers/ directory (\(d.role.rawValue) \(d.path)), which was not found") }
                out.append((d.path == "." ? builtin : builtin + "/" + d.path, d.role))
            default:
                out.append((d.path, d.role))
            }
        }
        return out
    }

    /// The compiler's search and definition arguments: `-I` for every directory but the target's, `-idirafter`
    /// for the target's, then ``extraArguments``. Language, target and output flags are the caller's.
    public func searchArguments(builtin: String?) throws(SourceError) -> [String] {
        var args: [String] = []
        let dirs = try resolvedDirectories(builtin: builtin)
        for d in dirs where d.role != .target { args += ["-I", d.path] }
        for d in dirs where d.role == .target { args += ["-idirafter", d.path] }
        return args + extraArguments
    }

    /// Whether any directory is abigen's own (``Role/builtin`` or ``Role/standIn``).
    public var needsBuiltinHeaders: Bool { includeDirectories.contains { $0.role == .builtin || $0.role == .standIn } }
}

/// A BTF blob.
public struct BTFSource: Sendable, Equatable {
    /// The file read (`/sys/kernel/btf/vmlinux`, an ELF object).
    public var path: String
    /// What was kept (nil in snapshots written before it was recorded).
    public var selection: Selection?
    public init(path: String, selection: Selection? = nil) { self.path = path; self.selection = selection }

    /// What was kept of the BTF (`--record`, `--preset`, `--macro-prefix`/`--all-macros`), so `check --baseline`
    /// and `diff` read the BTF again with exactly the same selection.
    public struct Selection: Codable, Sendable, Equatable {
        /// Record name globs; empty: every named record.
        public var records: [String]
        /// Enumerator name prefixes kept as constants; nil: every enumerator.
        public var constantPrefixes: [String]?
        public init(records: [String], constantPrefixes: [String]?) { self.records = records; self.constantPrefixes = constantPrefixes }
    }
}

/// A source that cannot be used as recorded.
public struct SourceError: Error, CustomStringConvertible, Sendable {
    /// What is wrong.
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

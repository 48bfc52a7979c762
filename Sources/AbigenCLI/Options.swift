import ABIFrontend
import ABIModel
import ArgumentParser
import Foundation

/// An error the CLI reports as one line and maps to an exit status.
public struct ToolError: Error, CustomStringConvertible {
    /// The message (already naming the file at fault).
    public var message: String
    /// Exit status: 1 for a failed check, 2 for bad input or environment.
    public var status: Int32
    public init(_ message: String, status: Int32 = 2) { self.message = message; self.status = status }
    public var description: String { message }
}

/// A named set of defaults for one ABI.
public struct Preset: Sendable {
    /// Preset name (`io_uring`).
    public var name: String
    /// Default headers, relative to the include directories.
    public var headers: [String]
    /// Macro prefixes whose integer macros become constants (nil: all).
    public var macroPrefixes: [String]?
    /// Headers from abigen's own `Headers/` directory added by default (relative to it).
    public var builtinHeaders: [String]

    /// io_uring: `linux/io_uring.h` plus abigen's own declaration of the kernel-internal `struct io_uring_cmd`.
    public static let ioUring = Preset(name: "io_uring", headers: ["linux/io_uring.h"],
                                       macroPrefixes: ["IORING_", "IOSQE_", "IO_URING_", "IO_WQ_", "SOCKET_URING_OP_"],
                                       builtinHeaders: ["abigen/io_uring_cmd.h"])
    /// No defaults: every record and object-like macro of the headers named with `--header`.
    public static let none = Preset(name: "none", headers: [], macroPrefixes: nil, builtinHeaders: [])

    /// Looks a preset up by name.
    public static func named(_ name: String) -> Preset? { [ioUring, none].first { $0.name == name } }
}

/// Where abigen's own `Headers/` directory is (stand-in kernel headers and built-in declarations).
public enum BuiltinHeaders {
    /// Searched: `$ABIGEN_HEADERS`, `Headers/` above the executable (a build in the checkout), `../share/abigen/Headers`, the source checkout.
    public static func directory() throws -> String {
        let fm = FileManager.default
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["ABIGEN_HEADERS"], !env.isEmpty { candidates.append(env) }
        var dir = (CommandLine.arguments.first.map { realPathOf($0) } ?? "") as NSString
        for _ in 0..<6 {
            dir = dir.deletingLastPathComponent as NSString
            candidates.append(dir.appendingPathComponent("Headers"))
            candidates.append(dir.appendingPathComponent("share/abigen/Headers"))
        }
        let source = (#filePath as NSString).deletingLastPathComponent as NSString   // Sources/AbigenCLI
        candidates.append(((source.deletingLastPathComponent as NSString).deletingLastPathComponent as NSString).appendingPathComponent("Headers"))
        for c in candidates where fm.fileExists(atPath: c + "/abigen/io_uring_cmd.h") { return realPathOf(c) }
        throw ToolError("abigen: cannot find abigen's Headers/ directory (looked in \(candidates.joined(separator: ", "))); set ABIGEN_HEADERS")
    }

    static func realPathOf(_ p: String) -> String {
        guard let r = realpath(p, nil) else { return p }
        defer { free(r) }
        return String(cString: r)
    }
}

/// Options shared by every command that reads headers.
public struct HeaderOptions: ParsableArguments, Sendable {
    public init() {}

    @Option(name: .customLong("headers"), help: ArgumentHelp("Include directory searched for the header (repeatable, in order; the system include path still applies after them).", valueName: "dir"))
    public var includeDirectories: [String] = []

    @Option(name: .customLong("header"), help: ArgumentHelp("Header to read, relative to the include directories (repeatable). Default: the preset's (linux/io_uring.h).", valueName: "path"))
    public var headers: [String] = []

    @Flag(help: "Parse headers that do not compile together each on its own, and skip (listing clang's first error in the output) those that do not compile alone. On automatically when --header has a wildcard.")
    public var skipBrokenHeaders = false

    @Option(name: .customLong("include"), help: ArgumentHelp("Header to include before the selected ones, for headers that need another first (repeatable; its declarations are not kept), e.g. --include linux/time_types.h for liburing's copy.", valueName: "path"))
    public var preludeHeaders: [String] = []

    @Option(help: ArgumentHelp("Target triple, e.g. i686-linux-gnu, aarch64-linux-gnu, arm-linux-gnueabihf. Default: the host. Pair it with that target's headers (--headers /usr/i686-linux-gnu/include).", valueName: "triple"))
    public var target: String?

    @Option(help: ArgumentHelp("Defaults for one ABI: io_uring (linux/io_uring.h, IORING_/IOSQE_/IO_URING_/IO_WQ_/SOCKET_URING_OP_ macros, struct io_uring_cmd) or none.", valueName: "name"))
    public var preset: String = "io_uring"

    @Option(name: .customLong("record"), help: ArgumentHelp("Keep only records whose name matches this glob (repeatable).", valueName: "glob"))
    public var recordFilters: [String] = []

    @Option(name: .customLong("macro-prefix"), help: ArgumentHelp("Evaluate object-like macros with this prefix (repeatable; replaces the preset's prefixes).", valueName: "prefix"))
    public var macroPrefixes: [String] = []

    @Flag(help: "Evaluate every object-like macro of the headers, whatever its prefix.")
    public var allMacros = false

    @Option(help: ArgumentHelp("A Linux source tree (e.g. extracted from Debian's linux-source-6.12): read struct io_uring_cmd and IORING_URING_CMD_* from its include/linux/io_uring/cmd.h (or include/linux/io_uring.h before 6.3) and the uapi header from its include/uapi. 'running': struct io_uring_cmd from the running kernel's BTF (/sys/kernel/btf/vmlinux), the uapi from the headers.", valueName: "dir"))
    public var kernelTree: String?

    @Option(help: ArgumentHelp("Read the ABI from this BTF file instead of headers: the running kernel's /sys/kernel/btf/vmlinux, or an ELF object with a .BTF section (BTF has no macros; see the README section 'Check against the running kernel').", valueName: "file"))
    public var btf: String?

    @Option(name: .customLong("clang-arg"), parsing: .unconditionalSingleValue, help: ArgumentHelp("Extra argument for clang and the probe compiler (repeatable), e.g. --clang-arg=-DFOO.", valueName: "arg"))
    public var clangArguments: [String] = []

    public func validate() throws {
        _ = try resolvedPreset()
        // The snapshot validator refuses any other target, so a snapshot written with it could never be read back.
        if let t = target, !SnapshotText.isTriple(t) {
            throw ToolError("abigen: --target \(t.debugDescription): not a target triple ([A-Za-z0-9_.-]+, not starting with '-')")
        }
        for h in headers + preludeHeaders {
            if let bad = h.unicodeScalars.first(where: { $0 == "\"" || $0 == "\\" || $0.properties.generalCategory == .control }) {
                let what = bad == "\"" ? "a quote" : bad == "\\" ? "a backslash" : "a control character"
                throw ToolError("abigen: header \(h.debugDescription): a header path cannot contain \(what)")
            }
            if h.isEmpty { throw ToolError("abigen: empty header path") }
            if h.contains("*") || h.contains("?") { continue }
            // The first include directory that has the name decides, as for #include.
            for dir in includeDirectories {
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: dir + "/" + h, isDirectory: &isDir) else { continue }
                if isDir.boolValue { throw ToolError("abigen: header \(h): \(dir)/\(h) is a directory, not a header file") }
                break
            }
        }
    }

    /// The preset, or a validation error naming the choices.
    func resolvedPreset() throws -> Preset {
        guard let p = Preset.named(preset) else { throw ToolError("abigen: unknown preset '\(preset)' (choose io_uring or none)") }
        return p
    }

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
        let macros: [String]? = allMacros ? nil : (macroPrefixes.isEmpty ? preset.macroPrefixes : macroPrefixes)
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
        var options = ParseOptions(source: source, builtinDirectory: builtin, recordFilters: recordFilters, macroPrefixes: macros)
        options.skipBrokenHeaders = skipBrokenHeaders || self.headers.contains { $0.contains("*") || $0.contains("?") }
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
        let options = try parseOptions()
        do { return try Frontend.parse(options) } catch let e as FrontendError { throw ToolError("abigen: \(e)") }
    }
}

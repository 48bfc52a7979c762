import ABIModel
import ArgumentParser
import Foundation

/// Options shared by every command that reads headers (the resolver in Resolver.swift turns them into a source).
public struct HeaderOptions: ParsableArguments, Sendable {
    public init() {}

    @Option(name: .customLong("headers"), help: ArgumentHelp("Include directory searched for the header (repeatable, in order; the system include path still applies after them).", valueName: "dir"),
            completion: .directory)
    public var includeDirectories: [String] = []

    @Option(name: .customLong("header"), help: ArgumentHelp("Header to read, relative to the include directories (repeatable). Default: the preset's (linux/io_uring.h).", valueName: "path"),
            completion: .file(extensions: ["h"]))
    public var headers: [String] = []

    @Flag(help: "Parse headers that do not compile together each on its own, and skip (listing clang's first error in the output) those that do not compile alone. On automatically when --header has a wildcard.")
    public var skipBrokenHeaders = false

    @Option(name: .customLong("include"), help: ArgumentHelp("Header to include before the selected ones, for headers that need another first (repeatable; its declarations are not kept), e.g. --include linux/time_types.h for liburing's copy.", valueName: "path"),
            completion: .file(extensions: ["h"]))
    public var preludeHeaders: [String] = []

    @Option(help: ArgumentHelp("Target triple, e.g. i686-linux-gnu, aarch64-linux-gnu, arm-linux-gnueabihf. Default: the host. Pair it with that target's headers (--headers /usr/i686-linux-gnu/include).", valueName: "triple"))
    public var target: String?

    @Option(help: ArgumentHelp("Defaults for one ABI: io_uring (linux/io_uring.h, IORING_/IOSQE_/IO_URING_/IO_WQ_/SOCKET_URING_OP_ macros, struct io_uring_cmd) or none.", valueName: "name"))
    public var preset: PresetName = .ioUring

    @Option(name: .customLong("record"), help: ArgumentHelp("Keep only records whose name matches this glob (repeatable).", valueName: "glob"))
    public var recordFilters: [String] = []

    @Option(name: .customLong("macro-prefix"), help: ArgumentHelp("Evaluate object-like macros with this prefix (repeatable; replaces the preset's prefixes).", valueName: "prefix"))
    public var macroPrefixes: [String] = []

    @Flag(help: "Evaluate every object-like macro of the headers, whatever its prefix.")
    public var allMacros = false

    @Option(help: ArgumentHelp("A Linux source tree (e.g. extracted from Debian's linux-source-6.12): read struct io_uring_cmd and IORING_URING_CMD_* from its include/linux/io_uring/cmd.h (or include/linux/io_uring.h before 6.3) and the uapi header from its include/uapi. 'running': struct io_uring_cmd from the running kernel's BTF (/sys/kernel/btf/vmlinux), the uapi from the headers.", valueName: "dir"),
            completion: .directory)
    public var kernelTree: String?

    @Option(name: .customLong("btf"), help: ArgumentHelp("Read the ABI from this BTF file instead of headers: the running kernel's /sys/kernel/btf/vmlinux, or an ELF object with a .BTF section (BTF has no macros; see the README section 'Check against the running kernel').", valueName: "file"),
            completion: .file())
    var btfFiles: [String] = []

    @Option(name: .customLong("clang-arg"), parsing: .unconditionalSingleValue, help: ArgumentHelp("Extra argument for clang and the probe compiler (repeatable), e.g. --clang-arg=-DFOO.", valueName: "arg"))
    public var clangArguments: [String] = []

    @Flag(help: "Show warnings (declarations left out) and phase timings on standard error. ABIGEN_TRACE set in the environment (to anything but empty or 0) shows the timings too.")
    public var verbose = false

    /// The BTF file to read instead of headers (`--btf`, given at most once).
    public var btf: String? {
        get { btfFiles.last }
        set { btfFiles = newValue.map { [$0] } ?? [] }
    }

    public func validate() throws {
        // The snapshot validator refuses any other target, so a snapshot written with it could never be read back.
        if let t = target, !SnapshotText.isTriple(t) {
            throw ToolError("abigen: --target \(t.debugDescription): not a target triple ([A-Za-z0-9_.-]+, not starting with '-')")
        }
        try BTFInput.refuseRepeated(btfFiles)
        if allMacros, !macroPrefixes.isEmpty {
            throw ToolError("abigen: --all-macros and --macro-prefix conflict: --all-macros keeps every macro, whatever its prefix")
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

    /// The options given that say how headers are read (`--headers`, `--header`, …), by their flag names.
    var readingOptionsGiven: [String] {
        var given: [String] = []
        if !includeDirectories.isEmpty { given.append("--headers") }
        if !headers.isEmpty { given.append("--header") }
        if kernelTree != nil { given.append("--kernel-tree") }
        if !preludeHeaders.isEmpty { given.append("--include") }
        if !clangArguments.isEmpty { given.append("--clang-arg") }
        if skipBrokenHeaders { given.append("--skip-broken-headers") }
        return given
    }

    /// The options given that say what to keep or for which target (`--record`, `--target`, …), by their flag names.
    var selectionOptionsGiven: [String] {
        var given: [String] = []
        if !recordFilters.isEmpty { given.append("--record") }
        if target != nil { given.append("--target") }
        if !macroPrefixes.isEmpty { given.append("--macro-prefix") }
        if allMacros { given.append("--all-macros") }
        return given
    }
}

import ABIModel
import Foundation

/// What to parse and what to keep.
public struct ParseOptions: Sendable {
    /// What to read: include directories, headers, target, extra arguments (the resolver's output).
    public var source: HeaderSource
    /// abigen's own `Headers/` directory, for the source's built-in and stand-in directories.
    public var builtinDirectory: String?
    /// Record name globs to keep (empty: every record of the selected headers).
    public var recordFilters: [String]
    /// Macro name prefixes to evaluate (nil: every object-like macro of the selected headers).
    public var macroPrefixes: [String]?
    /// Parse headers that fail together on their own, and skip (listing the reason) those that fail alone.
    public var skipBrokenHeaders = false
    /// Parse a target whose clang layouts the kernel's own compiler contradicts (m68k, ``LayoutPolicy``); the
    /// caller must correct the snapshot from a gcc probe before emitting anything.
    public var acceptLayoutsToCorrect = false
    /// Where notes, warnings and phase timings go (nil: nowhere).
    public var diagnostics: Diagnostics?

    public init(source: HeaderSource, builtinDirectory: String? = nil, recordFilters: [String] = [], macroPrefixes: [String]?) {
        self.source = source
        self.builtinDirectory = builtinDirectory
        self.recordFilters = recordFilters
        self.macroPrefixes = macroPrefixes
    }

    /// The selected headers.
    var headers: [String] { source.headers }
    /// The target triple; nil for the host.
    var target: String? { source.target }
    /// Headers included first.
    var preludeHeaders: [String] { source.preludeHeaders }
    /// The `-I` directories (all but the target's), resolved; empty when abigen's `Headers/` is needed and unknown
    /// (``Frontend/parse(_:)`` refuses that first).
    var includeDirectories: [String] {
        ((try? source.resolvedDirectories(builtin: builtinDirectory)) ?? []).filter { $0.role != .target }.map(\.path)
    }

    /// The clang arguments these options give: language and target, then the source's search arguments.
    var clangArguments: [String] {
        var args = ["-x", "c", "-std=gnu11", "-w", "-ferror-limit=0"]
        if let target { args += ["-target", target] }
        return args + ((try? source.searchArguments(builtin: builtinDirectory)) ?? [])
    }
}

/// Targets whose libclang layouts abigen does not emit as they are.
public enum LayoutPolicy {
    /// Why the target's clang layouts cannot be trusted (nil when they can): on m68k clang 14 aligns 64-bit
    /// integers (and records holding them) to 8, gcc, which builds the m68k kernel, to 2.
    public static func refusal(target: String) -> String? {
        guard (target.split(separator: "-").first ?? "") == "m68k" else { return nil }
        return "m68k: clang 14 aligns 64-bit integers to 8 bytes where gcc, the compiler the m68k kernel is built with, "
            + "aligns them to 2, so libclang's layouts are not the kernel's ABI; abigen refuses them. Use "
            + "`abigen matrix --targets m68k-linux-gnu --compilers gcc` (Debian gcc-m68k-linux-gnu), which corrects every layout from gcc's probe"
    }
}

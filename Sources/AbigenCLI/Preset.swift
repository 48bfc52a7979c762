import ABIModel
import ArgumentParser
import Foundation

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

/// The `--preset` choices.
public enum PresetName: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// ``Preset/ioUring``.
    case ioUring = "io_uring"
    /// ``Preset/none``.
    case noDefaults = "none"

    /// The preset this name selects.
    public var preset: Preset {
        switch self {
        case .ioUring: return .ioUring
        case .noDefaults: return .none
        }
    }
}

/// Where abigen's own `Headers/` directory is (stand-in kernel headers and built-in declarations).
public enum BuiltinHeaders {
    /// Searched: `$ABIGEN_HEADERS`, `Headers/` above the executable (a build in the checkout), `../share/abigen/Headers`, the source checkout.
    public static func directory() throws -> String {
        let fm = FileManager.default
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["ABIGEN_HEADERS"], !env.isEmpty { candidates.append(env) }
        var dir = (CommandLine.arguments.first.map { realPath($0) } ?? "") as NSString
        for _ in 0..<6 {
            dir = dir.deletingLastPathComponent as NSString
            candidates.append(dir.appendingPathComponent("Headers"))
            candidates.append(dir.appendingPathComponent("share/abigen/Headers"))
        }
        let source = (#filePath as NSString).deletingLastPathComponent as NSString   // Sources/AbigenCLI
        candidates.append(((source.deletingLastPathComponent as NSString).deletingLastPathComponent as NSString).appendingPathComponent("Headers"))
        for c in candidates where fm.fileExists(atPath: c + "/abigen/io_uring_cmd.h") { return realPath(c) }
        throw ToolError("abigen: cannot find abigen's Headers/ directory (looked in \(candidates.joined(separator: ", "))); set ABIGEN_HEADERS")
    }
}

import ABIModel
import ArgumentParser
import Foundation

/// `abigen.json`: a project's abigen runs, so nobody types a long command line.
///
/// ```json
/// { "outputs": [ { "output": "Sources/IoUring/Generated/IoUringABI.swift",
///                  "headers": ["/usr/include"], "kernelTree": ".build/kernel-trees/6.12" } ] }
/// ```
/// Relative paths are relative to the file's directory.
public struct AbigenConfig: Codable, Sendable {
    /// One generated file.
    public struct Output: Codable, Sendable {
        /// File to write (atomically).
        public var output: String
        /// `swift` (default) or `json`.
        public var format: String?
        /// Include directories (`--headers`).
        public var headers: [String]?
        /// Headers to read (`--header`); default: the preset's.
        public var header: [String]?
        /// Headers to include first (`--include`).
        public var include: [String]?
        /// `io_uring` (default) or `none`.
        public var preset: String?
        /// Record name globs (`--record`).
        public var records: [String]?
        /// Macro prefixes (`--macro-prefix`).
        public var macroPrefixes: [String]?
        /// Target triple (`--target`).
        public var target: String?
        /// Kernel tree (`--kernel-tree`).
        public var kernelTree: String?
        /// Access level of generated declarations.
        public var access: String?
    }

    /// The files to generate.
    public var outputs: [Output]

    /// Reads and checks a configuration file.
    public static func load(_ path: String) throws -> AbigenConfig {
        guard let data = FileManager.default.contents(atPath: path) else { throw ToolError("abigen: \(path): cannot read configuration file") }
        do {
            let c = try JSONDecoder().decode(AbigenConfig.self, from: data)
            if c.outputs.isEmpty { throw ToolError("abigen: \(path): \"outputs\" is empty") }
            return c
        } catch let e as ToolError {
            throw e
        } catch let DecodingError.keyNotFound(key, _) {
            throw ToolError("abigen: \(path): missing key \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.dataCorrupted(ctx) {
            throw ToolError("abigen: \(path): \(ctx.debugDescription) at \(ctx.codingPath.map(\.stringValue).joined(separator: "."))")
        } catch {
            throw ToolError("abigen: \(path): \(error)")
        }
    }

    /// The `abigen generate` arguments of one output, paths resolved against `base`.
    public static func arguments(for o: Output, base: String) -> [String] {
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : (base as NSString).appendingPathComponent(p) }
        var args: [String] = []
        for h in o.headers ?? [] { args += ["--headers", resolve(h)] }
        for h in o.header ?? [] { args += ["--header", h] }
        for h in o.include ?? [] { args += ["--include", h] }
        if let p = o.preset { args += ["--preset", p] }
        for r in o.records ?? [] { args += ["--record", r] }
        for m in o.macroPrefixes ?? [] { args += ["--macro-prefix", m] }
        if let t = o.target { args += ["--target", t] }
        if let k = o.kernelTree { args += ["--kernel-tree", resolve(k)] }
        if let f = o.format { args += ["--format", f] }
        if let a = o.access { args += ["--access", a] }
        args += ["-o", resolve(o.output)]
        return args
    }
}

/// `abigen config`: run every output of an abigen.json (what the SwiftPM plugin calls).
struct RunConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Generate every output listed in an abigen.json configuration file.",
        discussion: """
        The file lists outputs, each with the options of `abigen generate`:
          { "outputs": [ { "output": "Sources/X/Generated/ABI.swift", "headers": ["/usr/include"],
                           "header": ["linux/io_uring.h"], "preset": "io_uring", "records": ["io_uring_*"],
                           "macroPrefixes": ["IORING_"], "target": "aarch64-linux-gnu",
                           "kernelTree": ".build/kernel-trees/6.12", "format": "swift" } ] }
        Relative paths are relative to the configuration file. `swift package generate-abi` runs this.
        """)

    @Argument(help: ArgumentHelp("The configuration file.", valueName: "abigen.json"))
    var file: String = "abigen.json"

    func run() throws {
        let config = try AbigenConfig.load(file)
        let base = (URL(fileURLWithPath: file).deletingLastPathComponent().path)
        for o in config.outputs {
            let command = try Generate.parse(AbigenConfig.arguments(for: o, base: base))
            try command.run()
            FileHandle.standardError.write(Data("abigen: wrote \(o.output)\n".utf8))
        }
    }
}

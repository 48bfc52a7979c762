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

    /// The keys an output may have.
    static let outputKeys: Set<String> = ["output", "format", "headers", "header", "include", "preset", "records",
                                          "macroPrefixes", "target", "kernelTree", "access"]

    /// Reads and checks a configuration file: unknown keys and bad values are errors naming the file and the key.
    public static func load(_ path: String) throws -> AbigenConfig {
        guard let data = FileManager.default.contents(atPath: path) else { throw ToolError("abigen: \(path): cannot read configuration file") }
        try checkKeys(data, path: path)
        let c: AbigenConfig
        do {
            c = try JSONDecoder().decode(AbigenConfig.self, from: data)
        } catch let DecodingError.keyNotFound(key, ctx) {
            let place = (ctx.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw ToolError("abigen: \(path): missing key \"\(place)\"")
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.dataCorrupted(ctx), let DecodingError.valueNotFound(_, ctx) {
            let place = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            let reason = AbigenCommand.oneLine(ctx.underlyingError.map { "\($0)" } ?? ctx.debugDescription)
            throw ToolError("abigen: \(path): \(place.isEmpty ? "" : place + ": ")\(reason)")
        } catch {
            throw ToolError("abigen: \(path): \(AbigenCommand.oneLine("\(error)"))")
        }
        if c.outputs.isEmpty { throw ToolError("abigen: \(path): \"outputs\" is empty") }
        for (i, o) in c.outputs.enumerated() {
            let place = "\(path): outputs[\(i)]"
            if let f = o.format, OutputFormat(rawValue: f) == nil {
                throw ToolError("abigen: \(place): format \"\(f)\" is not one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let a = o.access, AccessLevel(rawValue: a) == nil {
                throw ToolError("abigen: \(place): access \"\(a)\" is not one of \(AccessLevel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let p = o.preset, Preset.named(p) == nil {
                throw ToolError("abigen: \(place): preset \"\(p)\" is not one of io_uring, none")
            }
            if o.output.isEmpty { throw ToolError("abigen: \(place): output is empty") }
        }
        return c
    }

    /// Rejects keys the configuration format does not have (a misspelt key would otherwise be ignored).
    static func checkKeys(_ data: Data, path: String) throws {
        guard let top = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return }   // the decoder says why
        for key in top.keys.sorted() where key != "outputs" {
            throw ToolError("abigen: \(path): unknown key \"\(key)\" (the top level has only \"outputs\")")
        }
        for (i, o) in ((top["outputs"] as? [Any]) ?? []).enumerated() {
            guard let o = o as? [String: Any] else { continue }
            for key in o.keys.sorted() where !outputKeys.contains(key) {
                throw ToolError("abigen: \(path): unknown key \"\(key)\" in outputs[\(i)] (known: \(outputKeys.sorted().joined(separator: ", ")))")
            }
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
        // Render every output, then stage every file, then rename them: nothing is written unless all succeed.
        var rendered: [(path: String, data: Data)] = []
        for (i, o) in config.outputs.enumerated() {
            let arguments = AbigenConfig.arguments(for: o, base: base)
            let command: Generate
            do { command = try Generate.parse(arguments) } catch {
                throw ToolError("abigen: \(file): outputs[\(i)]: \(AbigenCommand.oneLine(Generate.message(for: error)))")
            }
            rendered.append((arguments[arguments.count - 1], try command.render()))
        }
        var staged: [OutputFile.Staged] = []
        do {
            for r in rendered { staged.append(try OutputFile.stage(r.data, at: r.path)) }
        } catch {
            staged.forEach(OutputFile.discard)
            throw error
        }
        for (r, s) in zip(rendered, staged) {
            do { try OutputFile.commit(r.data, s) } catch {
                staged.forEach(OutputFile.discard)
                throw error
            }
        }
        for o in config.outputs { AbigenCommand.printError("abigen: wrote \(o.output)") }
    }
}

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
        // Foundation's readers trap on some documents nested too deep (they would refuse them anyway).
        if JSONNesting.exceedsLimit(data) { throw ToolError("abigen: \(path): \(JSONNesting.message)") }
        try checkKeys(data, path: path)
        let c: AbigenConfig
        do {
            c = try JSONDecoder().decode(AbigenConfig.self, from: data)
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw ToolError("abigen: \(path): missing key \"\(keyPath(ctx.codingPath + [key]))\"")
        } catch let DecodingError.typeMismatch(type, ctx), let DecodingError.valueNotFound(type, ctx) {
            let place = keyPath(ctx.codingPath)
            throw ToolError("abigen: \(path): \(place.isEmpty ? "" : place + ": ")expected \(jsonKind(type)), found \(foundKind(ctx.debugDescription))")
        } catch let DecodingError.dataCorrupted(ctx) {
            let place = keyPath(ctx.codingPath)
            throw ToolError("abigen: \(path): \(place.isEmpty ? "not valid JSON" : place + ": not a valid value")")
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
            let paths: [(String, [String])] = [("output", [o.output]), ("headers", o.headers ?? []), ("header", o.header ?? []),
                                               ("include", o.include ?? []), ("kernelTree", o.kernelTree.map { [$0] } ?? [])]
            for (key, values) in paths where values.contains(where: { $0.unicodeScalars.contains { $0.properties.generalCategory == .control } }) {
                throw ToolError("abigen: \(place): \(key) contains a control character, which no path may hold")
            }
        }
        return c
    }

    /// A decoder's coding path as the file's key path: `outputs[0].output`.
    static func keyPath(_ keys: [any CodingKey]) -> String {
        var out = ""
        for k in keys {
            if let i = k.intValue { out += "[\(i)]" } else { out += (out.isEmpty ? "" : ".") + k.stringValue }
        }
        return out
    }

    /// The JSON kind a Swift type is decoded from, in plain words.
    static func jsonKind(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.hasPrefix("Dictionary") || name.hasPrefix("AbigenConfig") { return "an object" }
        if name.hasPrefix("Array") { return "an array" }
        if name.hasPrefix("String") { return "a string" }
        if name.hasPrefix("Bool") { return "true or false" }
        if name.hasPrefix("Int") || name.hasPrefix("Double") { return "a number" }
        return "a different value"
    }

    /// What the decoder found instead, in plain words, from its description ("… but found an array instead.").
    static func foundKind(_ description: String) -> String {
        let lower = description.lowercased()
        for (word, kind) in [("null", "null"), ("dictionary", "an object"), ("array", "an array"), ("string", "a string"),
                             ("number", "a number"), ("bool", "true or false")] {
            if let r = lower.range(of: "but found "), lower[r.upperBound...].contains(word) { return kind }
        }
        return lower.contains("null") ? "null" : "a different value"
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

    /// The `abigen generate` command of one output, paths resolved against `base`: the defaults of an empty
    /// command line with every setting of the output assigned, then checked as the command line's are.
    static func command(for o: Output, base: String) throws -> Generate {
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : (base as NSString).appendingPathComponent(p) }
        var command = try Generate.parse([])
        var source = command.source
        source.includeDirectories = (o.headers ?? []).map(resolve)
        source.headers = o.header ?? []
        source.preludeHeaders = o.include ?? []
        if let p = o.preset, let preset = PresetName(rawValue: p) { source.preset = preset }
        source.recordFilters = o.records ?? []
        source.macroPrefixes = o.macroPrefixes ?? []
        source.target = o.target
        source.kernelTree = o.kernelTree.map { $0 == BTFInput.runningTree ? $0 : resolve($0) }
        command.source = source
        if let f = o.format, let format = OutputFormat(rawValue: f) { command.format = format }
        if let a = o.access, let access = AccessLevel(rawValue: a) { command.access = access }
        command.output = o.output == "-" ? "-" : resolve(o.output)
        try command.source.validate()
        try command.validate()
        return command
    }
}

extension AbigenConfig {
    /// Refuses two outputs that write one file (the second would silently replace the first).
    static func refuseSharedOutputs(_ paths: [String], file: String) throws {
        var seen: [String: Int] = [:]
        for (i, p) in paths.enumerated() {
            let key = realPath((p as NSString).standardizingPath)
            if let j = seen[key] { throw ToolError("abigen: \(file): outputs[\(j)] and outputs[\(i)] both write \(p)") }
            seen[key] = i
        }
    }
}

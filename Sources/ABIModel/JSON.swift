import Foundation

extension ABISnapshot {
    /// The canonical JSON form: sorted keys, pretty-printed, trailing newline; byte-identical for equal snapshots.
    public func jsonData() throws -> Data {
        if ABISnapshot.referenceJSON { return try foundationJSONData() }
        var copy = self
        copy.normalize()
        return copy.fastJSON()
    }

    /// ``jsonData()``'s bytes as pieces in order, not joined: a large snapshot's records are written on every
    /// processor, and a caller writing a file need not copy them into one buffer.
    public func jsonParts() throws -> [Data] {
        if ABISnapshot.referenceJSON { return [try foundationJSONData()] }
        var copy = self
        copy.normalize()
        return copy.fastJSONParts()
    }

    /// `ABIGEN_JSON_REFERENCE=1` makes ``jsonData()`` and ``decode(_:path:)`` use Foundation only: the yardstick
    /// `Scripts/bench.py` times the fast reader and writer against (the output is the same bytes).
    static let referenceJSON = ProcessInfo.processInfo.environment["ABIGEN_JSON_REFERENCE"] == "1"

    /// The same bytes as ``jsonData()``, through Foundation's `JSONEncoder` (the reference the fast writer is tested against).
    public func foundationJSONData() throws -> Data {
        var copy = self
        copy.normalize()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(copy)
        data.append(0x0A)
        return data
    }

    /// Reads and validates a snapshot written by ``jsonData()``; throws ``SnapshotError`` with the file name on bad input.
    public static func load(from path: String) throws -> ABISnapshot {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SnapshotError(path: path, message: "cannot read file")
        }
        return try decode(data, path: path)
    }

    /// Decodes and validates (``validate(path:)``) a snapshot; `path` names the source in errors.
    ///
    /// Accepts exactly what `JSONDecoder` accepts, with the same values: the fast reader handles what it can
    /// (every snapshot abigen writes) and leaves anything else to `JSONDecoder`.
    public static func decode(_ data: Data, path: String) throws -> ABISnapshot {
        if referenceJSON { return try foundationDecode(data, path: path) }
        let s = try decodeUnvalidated(data, path: path)
        try s.validate(path: path)
        return s
    }

    /// Decodes without the validation rules: the fast reader, else `JSONDecoder`.
    static func decodeUnvalidated(_ data: Data, path: String) throws -> ABISnapshot {
        let fast: JSONFailure
        do {
            return try fastDecode(data)
        } catch let f as JSONFailure {
            fast = f
        }
        // JSONDecoder would refuse a document nested too deep, or trap on it: the fast reader's reason stands.
        if JSONNesting.exceedsLimit(data) {
            throw SnapshotError(path: path, message: rejection(foundation: nil, fast: fast))
        }
        do {
            return try JSONDecoder().decode(ABISnapshot.self, from: data)
        } catch {
            throw SnapshotError(path: path, message: rejection(foundation: error, fast: fast))
        }
    }

    /// Decodes and validates with `JSONDecoder` only (the reference the fast reader is tested against).
    public static func foundationDecode(_ data: Data, path: String) throws -> ABISnapshot {
        let s: ABISnapshot
        if JSONNesting.exceedsLimit(data) { throw SnapshotError(path: path, message: JSONNesting.message) }
        do {
            s = try JSONDecoder().decode(ABISnapshot.self, from: data)
        } catch {
            throw SnapshotError(path: path, message: foundationMessage(error) ?? "not valid JSON")
        }
        try s.validate(path: path)
        return s
    }

    /// The message for input both readers refuse: the fast reader's when it knows more (a syntax error's line
    /// and column, a number out of range, a newer schema), else `JSONDecoder`'s (which names the key path); nil
    /// `error` when `JSONDecoder` was not asked (``JSONNesting``).
    static func rejection(foundation error: Error?, fast: JSONFailure) -> String {
        let specific = error.flatMap(foundationMessage)
        switch fast.kind {
        case .version: return fast.message
        case .invalid: return specific ?? (fast.keyPath.isEmpty ? fast.message : "not an abigen snapshot: " + fast.message)
        case .declined: return specific ?? "not valid JSON"
        }
    }

    /// `JSONDecoder`'s complaint on one line, or nil when it only says the data is not valid JSON.
    static func foundationMessage(_ error: Error) -> String? {
        func at(_ path: [CodingKey]) -> String {
            var out = ""
            for k in path {
                if let i = k.intValue { out += "[\(i)]" } else { out += (out.isEmpty ? "" : ".") + k.stringValue }
            }
            return out
        }
        let text: String
        switch error {
        case DecodingError.keyNotFound(let key, let ctx):
            let p = at(ctx.codingPath)
            text = "\(p.isEmpty ? "" : p + ": ")missing key '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            let p = at(ctx.codingPath)
            text = p.isEmpty ? ctx.debugDescription : "\(p): \(ctx.debugDescription)"
        case DecodingError.dataCorrupted(let ctx):
            guard !ctx.codingPath.isEmpty else { return nil }
            text = "\(at(ctx.codingPath)): \(ctx.debugDescription)"
        default:
            text = "\(error)"
        }
        return "not an abigen snapshot: " + SnapshotText.oneLine(plainDecoderWords(text))
    }

    /// Foundation's decoder wording in plain words: `Cannot initialize Role from invalid String value x` becomes
    /// `unknown value 'x'`, `Expected to decode Int but found a string instead.` becomes `expected an integer, found a string`.
    static func plainDecoderWords(_ text: String) -> String {
        if let r = text.range(of: "Cannot initialize "), let v = text.range(of: " from invalid String value ", range: r.upperBound..<text.endIndex) {
            return text[..<r.lowerBound] + "unknown value '" + text[v.upperBound...].trimmingCharacters(in: .whitespaces) + "'"
        }
        if let r = text.range(of: "Expected to decode "), let f = text.range(of: " but found ", range: r.upperBound..<text.endIndex) {
            let names = ["Int": "an integer", "String": "a string", "Bool": "a boolean", "Array<Any>": "an array",
                         "Dictionary<String, Any>": "an object", "UInt64": "an integer", "Int64": "an integer"]
            let expected = String(text[r.upperBound..<f.lowerBound])
            var found = String(text[f.upperBound...])
            if found.hasSuffix(" instead.") { found.removeLast(" instead.".count) }
            return text[..<r.lowerBound] + "expected \(names[expected] ?? expected), found \(found)"
        }
        return text
    }

    /// The message for a schema version newer than this abigen's.
    static func newerVersionMessage(_ version: String) -> String {
        "schemaVersion \(version) is newer than this abigen understands (\(currentSchemaVersion))"
    }
}

/// A snapshot file that could not be read.
public struct SnapshotError: Error, CustomStringConvertible, Sendable {
    /// The file.
    public var path: String
    /// What is wrong with it.
    public var message: String
    public init(path: String, message: String) { self.path = path; self.message = message }
    public var description: String { SnapshotText.oneLine("\(path): \(message)") }
}

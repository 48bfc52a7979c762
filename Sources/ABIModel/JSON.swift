import Foundation

extension ABISnapshot {
    /// The canonical JSON form: sorted keys, pretty-printed, trailing newline; byte-identical for equal snapshots.
    public func jsonData() throws -> Data {
        var copy = self
        copy.normalize()
        return copy.fastJSON()
    }

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

    /// Reads a snapshot written by ``jsonData()``; throws ``SnapshotError`` with the file name on bad input.
    public static func load(from path: String) throws -> ABISnapshot {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SnapshotError(path: path, message: "cannot read file")
        }
        return try decode(data, path: path)
    }

    /// Decodes a snapshot from JSON data; `path` names the source in errors.
    public static func decode(_ data: Data, path: String) throws -> ABISnapshot {
        if let s = fastDecode(data) {
            guard s.schemaVersion <= currentSchemaVersion else {
                throw SnapshotError(path: path, message: "schemaVersion \(s.schemaVersion) is newer than this abigen understands (\(currentSchemaVersion))")
            }
            return s
        }
        return try foundationDecode(data, path: path)
    }

    /// Decodes with `JSONDecoder` (the reference, and the source of precise error messages).
    public static func foundationDecode(_ data: Data, path: String) throws -> ABISnapshot {
        do {
            let s = try JSONDecoder().decode(ABISnapshot.self, from: data)
            guard s.schemaVersion <= currentSchemaVersion else {
                throw SnapshotError(path: path, message: "schemaVersion \(s.schemaVersion) is newer than this abigen understands (\(currentSchemaVersion))")
            }
            return s
        } catch let e as SnapshotError {
            throw e
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw SnapshotError(path: path, message: "not an abigen snapshot: missing key '\(key.stringValue)' at \(ctx.codingPath.map(\.stringValue).joined(separator: "."))")
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx), let DecodingError.dataCorrupted(ctx) {
            throw SnapshotError(path: path, message: "not an abigen snapshot: \(ctx.debugDescription) at '\(ctx.codingPath.map(\.stringValue).joined(separator: "."))'")
        } catch {
            throw SnapshotError(path: path, message: "not an abigen snapshot: \(error)")
        }
    }
}

/// A snapshot file that could not be read.
public struct SnapshotError: Error, CustomStringConvertible, Sendable {
    /// The file.
    public var path: String
    /// What is wrong with it.
    public var message: String
    public init(path: String, message: String) { self.path = path; self.message = message }
    public var description: String { "\(path): \(message)" }
}

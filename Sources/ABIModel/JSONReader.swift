import Foundation

/// A small strict JSON parser for snapshots: integers, strings, booleans, null, arrays and objects (what the
/// schema uses), about 2.3 times faster than `JSONDecoder` on a 14 MB whole-uapi snapshot.
///
/// It accepts a subset of what `JSONDecoder` accepts and, on that subset, gives the same values (a differential
/// test checks both). Whatever it does not accept, ``ABISnapshot/decode(_:path:)`` hands to `JSONDecoder`, which
/// decides; so the two together accept exactly what `JSONDecoder` accepts. The parser is iterative (no recursion:
/// nesting cannot overflow the stack) and refuses nesting deeper than `JSONDecoder` allows.
enum JSONValue {
    case object(JSONMembers)
    case array([JSONValue])
    case string(String)
    case int(Int64)
    case uint(UInt64)
    case bool(Bool)
    case null
}

/// An object's members in document order, keys distinct. Snapshot objects have a dozen keys at most: a linear search
/// finds one faster than hashing does, and building the object costs no hash table; past ``setThreshold`` keys
/// (only a hostile document) a set keeps the duplicate check linear. (At 16 keys, an outside review measured a
/// third more memory than hash tables on documents of 17-key objects; 32 keeps wider objects in the list.)
struct JSONMembers {
    private var members: [(key: String, value: JSONValue)] = []
    private var keySet: Set<String>?
    static let setThreshold = 32

    init() {}

    /// An empty object with room for `capacity` members without growing (nearly every snapshot object has 3 to 9 keys).
    init(capacity: Int) { members.reserveCapacity(capacity) }

    /// Adds a member; false (and nothing added) when the key is already there.
    mutating func insert(_ key: String, _ value: JSONValue) -> Bool {
        if keySet != nil {
            guard keySet?.insert(key).inserted == true else { return false }
        } else {
            if members.contains(where: { $0.key == key }) { return false }
            if members.count + 1 >= Self.setThreshold { keySet = Set(members.map(\.key) + [key]) }
        }
        members.append((key, value))
        return true
    }

    /// The value of `key`, if present.
    subscript(key: String) -> JSONValue? {
        members.first(where: { $0.key == key })?.value
    }
}

/// Why the fast reader did not accept an input.
struct JSONFailure: Error, CustomStringConvertible {
    enum Kind {
        /// JSON forbids it, or the snapshot schema does (a message worth showing).
        case invalid
        /// Possibly valid input in a form this reader leaves to `JSONDecoder` (byte order mark, duplicate keys).
        case declined
        /// A schema version this abigen does not know: the most useful thing to say about the file.
        case version
    }
    var kind: Kind
    /// Where in the snapshot's structure (`records[3].fields[0].offset`); empty for syntax errors.
    var keyPath = ""
    /// What is wrong.
    var detail: String

    init(kind: Kind, message: String) {
        self.kind = kind
        self.detail = message
    }

    var message: String { keyPath.isEmpty ? detail : "\(keyPath): \(detail)" }
    var description: String { message }

    /// The same failure, its key path below `parent`.
    func under(_ parent: String) -> JSONFailure {
        var f = self
        f.keyPath = keyPath.isEmpty ? parent : parent + (keyPath.hasPrefix("[") ? "" : ".") + keyPath
        return f
    }
}

/// The deepest nesting `JSONDecoder` accepts (and so the fast reader too).
let maximumJSONDepth = 512

/// Foundation's JSON readers (`JSONDecoder`, `JSONSerialization`) refuse documents nested deeper than
/// ``maximumJSONDepth``, but trap instead on some of them (513 `[` ending the file: an outside review found it).
/// abigen asks this before handing any bytes to them, and refuses such a document itself.
public enum JSONNesting {
    /// Whether `data` opens more than 512 arrays and objects at once, counted outside strings (exactly as a JSON
    /// reader counts them in a valid document; in an invalid one, at least as deep as a reader gets before the error).
    public static func exceedsLimit(_ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            var depth = 0
            var inString = false, escaped = false
            for b in raw {
                if inString {
                    if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                switch b {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    depth += 1
                    if depth > maximumJSONDepth { return true }
                case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
                default: break
                }
            }
            return false
        }
    }

    /// The one-line reason for such a document.
    public static let message = "not valid JSON: nesting deeper than \(maximumJSONDepth) levels"
}

struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Parses a whole document.
    static func parse(_ data: Data) throws -> JSONValue {
        try data.withUnsafeBytes { raw in
            var p = JSONParser(bytes: raw.bindMemory(to: UInt8.self))
            return try p.document()
        }
    }

    /// `line L, column C` of a byte offset (1-based; columns count bytes).
    func location(_ offset: Int) -> String {
        var line = 1, lineStart = 0
        var k = 0
        let end = min(offset, bytes.count)
        while k < end {
            if bytes[k] == 0x0A { line += 1; lineStart = k + 1 }
            k += 1
        }
        return "line \(line), column \(end - lineStart + 1)"
    }

    func invalid(_ what: String, at offset: Int? = nil) -> JSONFailure {
        JSONFailure(kind: .invalid, message: "\(location(offset ?? i)): not valid JSON: \(what)")
    }

    func endOfFile() -> JSONFailure {
        JSONFailure(kind: .invalid, message: "\(location(bytes.count)): not valid JSON: unexpected end of file")
    }

    /// A byte for messages: the character when printable ASCII, else its hex value.
    static func describe(_ b: UInt8) -> String {
        b >= 0x21 && b < 0x7F ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16, uppercase: true))"
    }

    mutating func skipSpace() {
        while i < bytes.count {
            let b = bytes[i]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            i += 1
        }
    }

    /// A key and its colon.
    mutating func key() throws -> String {
        skipSpace()
        guard i < bytes.count else { throw endOfFile() }
        guard bytes[i] == 0x22 else { throw invalid("expected a key in double quotes, found \(Self.describe(bytes[i]))") }
        let k = try string()
        skipSpace()
        guard i < bytes.count else { throw endOfFile() }
        guard bytes[i] == UInt8(ascii: ":") else { throw invalid("expected ':' after a key, found \(Self.describe(bytes[i]))") }
        i += 1
        return k
    }

    mutating func document() throws -> JSONValue {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            throw JSONFailure(kind: .declined, message: "starts with a byte order mark")
        }
        // Open containers, innermost last: arrays and objects under construction, and each object's pending key.
        var isObject: [Bool] = []
        var arrays: [[JSONValue]] = []
        var objects: [JSONMembers] = []
        var keys: [String] = []
        parsing: while true {
            skipSpace()
            guard i < bytes.count else { throw endOfFile() }
            var produced: JSONValue
            switch bytes[i] {
            case UInt8(ascii: "{"):
                guard isObject.count < maximumJSONDepth else { throw invalid("nesting deeper than \(maximumJSONDepth) levels") }
                i += 1
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                    i += 1
                    produced = .object(JSONMembers())
                } else {
                    isObject.append(true)
                    objects.append(JSONMembers(capacity: 8))
                    keys.append(try key())
                    continue parsing
                }
            case UInt8(ascii: "["):
                guard isObject.count < maximumJSONDepth else { throw invalid("nesting deeper than \(maximumJSONDepth) levels") }
                i += 1
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
                    i += 1
                    produced = .array([])
                } else {
                    isObject.append(false)
                    arrays.append([])
                    continue parsing
                }
            case UInt8(ascii: "\""):
                produced = .string(try string())
            case UInt8(ascii: "t"):
                try literal("true"); produced = .bool(true)
            case UInt8(ascii: "f"):
                try literal("false"); produced = .bool(false)
            case UInt8(ascii: "n"):
                try literal("null"); produced = .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                produced = try number()
            default:
                throw invalid("unexpected \(Self.describe(bytes[i]))")
            }
            // Hand the value to its container; close every container that ends here.
            while true {
                guard let inObject = isObject.last else {
                    skipSpace()
                    guard i == bytes.count else { throw invalid("unexpected \(Self.describe(bytes[i])) after the end of the document") }
                    return produced
                }
                skipSpace()
                guard i < bytes.count else { throw endOfFile() }
                let b = bytes[i]
                if inObject {
                    let k = keys.removeLast()
                    if !objects[objects.count - 1].insert(k, produced) {
                        throw JSONFailure(kind: .declined, message: "\(location(i)): duplicate key '\(k)'")
                    }
                    if b == UInt8(ascii: ",") {
                        i += 1
                        keys.append(try key())
                        continue parsing
                    }
                    guard b == UInt8(ascii: "}") else { throw invalid("expected ',' or '}', found \(Self.describe(b))") }
                    i += 1
                    isObject.removeLast()
                    produced = .object(objects.removeLast())
                } else {
                    arrays[arrays.count - 1].append(produced)
                    if b == UInt8(ascii: ",") {
                        i += 1
                        continue parsing
                    }
                    guard b == UInt8(ascii: "]") else { throw invalid("expected ',' or ']', found \(Self.describe(b))") }
                    i += 1
                    isObject.removeLast()
                    produced = .array(arrays.removeLast())
                }
            }
        }
    }

    mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard bytes.count - i >= n else { throw invalid("unexpected \(Self.describe(bytes[i]))") }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw invalid("unexpected \(Self.describe(bytes[i]))") }
        i += n
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// An integer; a number with a fraction or exponent is refused (no snapshot key holds one).
    mutating func number() throws -> JSONValue {
        let start = i
        var negative = false
        if bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        guard i < bytes.count, Self.isDigit(bytes[i]) else { throw invalid("'-' without digits", at: start) }
        var magnitude: UInt64 = 0
        var overflow = false
        if bytes[i] == 0x30 {
            i += 1
            if i < bytes.count, Self.isDigit(bytes[i]) { throw invalid("number with a leading zero", at: start) }
        } else {
            while i < bytes.count, Self.isDigit(bytes[i]) {
                let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (m2, o2) = m1.addingReportingOverflow(UInt64(bytes[i] &- 0x30))
                overflow = overflow || o1 || o2
                magnitude = m2
                i += 1
            }
        }
        var integer = true
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < bytes.count, Self.isDigit(bytes[i]) else { throw invalid("a '.' without digits after it", at: start) }
            while i < bytes.count, Self.isDigit(bytes[i]) { i += 1 }
            integer = false
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, Self.isDigit(bytes[i]) else { throw invalid("an exponent without digits", at: start) }
            while i < bytes.count, Self.isDigit(bytes[i]) { i += 1 }
            integer = false
        }
        func shown() -> String {
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            return text.count > 40 ? String(text.prefix(40)) + "…" : text
        }
        guard integer else {
            throw JSONFailure(kind: .invalid, message: "\(location(start)): number \(shown()) is not an integer")
        }
        let limit = UInt64(Int64.max) + 1
        guard !overflow, !negative || magnitude <= limit else {
            throw JSONFailure(kind: .invalid, message: "\(location(start)): number \(shown()) is out of range (integers must fit in 64 bits)")
        }
        if negative { return .int(magnitude == limit ? Int64.min : -Int64(magnitude)) }
        return magnitude <= UInt64(Int64.max) ? .int(Int64(magnitude)) : .uint(magnitude)
    }

    static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: return UInt32(b - 0x30)
        case 0x41...0x46: return UInt32(b - 0x41 + 10)
        case 0x61...0x66: return UInt32(b - 0x61 + 10)
        default: return nil
        }
    }
}

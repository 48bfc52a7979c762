import Foundation

/// String and `\\u` escape parsing of ``JSONParser``.
extension JSONParser {
    /// Four hex digits after `\u`.
    mutating func hex4() throws -> UInt32 {
        guard bytes.count - i >= 4 else { throw invalid("\\u needs four hex digits") }
        var v: UInt32 = 0
        for k in 0..<4 {
            guard let d = Self.hexValue(bytes[i + k]) else { throw invalid("\\u needs four hex digits") }
            v = v << 4 | d
        }
        i += 4
        return v
    }

    /// A string at `"`: no raw control characters, valid UTF-8, only JSON's escapes, paired surrogates.
    mutating func string() throws -> String {
        i += 1
        let start = i
        var ascii = true
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x22 {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<i])
                i += 1
                if ascii { return String(decoding: raw, as: UTF8.self) }
                guard let s = String(validating: raw, as: UTF8.self) else { throw invalid("invalid UTF-8 in a string", at: start - 1) }
                return s
            }
            if b == 0x5C { return try escapedString(from: start) }
            if b < 0x20 { throw invalid("control character U+\(Self.hex(b)) in a string (JSON requires an escape)") }
            if b >= 0x80 { ascii = false }
            i += 1
        }
        throw endOfFile()
    }

    static func hex(_ b: UInt8) -> String {
        let h = String(b, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - h.count) + h
    }

    mutating func escapedString(from start: Int) throws -> String {
        var out: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<i]))
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x22 {
                i += 1
                guard let s = String(validating: out, as: UTF8.self) else { throw invalid("invalid UTF-8 in a string", at: start - 1) }
                return s
            }
            if b < 0x20 { throw invalid("control character U+\(Self.hex(b)) in a string (JSON requires an escape)") }
            guard b == 0x5C else { out.append(b); i += 1; continue }
            i += 1
            guard i < bytes.count else { throw endOfFile() }
            let e = bytes[i]
            i += 1
            switch e {
            case 0x22, 0x5C, 0x2F: out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if code >= 0xDC00 && code <= 0xDFFF { throw invalid("unpaired surrogate \\u\(String(code, radix: 16))") }
                if code >= 0xD800 && code <= 0xDBFF {
                    guard bytes.count - i >= 2, bytes[i] == 0x5C, bytes[i + 1] == UInt8(ascii: "u") else {
                        throw invalid("unpaired surrogate \\u\(String(code, radix: 16))")
                    }
                    i += 2
                    let low = try hex4()
                    guard low >= 0xDC00 && low <= 0xDFFF else { throw invalid("unpaired surrogate \\u\(String(code, radix: 16))") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw invalid("invalid \\u escape") }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                throw invalid("invalid escape \\\(Self.describe(e))", at: i - 2)
            }
        }
        throw endOfFile()
    }
}

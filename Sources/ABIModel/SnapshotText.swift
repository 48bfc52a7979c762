import Foundation
/// The bounds a validated snapshot keeps (Documentation/Snapshot.md, "Validation").
public enum SnapshotLimits {
    /// The largest record size, offset, field size, array byte count, bit offset or field index: 2^32 (4 GiB).
    public static let maximumSize = 1 << 32
    /// The largest alignment: 2^16.
    public static let maximumAlignment = 1 << 16
    /// The widest bitfield, in bits.
    public static let maximumBitWidth = 128
    /// The sizes an integer constant or enum type may have, in bytes.
    public static let constantSizes: Set<Int> = [1, 2, 4, 8, 16]
}

/// Text helpers for messages about untrusted strings.
public enum SnapshotText {
    /// True for characters no snapshot string may hold: C0 and C1 controls, DEL, line and paragraph
    /// separators and bidirectional controls (they break or reorder lines of generated source).
    public static func isForbidden(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// `s` with every forbidden character written as `\u{XXXX}`, cut to `limit` characters.
    public static func shown(_ s: String, limit: Int = 80) -> String {
        var out = ""
        var n = 0
        for u in s.unicodeScalars {
            if n >= limit { out += "…"; break }
            if isForbidden(u) { out += "\\u{\(String(u.value, radix: 16, uppercase: true))}" } else { out.unicodeScalars.append(u) }
            n += 1
        }
        return out
    }

    /// `s` on one line: forbidden characters escaped (no length limit).
    public static func oneLine(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isForbidden) else { return s }
        return shown(s, limit: Int.max)
    }

    /// True when every byte of `s` is printable ASCII (0x20 to 0x7E); looks at the UTF-8 bytes in place.
    public static func isPrintableASCII(_ s: String) -> Bool {
        if let answer = s.utf8.withContiguousStorageIfAvailable({ bytes in
            // No early exit: a loop that only accumulates is vectorized.
            var bad: UInt8 = 0
            for b in bytes { bad |= (b < 0x20 ? 1 : 0) | (b >= 0x7F ? 1 : 0) }
            return bad == 0
        }) { return answer }
        return s.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// Whether `a < b` as `String` orders them, decided on the bytes when both are ASCII (as `String` compares
    /// those); nil when either is not ASCII.
    public static func strictlyPrecedes(_ a: String, _ b: String) -> Bool? {
        asciiOrder(a, b).map { $0 < 0 }
    }

    /// How `a` and `b` compare as `String` orders them (negative, 0, positive), decided on the bytes when both
    /// are ASCII (as `String` compares those); nil when either is not ASCII.
    public static func asciiOrder(_ a: String, _ b: String) -> Int? {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y -> Int? in
                var high: UInt8 = 0
                for c in x { high |= c }
                for c in y { high |= c }
                guard high < 0x80 else { return nil }
                let common = min(x.count, y.count)
                if common > 0, let px = x.baseAddress, let py = y.baseAddress {
                    let c = memcmp(px, py, common)
                    if c != 0 { return Int(c) }
                }
                return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
            }
        }
    }

    /// True for a byte of a C identifier: `[A-Za-z0-9_]`.
    public static func isIdentifierByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || (b >= 0x30 && b <= 0x39)
    }

    /// True for a C identifier: `[A-Za-z_][A-Za-z0-9_]*`.
    public static func isIdentifier(_ s: String) -> Bool {
        if let answer = s.utf8.withContiguousStorageIfAvailable({ bytes -> Bool in
            guard let first = bytes.first, !(first >= 0x30 && first <= 0x39) else { return false }
            var bad: UInt8 = 0
            for b in bytes {
                let letter = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
                let digit = b >= 0x30 && b <= 0x39
                bad |= (letter || digit) ? 0 : 1
            }
            return bad == 0
        }) { return answer }
        return isIdentifier(s[...])
    }

    /// True for a C identifier: `[A-Za-z_][A-Za-z0-9_]*`.
    public static func isIdentifier<S: StringProtocol>(_ s: S) -> Bool {
        var first = true
        for b in s.utf8 {
            let letter = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
            let digit = b >= 0x30 && b <= 0x39
            guard letter || (!first && digit) else { return false }
            first = false
        }
        return !first
    }

    /// True for identifiers joined by `.` (a field name such as `tx.flags`).
    public static func isMemberPath(_ s: String) -> Bool {
        var atStart = true
        for b in s.utf8 {
            if b == 0x2E {
                if atStart { return false }
                atStart = true
                continue
            }
            let letter = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
            let digit = b >= 0x30 && b <= 0x39
            guard letter || (!atStart && digit) else { return false }
            atStart = false
        }
        return !atStart
    }

    /// True for the record type names a probe may use: `IDENT`, `struct IDENT`, `union IDENT`, or
    /// `__typeof__(((C *)0)->IDENT(.IDENT)*([0])+)` with C one of the first three.
    public static func isRecordCName(_ s: String) -> Bool {
        func plain(_ t: Substring) -> Bool {
            if t.hasPrefix("struct ") { return isIdentifier(t.dropFirst(7)) }
            if t.hasPrefix("union ") { return isIdentifier(t.dropFirst(6)) }
            return isIdentifier(t)
        }
        let open = "__typeof__((("
        guard s.hasPrefix(open) else { return plain(s[...]) }
        var rest = s.dropFirst(open.count)
        guard let star = rest.range(of: " *)0)->") else { return false }
        guard plain(rest[..<star.lowerBound]) else { return false }
        rest = rest[star.upperBound...]
        guard rest.hasSuffix(")") else { return false }
        rest = rest.dropLast()
        var dims = 0
        while rest.hasSuffix("[0]") { rest = rest.dropLast(3); dims += 1 }
        return dims > 0 && isMemberPath(String(rest))
    }

    /// Why `header` cannot be `#include`d safely, or nil: it must be non-empty, relative, without a `..`
    /// component, and without `<`, `>`, `"` or `\`.
    public static func headerProblem(_ header: String) -> String? {
        if header.isEmpty { return "is empty" }
        if header.hasPrefix("/") { return "is an absolute path (headers are relative to an include directory)" }
        if header.split(separator: "/", omittingEmptySubsequences: false).contains("..") { return "contains a '..' component" }
        if header.contains(where: { $0 == "<" || $0 == ">" || $0 == "\"" || $0 == "\\" }) {
            return "contains '<', '>', '\"' or '\\', which cannot appear in #include"
        }
        return nil
    }

    /// True for a type name a C probe may compile: words only (`unsigned int`, `enum e`, `__u8`).
    public static func isTypeName(_ s: String) -> Bool {
        !s.isEmpty && s.split(separator: " ").allSatisfy { isIdentifier($0) }
    }

    /// True for a target triple: `[A-Za-z0-9_.-]+`, not starting with `-`.
    public static func isTriple(_ s: String) -> Bool {
        guard let first = s.utf8.first, first != UInt8(ascii: "-") else { return false }
        return s.utf8.allSatisfy { b in
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2E || b == 0x2D
        }
    }
}

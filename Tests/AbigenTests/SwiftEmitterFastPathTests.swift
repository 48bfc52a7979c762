@testable import ABIBackends
import ABIModel
import Foundation
import Testing

/// The Swift emitter's byte-level fast paths (ASCII text, the support template) give what its Character-level
/// code gives: each is compared with that code, kept here as the reference, on text that takes either path.
@Suite struct SwiftEmitterFastPathTests {
    /// Names and text that take the fast paths and text that must not: controls, DEL, non-ASCII, combining marks after
    /// a dot, CR LF (one Character), line and paragraph separators, NEL, quotes and backslashes, leading digits.
    static let samples = [
        "", "a", "io_uring_sqe", "_", "9lives", "a.b", "a..b", ".a", "a.", "csum.start", "x y", "tab\there", "cr\r\nlf",
        "del\u{7F}", "nel\u{85}x", "ls\u{2028}ps\u{2029}", "quote\"back\\slash", "caf\u{E9}", "a.\u{301}b", "e\u{301}.x",
        "\u{1F600}.emoji", "k\u{0}z", "~!@#$%^&*()", "struct io_uring_sqe", "InlineArray<4, io_uring_cqe>", "Int32",
    ]

    /// `oneLine` as written before its fast path.
    static func referenceOneLine(_ s: String) -> String {
        var out = "", lastWasSpace = false
        for ch in s.unicodeScalars {
            if ch.value < 0x20 || ch.value == 0x7F || ch == "\u{2028}" || ch == "\u{2029}" || ch == "\u{85}" {
                if !lastWasSpace { out.unicodeScalars.append(" ") }
                lastWasSpace = true
            } else {
                out.unicodeScalars.append(ch)
                lastWasSpace = false
            }
        }
        return out
    }

    /// `stringLiteral` as written before its fast path.
    static func referenceStringLiteral(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if ch.value < 0x20 || ch.value == 0x7F { out += "\\u{\(String(ch.value, radix: 16))}" } else { out.unicodeScalars.append(ch) }
            }
        }
        return out + "\""
    }

    /// `sanitized` as written before its fast path.
    static func referenceSanitized(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            let ok = (u >= "a" && u <= "z") || (u >= "A" && u <= "Z") || (u >= "0" && u <= "9") || u == "_"
            out.unicodeScalars.append(ok ? u : "_")
        }
        if let f = out.unicodeScalars.first, f >= "0" && f <= "9" { out = "_" + out }
        return out.isEmpty ? "_" : out
    }

    /// `identifierWords` as written before its ASCII path.
    static func referenceIdentifierWords(_ type: String) -> [String] {
        type.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init).filter { !($0.first?.isNumber ?? true) }
    }

    @Test("oneLine, stringLiteral, sanitized and identifierWords: the same text as the Character-level code")
    func textHelpers() {
        for s in Self.samples {
            #expect(SwiftEmitter.oneLine(s) == Self.referenceOneLine(s), "oneLine \(s.debugDescription)")
            #expect(SwiftEmitter.stringLiteral(s) == Self.referenceStringLiteral(s), "stringLiteral \(s.debugDescription)")
            #expect(SwiftEmitter.sanitized(s) == Self.referenceSanitized(s), "sanitized \(s.debugDescription)")
            #expect(SwiftEmitter.identifierWords(s) == Self.referenceIdentifierWords(s), "identifierWords \(s.debugDescription)")
            #expect(SwiftEmitter.hasDot(s) == s.contains("."), "hasDot \(s.debugDescription)")
            for joiner in ["_", "__"] {
                #expect(SwiftEmitter.replacingDots(s, with: joiner) == s.replacingOccurrences(of: ".", with: joiner),
                        "replacingDots \(s.debugDescription)")
            }
        }
    }

    /// `memberNames(for:)` as written before its byte-level dot search (Foundation's `contains` and `replacingOccurrences`).
    static func referenceMemberNames(_ r: Record) -> [String] {
        var used = SwiftEmitter.reservedMembers
        var ids = [String?](repeating: nil, count: r.fields.count)
        func claim(_ base: String) -> String {
            var c = base
            while used.contains(c) { c += "_" }
            used.insert(c)
            return c
        }
        for (i, f) in r.fields.enumerated() where !f.name.contains(".") {
            let s = referenceSanitized(f.name)
            if !used.contains(s) { used.insert(s); ids[i] = s }
        }
        for (i, f) in r.fields.enumerated() where ids[i] == nil && !f.name.contains(".") { ids[i] = claim(referenceSanitized(f.name)) }
        for (i, f) in r.fields.enumerated() where ids[i] == nil {
            var joiner = "_"
            var candidate = referenceSanitized(f.name.replacingOccurrences(of: ".", with: joiner))
            var tries = 0
            while used.contains(candidate) && tries < 8 {
                joiner += "_"
                tries += 1
                candidate = referenceSanitized(f.name.replacingOccurrences(of: ".", with: joiner))
            }
            ids[i] = claim(candidate)
        }
        return ids.map { $0 ?? "_" }
    }

    @Test("member names of flattened, reserved, dotted and non-ASCII fields: as the Foundation-based search gave them")
    func memberNames() {
        let int = FieldType(spelling: "int", canonical: "int", kind: .integer, scalarSize: 4, signed: true)
        let names = ["csum.start", "csum_start", "size", "a.\u{301}b", "a_\u{301}b", "caf\u{E9}", "x.y.z", "x_y_z", "x__y_z", "storage"]
        let record = Record(name: "r", cName: "struct r", kind: .struct, size: 4, alignment: 4, header: "r.h",
                            fields: names.map { Field(name: $0, offset: 0, size: 4, type: int) })
        let ids = SwiftEmitter.memberNames(for: record)
        #expect(ids == Self.referenceMemberNames(record))
        #expect(ids.first == "csum__start" && ids[1] == "csum_start" && ids[2] == "size_", "\(ids)")
    }

    @Test("the support template is ASCII with LF line ends, where processing it byte by byte equals by Character")
    func supportTemplateBytes() {
        let bytes = Array(SwiftEmitter.supportTemplate.utf8)
        #expect(!bytes.isEmpty)
        #expect(bytes.allSatisfy { $0 < 0x80 && $0 != UInt8(ascii: "\r") })
        for bigEndian in [false, true] {
            for access in ["public ", ""] {
                #expect(SwiftEmitter.supportDeclarations(access: access, bigEndian: bigEndian)
                        == Self.referenceSupport(access: access, bigEndian: bigEndian), "\(access) \(bigEndian)")
            }
        }
    }

    /// `supportDeclarations` as written before it worked on bytes.
    static func referenceSupport(access: String, bigEndian: Bool) -> String {
        var out = "", inBigEndianBlock = false
        var lines = SwiftEmitter.supportTemplate.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for line in lines {
            if line.hasPrefix("// abigen:") {
                if line.hasPrefix("// abigen: big-endian targets only") { inBigEndianBlock = true }
                if line.hasPrefix("// abigen: end of big-endian targets only") { inBigEndianBlock = false }
                continue
            }
            if inBigEndianBlock && !bigEndian { continue }
            let indentation = line.prefix { $0 == " " }
            let rest = line.dropFirst(indentation.count)
            out += rest.hasPrefix("public ") ? indentation + access + rest.dropFirst("public ".count) : line
            out += "\n"
        }
        return out
    }
}
